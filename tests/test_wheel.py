"""The wheel: ``pip install .`` (not ``-e``) ships the LaTeX templates and the built-in bank.

Builds the wheel from a copy of the working tree, installs it into a fresh
virtual environment and builds the sample exam from an unrelated folder with
that environment's ``variantex`` command. The heavy dependencies are not
downloaded again: the fresh environment sees the running one's site-packages
through a ``.pth`` file (which puts them on ``sys.path`` after its own
site-packages, without running their ``.pth`` files, so the editable install of
this checkout stays invisible). The test checks that ``generator`` and its data
really come from the fresh environment.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "dl-midsem.yaml"
ROSTER = ROOT / "examples" / "roster.csv"
# Not part of a build: environments, outputs, caches, version control.
_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "venv", "output", "build", "dist", "*.egg-info",
                                     "__pycache__", ".pytest_cache", ".ruff_cache")


def _run(cmd: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _local_setuptools() -> bool:
    """True when this interpreter's setuptools meets ``build-system.requires`` (setuptools>=68)."""
    try:
        return int(metadata.version("setuptools").split(".")[0]) >= 68
    except (metadata.PackageNotFoundError, ValueError):
        return False


def _build_wheel(tmp: Path) -> Path:
    """Build the wheel from a copy of the tree (no ``build/`` left in, or reused from, the checkout)."""
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
    wheels = tmp / "wheels"
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
           "-q", "-w", wheels, src]
    if _local_setuptools():
        proc = _run([*cmd[:4], "--no-build-isolation", *cmd[4:]], cwd=tmp)
        assert proc.returncode == 0, f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}"
    else:
        # pip has to fetch setuptools for an isolated build: impossible offline without a cache.
        proc = _run(cmd, cwd=tmp)
        if proc.returncode != 0 and "No matching distribution found for setuptools" in proc.stderr:
            pytest.skip("cannot build the wheel: no setuptools>=68 in this environment and pip "
                        f"could not fetch it (offline?):\n{proc.stderr[-2000:]}")
        assert proc.returncode == 0, f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}"
    (wheel,) = wheels.glob("variantex-*.whl")
    return wheel


def _check_wheel_contents(wheel: Path) -> None:
    """Every module of generator/, every file of templates/ and every bank file is in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"generator/templates/exam.tex.j2"}
    expected |= {p.relative_to(ROOT).as_posix()
                 for p in (ROOT / "generator").rglob("*.py") if "__pycache__" not in p.parts}
    expected |= {f"generator/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                 for p in (ROOT / "templates").rglob("*") if p.is_file()}
    expected |= {f"generator/banks/{p.relative_to(ROOT / 'banks').as_posix()}"
                 for p in (ROOT / "banks").rglob("*.py") if "__pycache__" not in p.parts}
    assert any(n.startswith("generator/banks/deep_learning/") and "/_" in n for n in expected)
    missing = sorted(expected - names)
    assert not missing, f"missing from {wheel.name} (see [tool.setuptools] in pyproject.toml): {missing}"
    assert not [n for n in names if n.startswith(("templates/", "banks/"))], "data outside the package"


def _fresh_venv(tmp: Path) -> tuple[Path, Path]:
    """A new venv without pip whose site-packages ends with this interpreter's (for the dependencies)."""
    venv = tmp / "fresh-venv"
    proc = _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp).stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "zz_variantex_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    return python, site


def test_wheel_installs_and_builds_the_sample_exam(tmp_path):
    wheel = _build_wheel(tmp_path)
    _check_wheel_contents(wheel)

    python, site = _fresh_venv(tmp_path)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PYTHONNOUSERSITE"] = "1"
    # --ignore-installed: never look at (let alone uninstall) the editable variantex of this checkout.
    proc = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
                 "--disable-pip-version-check", "-q", wheel], cwd=tmp_path, env=env)
    assert proc.returncode == 0, f"installing the wheel failed:\n{proc.stdout}\n{proc.stderr}"
    variantex = python.parent / ("variantex.exe" if os.name == "nt" else "variantex")
    assert variantex.exists(), "the wheel installs no `variantex` command"

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SPEC, work / "dl-midsem.yaml")
    shutil.copy(ROSTER, work / "roster.csv")

    probe = ("import json, generator, generator.resources as r; print(json.dumps("
             "[generator.__file__, str(r.templates_dir()), str(r.builtin_bank_dir())]))")
    where = _run([python, "-c", probe], cwd=work, env=env)
    assert where.returncode == 0, where.stderr
    for path in json.loads(where.stdout):
        assert Path(path).resolve().is_relative_to(site.resolve()), \
            f"{path} is not from the fresh environment {site}: the test would not test the wheel"

    proc = _run([variantex, "build", "dl-midsem.yaml", "--roster", "roster.csv", "--out", "out"],
                cwd=work, env=env)
    assert proc.returncode == 0, f"variantex build failed:\n{proc.stdout}\n{proc.stderr}"

    out = work / "out"
    with ROSTER.open(encoding="utf-8", newline="") as f:
        students = list(csv.DictReader(f))
    assert len(students) == 30
    for s in students:
        assert (out / "papers" / f"{s['student_id']}.pdf").is_file(), s
        assert (out / "keys" / f"{s['student_id']}.pdf").is_file(), s
    first = students[0]
    text = "".join(p.extract_text() for p in PdfReader(out / "papers" / f"{first['student_id']}.pdf").pages)
    assert first["name"] in text

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    bank = manifest["bank"]["path"]  # the installed package's own bank: builtin:<name>
    assert bank == "builtin:deep_learning" or Path(bank).resolve().is_relative_to(site.resolve()), bank
    assert manifest["bank"]["questions"], "the manifest names no question of the bank"
