"""Real processes: Ctrl-C and kill -9 mid-build, two builds racing for one folder, and determinism
across hash seeds, time zones, locales and working folders."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultkit import ROOT, snapshot, write

SAMPLE = ROOT / "examples" / "dl-midsem.yaml"


def start(*args: object, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    """``variantex ARGS`` as a separate process (its own process group, like a shell job)."""
    return subprocess.Popen([sys.executable, "-m", "generator.cli", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, start_new_session=True)


def run(*args: object, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``variantex ARGS`` to the end; its exit status is the caller's to check."""
    return subprocess.run([sys.executable, "-m", "generator.cli", *map(str, args)], cwd=cwd, check=False,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def wait_for_typesetting(proc: subprocess.Popen, folder: Path, timeout: float = 60) -> None:
    """Wait until ``proc`` has a staging folder with LaTeX sources in ``folder`` (it is typesetting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list(folder.glob(".out.staging-*/_latex/*.tex")):
            time.sleep(0.3)
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the build never started typesetting")


def pdflatex_children() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "pdflatex" in line and ("papers-" in line or "keys-" in line)]


@pytest.fixture
def sample_build(tmp_path) -> Path:
    """A complete build of the sample exam for 40 anonymous students at tmp_path/out."""
    r = run("build", SAMPLE, "--n", "40", "--out", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return tmp_path / "out"


def test_ctrl_c_while_typesetting(sample_build, tmp_path):
    before = snapshot(sample_build)
    proc = start("build", SAMPLE, "--n", "120", "--out", sample_build, cwd=tmp_path)
    wait_for_typesetting(proc, tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground job
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted; nothing was written" in err
    assert snapshot(sample_build) == before
    assert not list(tmp_path.glob(".out.staging-*"))
    time.sleep(0.5)
    assert not pdflatex_children()


def test_kill_9_while_typesetting_then_build_again(sample_build, tmp_path):
    before = snapshot(sample_build)
    proc = start("build", SAMPLE, "--n", "120", "--out", sample_build, cwd=tmp_path)
    wait_for_typesetting(proc, tmp_path)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert snapshot(sample_build) == before  # the previous build, complete
    r = run("build", SAMPLE, "--n", "40", "--out", sample_build, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not list(tmp_path.glob(".out.staging-*"))  # the killed run's leftovers are gone
    assert snapshot(sample_build) == before  # same inputs, same bytes


def _consistent(out: Path, students: int) -> None:
    """The build in ``out`` is one build: its CSV key, manifest and PDFs agree and are complete."""
    manifest = json.loads((out / "manifest.json").read_text())
    rows = list(csv.DictReader((out / "answer_key.csv").open(encoding="utf-8")))
    assert len(manifest["papers"]) == students
    assert {r["paper_id"] for r in rows} == {p["paper_id"] for p in manifest["papers"]}
    listed = set(json.loads((out / ".variantex-build.json").read_text())["files"])
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {".variantex-build.json"}
    assert listed == on_disk
    assert len(list((out / "keys").glob("*.pdf"))) == students


def test_two_builds_racing_for_one_folder(tmp_path):
    out = tmp_path / "out"
    a = start("build", SAMPLE, "--n", "30", "--out", out, cwd=tmp_path)
    b = start("build", SAMPLE, "--n", "31", "--out", out, cwd=tmp_path)
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in (a, b)]
    for code, err in results:
        assert "Traceback" not in err
        assert code == 0 or (code == 1 and "another variantex build is writing" in err), err
    assert any(code == 0 for code, _ in results)
    winners = [n for n, (code, _) in zip((30, 31), results) if code == 0]
    _consistent(out, winners[-1] if len(winners) == 1 else json.loads(
        (out / "manifest.json").read_text())["roster"]["students"])
    assert not list(tmp_path.glob(".out.staging-*"))


def test_same_inputs_same_bytes_across_hash_seed_time_zone_locale_and_folder(tmp_path):
    roster = write(tmp_path / "inputs" / "roster.csv", (ROOT / "examples" / "roster.csv").read_text())
    spec = write(tmp_path / "inputs" / "exam.yaml", SAMPLE.read_text())
    runs = [({"PYTHONHASHSEED": "1", "TZ": "UTC", "LANG": "C"}, tmp_path / "inputs",
             ["exam.yaml", "--roster", "roster.csv", "--out", "../one"]),
            ({"PYTHONHASHSEED": "4242", "TZ": "Asia/Kolkata", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"},
             tmp_path, [spec, "--roster", roster, "--out", tmp_path / "two"])]
    for env, cwd, args in runs:
        r = run("build", *args, cwd=cwd, env=env)
        assert r.returncode == 0, r.stderr
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert one.keys() == two.keys() and len(one) > 60
    assert [name for name in one if one[name] != two[name]] == []
