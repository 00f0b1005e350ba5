"""Reading the files a user gives us: regular files only, of a bounded size, as UTF-8 text.

Every input (exam spec, roster, later the responses to grade) is read through
:func:`read_text`, so a device file (``/dev/zero``), a folder, a FIFO or a
gigabyte file gives one clear error instead of a hang, a traceback or an
exhausted memory, and the text is Unicode-normalised (NFC) once, here.
"""

from __future__ import annotations

import mmap
import os
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import VariantexError

MiB = 1024 * 1024


def _open_regular(path: Path, what: str, max_bytes: int, error: type[VariantexError]) -> int:
    """A read-only descriptor of the regular file ``path`` of at most ``max_bytes`` (see :func:`read_bytes`)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
            raise error(f"cannot read {what} {path}: it is {kind}")
        if info.st_size > max_bytes:
            raise error(f"{what} {path} is {info.st_size / MiB:.1f} MiB; the limit is "
                        f"{max_bytes / MiB:g} MiB")
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def mapped_bytes(path: Path, what: str, max_bytes: int, error: type[VariantexError],
                 private: bool = False) -> Iterator[bytes | mmap.mmap]:
    """The bytes of the regular file ``path`` mapped read-only into memory for the block (``b""`` if empty);
    with ``private``, a copy-on-write mapping whose bytes the caller may change in place (only the pages
    changed are copied, and the file never changes).

    For the largest inputs (a 3,000-student manifest.json is 230 MB): parsers
    read the file's pages in place instead of a copy (0.17 s less for the
    manifest, bench/bench_grade.py). Checks and errors as :func:`read_bytes`.
    """
    fd = _open_regular(path, what, max_bytes, error)
    try:
        if os.fstat(fd).st_size == 0:
            data: bytes | mmap.mmap = b""
        else:
            data = mmap.mmap(fd, 0, access=mmap.ACCESS_COPY if private else mmap.ACCESS_READ)
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror}") from None
    finally:
        os.close(fd)
    try:
        yield data
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def read_bytes(path: Path, what: str, max_bytes: int, error: type[VariantexError]) -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``).

    ``what`` names the input in messages ("exam spec", "roster"). Raises
    ``error`` (a :class:`errors.VariantexError` subclass) when the file is
    missing or unreadable, is not a regular file, or is larger than
    ``max_bytes``.
    """
    fd = _open_regular(path, what, max_bytes, error)
    try:
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise error(f"{what} {path} is larger than the limit of {max_bytes / MiB:g} MiB")
    return data


def decode_text(data: bytes, path: Path, what: str, error: type[VariantexError]) -> str:
    """``data`` decoded as UTF-8 (a byte-order mark is dropped) and normalised to NFC.

    Raises ``error`` naming the line of the first byte that is not UTF-8, and
    for NUL characters (a binary file, or a UTF-16 export).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise error(f"In {path}, line {line}: the {what} is not UTF-8 text (byte {e.start}); "
                    "save it as UTF-8") from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise error(f"In {path}, line {line}: the {what} holds a NUL character; is it a binary or UTF-16 file? "
                    "Save it as UTF-8 text")
    return unicodedata.normalize("NFC", text)


def read_text(path: Path | str, what: str, max_bytes: int, error: type[VariantexError]) -> tuple[str, bytes]:
    """``(text, raw bytes)`` of an input file: see :func:`read_bytes` and :func:`decode_text`."""
    path = Path(path)
    raw = read_bytes(path, what, max_bytes, error)
    return decode_text(raw, path, what, error), raw
