"""Where variantex's own data lives: the LaTeX templates and the built-in bank.

``templates/`` and ``banks/`` sit at the repository root, where authors edit
them, and are shipped inside the package as ``generator/templates`` and
``generator/banks`` (``package-dir`` and ``package-data`` in pyproject.toml,
so no file exists twice). So there are two places to look, in this order:

- installed from a wheel (``pip install .``): inside the package folder;
- an editable install or a checkout (``pip install -e .``): the repository's
  folders beside the package, so an author's edits to ``banks/`` take effect
  at once.
"""

from __future__ import annotations

from pathlib import Path

from .errors import VariantexError

_PACKAGE_DIR = Path(__file__).resolve().parent


class MissingDataError(VariantexError):
    """variantex's own data (LaTeX templates, built-in bank) is not where the install put it."""


def templates_dir() -> Path:
    """The folder of Jinja2 LaTeX templates (``exam.tex.j2``). Raises :class:`MissingDataError`."""
    return _data_dir("templates", "exam.tex.j2", "LaTeX templates folder")


def builtin_bank_dir() -> Path:
    """The built-in question bank, ``banks/deep_learning``. Raises :class:`MissingDataError`."""
    return _data_dir("banks", "deep_learning", "built-in question bank") / "deep_learning"


def _data_dir(sub: str, marker: str, what: str) -> Path:
    candidates = [_PACKAGE_DIR / sub, _PACKAGE_DIR.parent / sub]
    for folder in candidates:
        if (folder / marker).exists():
            return folder
    raise MissingDataError(f"variantex's {what} is missing: neither {candidates[0]} nor {candidates[1]} holds "
                           f"{marker}. The installation is incomplete; reinstall variantex (`pip install .` "
                           "from a clone, or `pip install -e .` to work on it)")


#: The LaTeX templates folder, found once (``latex.py`` and the manifest use it).
TEMPLATES = templates_dir()
