"""Question text as HTML: the template's LaTeX converted by pandoc, once per unique text.

Every LMS export and the HTML preview show the same LaTeX that the PDF papers
typeset; none of them writes HTML by hand. :class:`HtmlConverter` collects
the texts of a whole export, drops the ones converted before (a cache keyed
by SHA-256 of pandoc's version, the math mode and the text), and converts
the rest in a few pandoc processes run side by side, each over one batch of
texts joined by separator paragraphs. Calling pandoc once per text (as
R/exams' ``exams2moodle`` does) costs about 25 ms of start-up each time; one
call per batch costs that once.

Math modes:

- ``"mathjax"``: formulas stay TeX between ``\\( \\)`` and ``\\[ \\]`` in
  ``<span class="math inline|display">`` (pandoc's ``--mathjax``): what
  Moodle's MathJax filter and Canvas's math rendering read;
- ``"mathml"``: formulas become ``<math>`` elements (pandoc's ``--mathml``),
  which browsers draw without any script or network: the HTML preview.

The cache is an SQLite file, ``$VARIANTEX_CACHE_DIR/pandoc-html.sqlite3``
(default ``$XDG_CACHE_HOME/variantex`` or ``~/.cache/variantex``); set
``VARIANTEX_CACHE_DIR=off`` to keep nothing between runs. A cache that
cannot be opened or written is skipped silently: it only saves time, the
output is the same bytes either way.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
import sqlite3
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import VariantexError

#: Math modes and pandoc's option for each.
MATH_OPTIONS = {"mathjax": "--mathjax", "mathml": "--mathml"}
#: A batch holds about this many characters of LaTeX (pandoc's reader runs at roughly 150 kB/s).
BATCH_CHARS = 60_000
#: The separator paragraph between two texts of one batch (``{}`` is the text's index).
_SEPARATOR_TEX = "\n\nVXSEPARATOR{}VXSEPARATOR\n\n"
_SEPARATOR_HTML = re.compile(r"<p>VXSEPARATOR(\d+)VXSEPARATOR</p>\n?")
_PANDOC_ARGS = ("-f", "latex", "-t", "html5", "--wrap=none")


class ConversionError(VariantexError):
    """pandoc could not convert a text; the message names the text, and ``text`` holds it.

    Writers add the question and seed where the text comes from (see :meth:`TextCollector.where_of`).
    """

    def __init__(self, message: str, text: str | None = None) -> None:
        super().__init__(message)
        self.text = text


@cache
def pandoc_path() -> str:
    """The pandoc binary shipped by the ``pypandoc-binary`` wheel (or a pandoc on ``PATH``)."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as e:
        from shutil import which

        found = which("pandoc")
        if found:
            return found
        raise ConversionError(f"pandoc is needed to convert question text to HTML ({e}); "
                              "pip install pypandoc-binary") from None


@cache
def pandoc_version() -> str:
    """pandoc's version line (part of every cache key)."""
    run = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, check=False)
    return run.stdout.splitlines()[0] if run.stdout else "pandoc"


def _cache_file() -> Path | None:
    setting = os.environ.get("VARIANTEX_CACHE_DIR")
    if setting == "off":
        return None
    if setting:
        return Path(setting) / "pandoc-html.sqlite3"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "variantex" / "pandoc-html.sqlite3"


class _DiskCache:
    """SQLite table ``html(key, value)``; every failure makes it a no-op (it only saves time)."""

    def __init__(self, path: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=10)
            self.db.execute("CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (OSError, sqlite3.Error):
            self.db = None

    def get(self, keys: list[str]) -> dict[str, str]:
        if self.db is None or not keys:
            return {}
        found: dict[str, str] = {}
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self.db.execute(f"SELECT key, value FROM html WHERE key IN ({','.join('?' * len(chunk))})",
                                       chunk)
                found.update(rows.fetchall())
        except sqlite3.Error:
            return {}
        return found

    def put(self, items: dict[str, str]) -> None:
        if self.db is None or not items:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO html (key, value) VALUES (?, ?)", items.items())
        except sqlite3.Error:
            pass


def _key(math: str, text: str) -> str:
    return hashlib.sha256(f"{pandoc_version()}\x1f{math}\x1f{text}".encode()).hexdigest()


def _batches(texts: list[str], jobs: int) -> list[list[str]]:
    """Split ``texts`` into at least ``jobs`` batches (when there are that many) of about equal size."""
    total = sum(len(t) for t in texts)
    target = max(1, min(BATCH_CHARS, total // max(1, jobs) + 1))
    out: list[list[str]] = [[]]
    size = 0
    for t in texts:
        if out[-1] and size + len(t) > target:
            out.append([])
            size = 0
        out[-1].append(t)
        size += len(t)
    return out


class HtmlConverter:
    """LaTeX fragments to HTML fragments, with pandoc, in batches, cached by text hash.

    ``math`` is ``"mathjax"`` or ``"mathml"`` (see the module docstring).
    ``convert(texts)`` returns ``{text: html}`` for every text given; ``html(text)``
    one text (after ``convert`` has seen it, from memory). A converted text is
    a sequence of HTML block elements (``<p>…</p>``, tables, lists); ``inline``
    unwraps a single paragraph for use inside a line (an option, a table cell).
    Raises :class:`ConversionError` naming the text when pandoc fails on it.
    """

    def __init__(self, math: str = "mathjax", jobs: int | None = None, disk_cache: bool = True) -> None:
        if math not in MATH_OPTIONS:
            raise ValueError(f"math must be one of {sorted(MATH_OPTIONS)}, got {math!r}")
        self.math = math
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self._memory: dict[str, str] = {}
        self._disk = _DiskCache(_cache_file() if disk_cache else None)
        #: How many texts pandoc converted (not found in a cache) and in how many processes: for benchmarks.
        self.converted = 0
        self.pandoc_runs = 0

    def convert(self, texts: Iterable[str]) -> dict[str, str]:
        wanted = sorted({t for t in texts})
        todo = [t for t in wanted if t not in self._memory]
        if todo:
            keys = {t: _key(self.math, t) for t in todo}
            stored = self._disk.get(list(keys.values()))
            for t in todo:
                if keys[t] in stored:
                    self._memory[t] = stored[keys[t]]
            todo = [t for t in todo if t not in self._memory]
            fresh = self._run(todo)
            self._memory.update(fresh)
            self._disk.put({keys[t]: h for t, h in fresh.items()})
        return {t: self._memory[t] for t in wanted}

    def html(self, text: str) -> str:
        """The HTML of ``text`` (converting it now if ``convert`` has not seen it)."""
        if text not in self._memory:
            self.convert([text])
        return self._memory[text]

    def inline(self, text: str) -> str:
        """The HTML of ``text`` without its paragraph when it is one paragraph (an option's text)."""
        return unwrap_paragraph(self.html(text))

    # ------------------------------------------------------------------ pandoc runs

    def _command(self) -> list[str]:
        return [pandoc_path(), *_PANDOC_ARGS, MATH_OPTIONS[self.math]]

    def _run(self, texts: list[str]) -> dict[str, str]:
        """Convert ``texts`` (none empty of meaning) in parallel batches; fall back to one call per text."""
        out: dict[str, str] = {}
        blank = [t for t in texts if not t.strip()]
        out.update({t: "" for t in blank})
        texts = [t for t in texts if t.strip()]
        if not texts:
            return out
        batches = _batches(texts, self.jobs)
        sources = ["".join(_SEPARATOR_TEX.format(i) + t for i, t in enumerate(batch)) for batch in batches]
        results = self._pandoc_many(sources)
        retry: list[str] = []
        for batch, (code, html, err) in zip(batches, results):
            pieces = _split(html, len(batch)) if code == 0 else None
            if pieces is None:
                retry += batch
            else:
                out.update(zip(batch, pieces))
        if retry:  # a text that leaves a group open swallows the separator after it: convert each alone
            for text, (code, html, err) in zip(retry, self._pandoc_many(retry)):
                if code != 0:
                    shown = " ".join(text.split())[:160]
                    raise ConversionError(f"pandoc could not convert this LaTeX to HTML: {err.strip()[:300]} "
                                          f"(text: {shown!r})", text)
                out[text] = html.strip()
        self.converted += len(texts)
        return out

    def _pandoc_many(self, sources: list[str]) -> list[tuple[int, str, str]]:
        """Run pandoc over each source, at most ``jobs`` processes at a time; (exit code, stdout, stderr)."""
        results: list[tuple[int, str, str]] = []
        for i in range(0, len(sources), self.jobs):
            group = sources[i:i + self.jobs]
            procs = [subprocess.Popen(self._command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for _ in group]
            self.pandoc_runs += len(procs)
            # Feed every process before reading any, so that they all run at once.
            outputs: list[tuple[bytes, bytes]] = [(b"", b"")] * len(procs)

            def talk(j: int, proc: subprocess.Popen, source: str, into: list[tuple[bytes, bytes]]) -> None:
                into[j] = proc.communicate(source.encode("utf-8"))

            threads = [threading.Thread(target=talk, args=(j, p, s, outputs))
                       for j, (p, s) in enumerate(zip(procs, group))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            results += [(p.returncode, o.decode("utf-8"), e.decode("utf-8", "replace"))
                        for p, (o, e) in zip(procs, outputs)]
        return results


def _split(html: str, n: int) -> list[str] | None:
    """The ``n`` texts of one batch's HTML, or None if the separators are not all there in order."""
    parts = _SEPARATOR_HTML.split(html)
    # parts: [before, "0", text0, "1", text1, ...]
    if len(parts) != 2 * n + 1 or parts[0].strip():
        return None
    if [int(x) for x in parts[1::2]] != list(range(n)):
        return None
    return [p.strip() for p in parts[2::2]]


_ONE_PARAGRAPH = re.compile(r"\A<p>((?:(?!</?p[ >]).)*)</p>\Z", re.DOTALL)


def unwrap_paragraph(html: str) -> str:
    """``<p>x</p>`` → ``x``; anything else (several blocks, a table) unchanged."""
    m = _ONE_PARAGRAPH.match(html.strip())
    return m.group(1) if m else html


# ---------------------------------------------------------------------- images

_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


@dataclass(frozen=True)
class ImageFile:
    """An image a question's HTML refers to: its file name in the export and its bytes."""

    name: str
    data: bytes

    @property
    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    @property
    def mime(self) -> str:
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"


def image_sources(html: str) -> list[str]:
    """The ``src`` of every ``<img>`` in ``html``, in order."""
    return [m.group(2) for m in _IMG_SRC.finditer(html)]


def replace_image_sources(html: str, new_src: dict[str, str]) -> str:
    """``html`` with each ``<img src>`` found in ``new_src`` replaced (pandoc writes ``src`` double-quoted)."""
    return _IMG_SRC.sub(lambda m: m.group(1) + new_src.get(m.group(2), m.group(2)) + m.group(3), html)


def load_image(src: str, folder: Path | None, where: str) -> ImageFile:
    """Read the image ``src`` (relative to the question template's ``folder``; ``.png`` tried when no suffix).

    Raises :class:`ConversionError` naming ``where`` (question and seed) when it cannot be read
    or lies outside the folder.
    """
    if folder is None or re.match(r"^[a-z]+:", src) or src.startswith("/"):
        raise ConversionError(f"{where}: image {src!r} must be a file beside the question template")
    base = folder.resolve()
    candidates = [base / src] + ([base / (src + ext) for ext in (".png", ".jpg", ".svg")] if not Path(src).suffix
                                 else [])
    for path in candidates:
        path = path.resolve()
        if path.is_relative_to(base) and path.is_file():
            return ImageFile(path.name, path.read_bytes())
    raise ConversionError(f"{where}: image {src!r} not found in {folder}")


def data_uri(image: ImageFile) -> str:
    """``data:<mime>;base64,…`` for inlining an image in a self-contained page."""
    return f"data:{image.mime};base64,{image.base64}"


class TextCollector:
    """Stands in for :class:`HtmlConverter` during a first rendering pass: records every text, returns ''.

    Writers render once with a collector, convert all recorded texts in one
    batch, then render again with the converter: no text is missed and pandoc
    runs once per batch, not once per text.
    """

    def __init__(self) -> None:
        self.texts: set[str] = set()
        #: Set by the renderer to the question and seed being rendered.
        self.where = ""
        self._first: dict[str, str] = {}

    def html(self, text: str) -> str:
        self.texts.add(text)
        self._first.setdefault(text, self.where)
        return ""

    def where_of(self, text: str | None) -> str:
        """The question and seed whose rendering first asked for ``text`` ('' if unknown)."""
        return self._first.get(text, "") if text is not None else ""

    def convert_with(self, converter: HtmlConverter) -> None:
        """Convert every recorded text; a :class:`ConversionError` is re-raised naming question and seed."""
        try:
            converter.convert(self.texts)
        except ConversionError as e:
            where = self.where_of(e.text)
            if not where:
                raise
            raise ConversionError(f"{where}: {e.message}", e.text) from None

    def inline(self, text: str) -> str:
        return self.html(text)
