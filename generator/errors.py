"""User-facing errors.

Every error an instructor can cause (a bad spec, roster, bank or parameter)
subclasses :class:`click.ClickException`, so the CLI prints one clear message
and exits with status 1 instead of a traceback.
"""

from __future__ import annotations

import click


class VariantexError(click.ClickException):
    """Base class of every user-facing error; ``message`` says where and what."""


class SpecError(VariantexError):
    """The exam spec (YAML) is invalid; the message lists every problem found."""


class RosterError(VariantexError):
    """The roster CSV is invalid (missing column, duplicate or unsafe student id)."""


class BankError(VariantexError):
    """A question bank cannot be loaded (syntax error, missing field, duplicate id)."""


class ParamError(VariantexError):
    """Parameters given with ``--set`` are unknown or invalid for the question."""


class TemplateError(VariantexError):
    """A question template misbehaved for a given seed (bad draw, render error)."""


class VerificationError(TemplateError):
    """A variant's answer disagrees with its independent verification.

    Such a variant is never written: the build stops before any output.
    """


class LatexError(VariantexError):
    """pdflatex failed; the message names the paper, question and source line."""


class OutputError(VariantexError):
    """The output folder may not be written or replaced (not ours, locked, disk full, read-only)."""


class Interrupted(VariantexError):
    """The user pressed Ctrl-C (SIGINT): nothing was written, an earlier build is as it was. Exit status 130."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted; nothing was written, and an earlier build in the output folder is as it was")
