"""Writing a build to disk all at once, or not at all.

Writers run into a staging folder beside the output folder; only when all
have succeeded is the old output folder replaced. A failure leaves the
previous build as it was (and, for a LaTeX error, the failing sources in
``<out>.latex-error/`` for inspection).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from .build import BuildResult
from .errors import VariantexError
from .writers import Writer


def write_build(result: BuildResult, out: Path, writers: Sequence[Writer]) -> list[Path]:
    """Run ``writers`` over ``result`` and put their files in ``out``; return the final paths.

    Raises whatever a writer raises (a :class:`errors.VariantexError` for
    user-facing problems) after removing the staging folder; ``out`` is
    untouched in that case.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.staging"
    failed = out.parent / f"{out.name}.latex-error"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        written: list[Path] = []
        for writer in writers:
            written += writer.write(result, staging)
    except VariantexError as e:
        shutil.rmtree(failed, ignore_errors=True)
        if (staging / "_latex").is_dir():
            shutil.copytree(staging / "_latex", failed, ignore=shutil.ignore_patterns("*.pdf", "*.aux"))
            e.message = e.message.replace(str(staging / "_latex"), str(failed))
            e.message += f"\n  (the LaTeX sources and logs are kept in {failed})"
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(failed, ignore_errors=True)
    old = out.parent / f".{out.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return [out / p.relative_to(staging) for p in written]
