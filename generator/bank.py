"""Loading a question bank: a folder of question template files.

Every ``*.py`` file below the bank folder whose name does not start with
``_`` holds question templates (subclasses of :class:`question.Question`).
Files starting with ``_`` are shared helpers, imported by templates with a
relative import (``from .._conv import conv_output_size``): the bank folder
is imported as a package of its own, so banks never clash with each other.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import inspect
import sys
import traceback
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .errors import BankError
from .question import DIFFICULTIES, ID_PATTERN, Question
from .resources import builtin_bank_dir
from .texenv import make_environment

#: The bank shipped with variantex (``banks/deep_learning``, inside the package once installed).
BUILTIN_BANK = builtin_bank_dir()

_REQUIRED = ("id", "title", "topic", "stem", "solution")


@dataclass(frozen=True)
class Bank:
    """A loaded bank: ``questions`` maps id to template instance, in id order.

    ``files`` maps id to the template's file; ``sha256`` hashes every file of
    the bank (relative paths and bytes), so a manifest can tell whether a
    rebuild uses the same bank.
    """

    root: Path
    questions: Mapping[str, Question]
    files: Mapping[str, Path]
    sha256: str

    def select(self, topic: str | None = None, tags: tuple[str, ...] = (),
               difficulty: str | None = None) -> list[Question]:
        """Questions with this topic, all these tags and this difficulty (any when None), by id."""
        return [q for q in self.questions.values()
                if (topic is None or q.topic == topic)
                and set(tags) <= set(q.tags)
                and (difficulty is None or q.difficulty == difficulty)]

    def did_you_mean(self, qid: str) -> str:
        """A hint naming ids close to the unknown ``qid`` ("; did you mean …?"), or how to list them."""
        close = difflib.get_close_matches(qid, list(self.questions), n=3)
        return f"; did you mean {', '.join(close)}?" if close else "; `variantex list` shows the ids"

    def file_sha256(self, qid: str) -> str:
        """SHA-256 of the file that defines question ``qid``."""
        return hashlib.sha256(self.files[qid].read_bytes()).hexdigest()


def _bank_hash(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _import_package(root: Path, digest: str) -> str:
    name = f"variantex_bank_{digest[:12]}"
    if name not in sys.modules:
        pkg = types.ModuleType(name)
        pkg.__path__ = [str(root)]  # type: ignore[attr-defined]
        pkg.__package__ = name
        sys.modules[name] = pkg
    return name


def _check_class(cls: type[Question], where: str, env: jinja2.Environment) -> list[str]:
    problems = [f"{where}: class {cls.__name__} needs the attribute '{a}'"
                for a in _REQUIRED if not isinstance(getattr(cls, a, None), str)]
    if problems:
        return problems
    if not ID_PATTERN.match(cls.id):
        problems.append(f"{where}: id '{cls.id}' must be lower-case kebab-case words separated by '/', "
                        "like 'dl/cnn/conv-output-size'")
    if cls.difficulty not in DIFFICULTIES:
        problems.append(f"{where}: difficulty '{cls.difficulty}' must be one of {', '.join(DIFFICULTIES)}")
    if not isinstance(cls.tags, tuple) or not all(isinstance(t, str) for t in cls.tags):
        problems.append(f"{where}: tags must be a tuple of strings")
    for which in ("stem", "solution"):
        try:
            env.parse(getattr(cls, which))
        except jinja2.TemplateSyntaxError as e:
            problems.append(f"{where}: {which} text, line {e.lineno}: {e.message}")
    for method in ("draw", "solve"):
        if getattr(cls, method) is getattr(Question, method):
            problems.append(f"{where}: class {cls.__name__} must define {method}()")
    return problems


def load_bank(path: Path | str) -> Bank:
    """Load every question template below ``path``.

    Raises :class:`BankError` listing every problem found (a file that does
    not import, a class missing a field, a malformed id, a Jinja2 syntax
    error, the same id in two files), each with its file and line.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise BankError(f"bank folder not found: {path}")
    all_files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    digest = _bank_hash(root, all_files)
    package = _import_package(root, digest)
    env = make_environment()
    problems: list[str] = []
    questions: dict[str, Question] = {}
    files: dict[str, Path] = {}
    for file in all_files:
        if file.name.startswith("_"):
            continue
        rel = file.relative_to(root)
        module_name = ".".join([package, *rel.with_suffix("").parts])
        try:
            module = importlib.import_module(module_name)
        except Exception as e:  # noqa: BLE001 - any failure to import a template is the author's to fix
            tb = traceback.extract_tb(e.__traceback__)
            line = next((fr.lineno for fr in reversed(tb) if Path(fr.filename).resolve() == file), None)
            if isinstance(e, SyntaxError):
                line = e.lineno
            problems.append(f"{rel}{f', line {line}' if line else ''}: {type(e).__name__}: {e}")
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Question) or cls.__module__ != module.__name__:
                continue
            where = f"{rel}, line {inspect.getsourcelines(cls)[1]}"
            class_problems = _check_class(cls, where, env)
            problems += class_problems
            if class_problems:
                continue
            if cls.id in questions:
                problems.append(f"{where}: id '{cls.id}' is already defined in {files[cls.id].relative_to(root)}")
                continue
            questions[cls.id] = cls()
            files[cls.id] = file
    if problems:
        raise BankError(f"In bank {path}:\n  " + "\n  ".join(problems))
    if not questions:
        raise BankError(f"bank {path} holds no question templates (no Question subclasses in *.py files)")
    ordered = dict(sorted(questions.items()))
    return Bank(root, types.MappingProxyType(ordered), types.MappingProxyType(files), digest)
