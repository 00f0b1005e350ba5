"""Where variantex's own data lives: the LaTeX templates and the built-in bank.

``templates/`` and ``banks/`` sit at the repository root, where authors edit
them, and are shipped inside the package as ``generator.templates`` and
``generator.banks`` (``package-dir`` and ``package-data`` in pyproject.toml).
Both are plain folders (no ``__init__.py``), found through the import system:

- installed from a wheel (``pip install .``), they are ``generator/templates``
  and ``generator/banks`` in site-packages, found by ``find_spec``;
- in an editable install (``pip install -e .``) setuptools maps the package
  names to the repository's folders, but its import hook cannot yet import a
  mapped folder without ``__init__.py`` (setuptools issue #4943). There the
  install's PEP 610 record (``direct_url.json``) names the checkout, and the
  checkout's own ``package-dir`` table names the folder, so editing ``banks/``
  takes effect at once and the mapping is written down only in pyproject.toml.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import tomllib
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from .errors import VariantexError

DISTRIBUTION = "variantex"
_PACKAGE = __package__ or "generator"


class MissingDataError(VariantexError):
    """variantex's own data (LaTeX templates, built-in bank) is not where the install put it."""


def templates_dir() -> Path:
    """The folder of Jinja2 LaTeX templates (``exam.tex.j2``), the ``generator.templates`` data."""
    return _data_dir("templates", "exam.tex.j2", "LaTeX templates folder")


def builtin_bank_dir() -> Path:
    """The built-in question bank: ``deep_learning`` in the ``generator.banks`` data."""
    return _data_dir("banks", "deep_learning", "built-in question bank") / "deep_learning"


def _data_dir(sub: str, marker: str, what: str) -> Path:
    name = f"{_PACKAGE}.{sub}"
    candidates = _import_locations(name) + _editable_locations(name)
    for folder in candidates:
        if (folder / marker).exists():
            return folder.resolve()
    looked = ", ".join(str(c) for c in candidates) or "nowhere: the package has no such data"
    raise MissingDataError(
        f"variantex's {what} is missing: no folder for '{name}' holds {marker} "
        f"(looked in {looked}). The installation is incomplete; reinstall variantex "
        "(`pip install .` from a clone, or `pip install -e .` to work on it).")


def _import_locations(name: str) -> list[Path]:
    """The folders of package ``name`` as the import system finds them (a wheel install)."""
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return []
    if spec is None or spec.submodule_search_locations is None:
        return []
    return [Path(p) for p in spec.submodule_search_locations if Path(p).is_absolute()]


def _editable_locations(name: str) -> list[Path]:
    """The checkout folder mapped to ``name`` when the running package is an editable install."""
    # Every record: run from a checkout, its variantex.egg-info may shadow the installed one.
    return [folder for dist in metadata.distributions(name=DISTRIBUTION)
            for folder in _checkout_folder(dist, name)]


def _checkout_folder(dist: metadata.Distribution, name: str) -> list[Path]:
    try:
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return []
    url = urlparse(direct_url.get("url", ""))
    if not direct_url.get("dir_info", {}).get("editable") or url.scheme != "file":
        return []
    root = Path(url2pathname(url.path))
    try:
        config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    package_dir = config.get("tool", {}).get("setuptools", {}).get("package-dir", {})
    # Trust the record only if that checkout is where the running package comes from.
    here = [Path(p).resolve() for p in importlib.import_module(_PACKAGE).__path__]
    if (root / package_dir.get(_PACKAGE, _PACKAGE)).resolve() not in here or name not in package_dir:
        return []
    return [root / package_dir[name]]


#: The LaTeX templates folder, found once (``latex.py`` and the manifest use it).
TEMPLATES = templates_dir()
