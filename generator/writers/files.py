"""Writing one output file atomically: a temporary file beside it, then ``os.replace``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def write_file_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once or not at all; return ``path``.

    The bytes go to a hidden temporary file in the same folder, are flushed to
    disk, and replace ``path`` with one ``os.replace``: a reader sees the old
    file or the new one, never a part. Raises :class:`errors.OutputError` when
    ``path`` is a folder or the disk refuses the write; the temporary file is
    removed and ``path`` is as it was.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"--out {path}: is a folder; give a file name such as quiz.xml")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(f"cannot write in {folder}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {path}: {e.strerror}; it is as it was") from None
        raise
    return path
