"""Writing a build to disk all at once, or not at all, and never over somebody else's files.

Writers run into a staging folder of their own (a fresh hidden folder beside
the output folder, unique to the run); only when all have succeeded is it
swapped in, by one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux, so at
every instant the output folder holds either the previous build or the new
one, complete. A failure or an interruption leaves the previous build as it
was (and, for a LaTeX error, the failing sources in ``<out>.latex-error/``).

Safety rules, checked before anything is written:

- the output folder must not exist, be empty, or be a folder that variantex
  wrote itself: it holds the marker file :data:`MARKER` listing every file
  of that build, and nothing else. Any other folder is refused, so a user's
  own files are never deleted (``--out .`` in a folder of specs, ``--out /``,
  a previous build into which the user saved notes);
- the output folder may not be the current folder or one of its ancestors;
- one build at a time per output folder: a lock file ``.<name>.lock``
  beside it (``flock``); a second build is refused at once with a clear error.

Leftovers of a run that was killed (a staging folder) are removed by the next
run that holds the lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OutputError, VariantexError

if TYPE_CHECKING:  # for annotations only: grade and scan write through here without importing the build
    from .build import BuildResult
    from .writers import Writer

#: The file that marks a folder as a variantex build and lists the files it wrote.
MARKER = ".variantex-build.json"
#: Marks a ``<out>.latex-error`` folder as ours (so it may be replaced).
LATEX_ERROR_MARKER = ".variantex-latex-error"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_build(result: BuildResult | Any, out: Path, writers: Sequence[Writer]) -> list[Path]:
    """Run ``writers`` over ``result`` and put their files in ``out``; return the final paths.

    ``result`` is whatever the writers understand: a :class:`build.BuildResult`
    for ``build``, a ``grading.GradeResult`` for ``grade``; the rules are the same.

    Raises :class:`errors.OutputError` when ``out`` may not be replaced (see the
    module docstring), when another build holds its lock, or when the disk
    refuses a write (full, read-only, permission); re-raises what a writer
    raises (a :class:`errors.VariantexError` for user-facing problems) and
    ``KeyboardInterrupt``. In every such case ``out`` is untouched and no
    staging folder is left.
    """
    out = Path(os.path.abspath(out))
    refuse_unsafe_output(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the folder {out.parent}: {e.strerror}") from None
    with _locked(out):
        _clean_leftovers(out)
        check_replaceable(out)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        except OSError as e:
            raise OutputError(f"cannot write in {out.parent}: {e.strerror}") from None
        try:
            written: list[Path] = []
            for writer in writers:
                written += writer.write(result, staging)
            _write_marker(staging, written)
        except VariantexError as e:
            _keep_latex_sources(staging, out, e)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except OSError as e:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(f"cannot write the build for {out}: {e.strerror}"
                              f"{f' ({e.filename})' if e.filename else ''}; nothing was changed in {out}") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _swap_in(staging, out)
        failed = _latex_error_dir(out)
        if (failed / LATEX_ERROR_MARKER).exists():
            shutil.rmtree(failed, ignore_errors=True)
    return [out / p.relative_to(staging) for p in written]


def check_output(out: Path) -> None:
    """Refuse, before any work, an output folder that :func:`write_build` would refuse.

    Raises :class:`errors.OutputError`; :func:`write_build` checks again under its lock.
    """
    out = Path(os.path.abspath(out))
    refuse_unsafe_output(out)
    check_replaceable(out)


def refuse_unsafe_output(out: Path) -> None:
    """Refuse an output folder that is a file-system root or holds the current folder.

    ``out`` is absolute. Raises :class:`errors.OutputError`.
    """
    if out.parent == out:
        raise OutputError(f"--out {out}: refusing to write a build over the root of a file system")
    cwd = Path.cwd()
    if cwd == out or out in cwd.parents:
        raise OutputError(f"--out {out}: refusing to replace the current folder or a folder that holds it; "
                          "choose a new folder such as output/exam")


def _build_files(out: Path) -> set[str] | None:
    """The files a variantex build wrote into ``out`` (from its marker), or None if it has no valid marker."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return set(files)


def check_replaceable(out: Path) -> None:
    """Raise :class:`errors.OutputError` unless ``out`` may be replaced by a new build.

    It may be if it does not exist, is an empty folder, or is a previous
    variantex build (its :data:`MARKER` lists the files it wrote) that holds
    no other file. Symbolic links are never followed.
    """
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder; choose a folder for the build")
    try:
        entries = _entries(out)
    except OSError as e:
        raise OutputError(f"--out {out}: cannot read the folder: {e.strerror}") from None
    if not entries:
        return
    ours = _build_files(out)
    if ours is None:
        shown = ", ".join(sorted(entries)[:5])
        raise OutputError(f"--out {out}: the folder is not empty and is not a variantex build (it holds "
                          f"{shown}{', ...' if len(entries) > 5 else ''}); refusing to replace it. "
                          "Choose a new or empty folder, such as output/exam")
    files = ours | {MARKER}
    dirs = {parent.as_posix() for f in files for parent in Path(f).parents} - {"."}
    foreign = sorted(rel for rel, is_dir in entries.items() if rel not in (dirs if is_dir else files))
    if foreign:
        raise OutputError(f"--out {out}: holds files the previous build did not write: "
                          f"{', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}; move them out "
                          "(a new build replaces the whole folder) or choose another --out")


def _entries(folder: Path) -> dict[str, bool]:
    """Every path below ``folder`` (relative, POSIX) -> is it a real folder; links are not followed."""
    found: dict[str, bool] = {}

    def fail(e: OSError) -> None:
        raise e

    for top, dirs, files in os.walk(folder, onerror=fail):
        rel = Path(top).relative_to(folder)
        for d in dirs:
            found[(rel / d).as_posix()] = not os.path.islink(os.path.join(top, d))
        for f in files:
            found[(rel / f).as_posix()] = False
    return found


def _write_marker(staging: Path, written: list[Path]) -> None:
    files = sorted(p.relative_to(staging).as_posix() for p in written)
    text = json.dumps({"written_by": "variantex", "files": files}, indent=1)
    (staging / MARKER).write_text(text + "\n", encoding="utf-8")


def _latex_error_dir(out: Path) -> Path:
    return out.parent / f"{out.name}.latex-error"


def _keep_latex_sources(staging: Path, out: Path, error: VariantexError) -> None:
    """Keep a failed build's LaTeX sources in ``<out>.latex-error`` and say so in ``error``."""
    sources = staging / "_latex"
    failed = _latex_error_dir(out)
    if not sources.is_dir():
        return
    if failed.exists() and not (failed / LATEX_ERROR_MARKER).exists():
        error.message += f"\n  (the LaTeX sources were not kept: {failed} exists and is not ours)"
        return
    shutil.rmtree(failed, ignore_errors=True)
    shutil.copytree(sources, failed, ignore=shutil.ignore_patterns("*.pdf", "*.aux"))
    (failed / LATEX_ERROR_MARKER).touch()
    error.message = error.message.replace(str(sources), str(failed))
    error.message += f"\n  (the LaTeX sources and logs are kept in {failed})"


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock file ``.<name>.lock`` (beside it) for the duration."""
    lock = out.parent / f".{out.name}.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise OutputError(f"cannot create the lock file {lock}: {e.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another variantex build is writing {out} right now (it holds {lock}); "
                              "wait for it to finish, or choose another --out") from None
        yield
    finally:
        os.close(fd)


def _clean_leftovers(out: Path) -> None:
    """Remove staging folders of killed runs; restore a build left in ``.<name>.old-*`` by one."""
    for p in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(p, ignore_errors=True)
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if olds and not out.exists():
        olds.pop().rename(out)
    for p in olds:
        shutil.rmtree(p, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name, use_errno=True) if name else None
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(staging: Path, out: Path) -> None:
    """Make ``staging`` the output folder ``out`` and remove the previous build, atomically where possible."""
    try:
        if not out.exists():
            staging.rename(out)
            return
        if _exchange(staging, out):
            shutil.rmtree(staging, ignore_errors=True)  # now holds the previous build
            return
        # No atomic exchange (not Linux, or a file system without it): two renames; a run killed
        # between them leaves the previous build in .<name>.old-*, restored by the next run.
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot replace {out}: {e.strerror}; the previous build is unchanged") from None
