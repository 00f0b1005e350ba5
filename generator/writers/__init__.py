"""Writers: each turns the same ``BuildResult`` into one output format.

A writer is configured once and has one method, ``write(result, out)``,
that writes its files below the folder ``out`` and returns their paths.
Writers never change the ``BuildResult`` and never draw random numbers.
``output.write_build`` runs them into a staging folder and swaps it in
only when all have succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..build import BuildResult


class Writer(Protocol):
    """One output format over a :class:`build.BuildResult`."""

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        """Write below ``out`` and return the paths written."""
        ...


def default_writers(pdf: bool = True, progress: Callable[[int, int], None] | None = None,
                    html: bool = False) -> list[Writer]:
    """The writers of ``variantex build``: CSV key, manifest, responses template, PDFs (unless ``pdf`` is false),
    HTML pages (if ``html``).

    ``progress(done, total)`` reports typeset batches (see ``PdfPapersWriter``).
    """
    from .csv_key import AnswerKeyCsvWriter
    from .manifest import ManifestWriter
    from .pdf import PdfPapersWriter
    from .responses_template import ResponsesTemplateWriter

    writers: list[Writer] = [AnswerKeyCsvWriter(), ManifestWriter(), ResponsesTemplateWriter()]
    if pdf:
        writers.append(PdfPapersWriter(progress=progress))
    if html:
        from .html import HtmlPagesWriter

        writers.append(HtmlPagesWriter())
    return writers
