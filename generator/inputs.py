"""Reading the files a user gives us: regular files only, of a bounded size, as UTF-8 text.

Every input (exam spec, roster, later the responses to grade) is read through
:func:`read_text`, so a device file (``/dev/zero``), a folder, a FIFO or a
gigabyte file gives one clear error instead of a hang, a traceback or an
exhausted memory, and the text is Unicode-normalised (NFC) once, here.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from .errors import VariantexError

MiB = 1024 * 1024


def read_bytes(path: Path, what: str, max_bytes: int, error: type[VariantexError]) -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``).

    ``what`` names the input in messages ("exam spec", "roster"). Raises
    ``error`` (a :class:`errors.VariantexError` subclass) when the file is
    missing or unreadable, is not a regular file, or is larger than
    ``max_bytes``.
    """
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
