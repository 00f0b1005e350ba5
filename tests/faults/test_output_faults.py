"""Output folders that are not ours, locks, full disks and interrupted writes: nothing already built is lost."""

from __future__ import annotations

import errno
import fcntl
import os

import pytest
from faultkit import FAULT_BANK, fails, invoke, snapshot, write

import generator.output
import generator.writers.csv_key


def test_out_holding_the_users_own_files_is_refused(spec, roster, tmp_path):
    before = snapshot(tmp_path)
    fails(invoke("build", spec, "--roster", roster, "--out", tmp_path), "is not a variantex build",
          "refusing to replace it", "roster.csv")
    assert snapshot(tmp_path) == before


def test_out_dot_is_refused(spec, roster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    fails(invoke("build", spec, "--roster", roster, "--out", "."), "refusing to replace the current folder")
    assert snapshot(tmp_path) == before


def test_out_parent_of_the_current_folder_is_refused(spec, roster, tmp_path, monkeypatch):
    (tmp_path / "inner").mkdir()
    monkeypatch.chdir(tmp_path / "inner")
    fails(invoke("build", spec, "--roster", roster, "--out", ".."), "refusing to replace the current folder")


def test_out_root_is_refused(spec, roster):
    fails(invoke("build", spec, "--roster", roster, "--out", "/"), "root of a file system")


def test_out_that_is_a_file_is_refused(spec, roster, tmp_path):
    target = write(tmp_path / "notes.txt", "mine")
    fails(invoke("build", spec, "--roster", roster, "--out", target), "notes.txt", "is a file", code=2)
    assert target.read_text() == "mine"


def test_previous_build_with_a_users_file_added_is_refused(spec, roster, out, tmp_path):
    write(out / "papers" / "my-notes.txt", "marks I entered by hand")
    before = snapshot(out)
    fails(invoke("build", spec, "--roster", roster, "--out", out), "did not write", "papers/my-notes.txt")
    assert snapshot(out) == before


def test_previous_build_with_a_link_to_elsewhere_is_refused_and_the_target_kept(spec, roster, out, tmp_path):
    elsewhere = write(tmp_path / "elsewhere" / "precious.txt", "keep me").parent
    os.symlink(elsewhere, out / "linked")
    fails(invoke("build", spec, "--roster", roster, "--out", out), "did not write", "linked")
    assert (elsewhere / "precious.txt").read_text() == "keep me"


def test_an_empty_folder_is_used(spec, roster, tmp_path):
    (tmp_path / "empty").mkdir()
    r = invoke("build", spec, "--roster", roster, "--out", tmp_path / "empty", "--no-pdf")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "empty" / "manifest.json").exists()


def test_a_rebuild_replaces_its_own_previous_build(spec, roster, out, previous_build):
    r = invoke("build", spec, "--roster", roster, "--out", out)
    assert r.exit_code == 0, r.output
    assert snapshot(out) == snapshot(previous_build)  # same inputs, same bytes


def test_a_second_build_while_one_holds_the_lock_is_refused(spec, roster, out, previous_build):
    fd = os.open(out.parent / ".out.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fails(invoke("build", spec, "--roster", roster, "--out", out), "another variantex build is writing",
              ".out.lock", out=out, previous=previous_build)
    finally:
        os.close(fd)


@pytest.mark.parametrize("code, text", [(errno.ENOSPC, "No space left on device"),
                                        (errno.EROFS, "Read-only file system"),
                                        (errno.EACCES, "Permission denied")])
def test_a_disk_fault_while_writing_is_a_clear_error(code, text, spec, roster, out, previous_build, monkeypatch):
    def refuse(self, result, folder):
        raise OSError(code, os.strerror(code), str(folder / self.filename))

    monkeypatch.setattr(generator.writers.csv_key.AnswerKeyCsvWriter, "write", refuse)
    fails(invoke("build", spec, "--roster", roster, "--out", out), text, "answer_key.csv", "nothing was changed",
          out=out, previous=previous_build)


def test_no_room_for_a_staging_folder_is_a_clear_error(spec, roster, out, previous_build, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(generator.output.tempfile, "mkdtemp", refuse)
    fails(invoke("build", spec, "--roster", roster, "--out", out), "cannot write in", "No space left",
          out=out, previous=previous_build)


def test_a_busy_output_folder_at_the_swap_is_a_clear_error(spec, roster, out, previous_build, monkeypatch):
    def busy(a, b):
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(b))

    monkeypatch.setattr(generator.output, "_exchange", busy)
    fails(invoke("build", spec, "--roster", roster, "--out", out), "cannot replace", "Device or resource busy",
          "previous build is unchanged", out=out, previous=previous_build)


def test_ctrl_c_while_writing_keeps_the_previous_build(spec, roster, out, previous_build, monkeypatch):
    def interrupt(self, result, folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.writers.csv_key.AnswerKeyCsvWriter, "write", interrupt)
    fails(invoke("build", spec, "--roster", roster, "--out", out), "interrupted; nothing was written",
          out=out, previous=previous_build, code=130)


def test_missing_pdflatex_is_a_clear_error(spec, roster, out, previous_build, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    fails(invoke("build", spec, "--roster", roster, "--out", out), "pdflatex not found", "apt-get install",
          out=out, previous=previous_build)


def test_preview_into_an_unwritable_place_is_a_clear_error():
    fails(invoke("preview", "dl/cnn/conv-output-size", "--seeds", "1", "--pdf", "/proc/no/such/preview.pdf"),
          "No such file or directory", "/proc/no")


def test_leftovers_of_a_killed_run_are_removed_by_the_next(spec, roster, out, tmp_path):
    write(tmp_path / ".out.staging-killed" / "papers" / "half.pdf", "half written")
    r = invoke("build", spec, "--roster", roster, "--out", out, "--no-pdf")
    assert r.exit_code == 0, r.output
    assert not list(tmp_path.glob(".out.staging-*"))


def test_a_build_left_aside_by_a_killed_swap_is_restored(spec, out, previous_build, tmp_path):
    out.rename(tmp_path / ".out.old-killed")  # killed between the two renames of the fallback swap
    bad = write(tmp_path / "s.yaml", "seed: 3\nheader: {exam_title: D}\nsections:\n  - title: A\n    questions:\n"
                                     "      - id: t/fault/undefined-macro\n")
    fails(invoke("build", bad, "--n", "1", "--bank", FAULT_BANK, "--out", out), "Undefined control sequence",
          out=out, previous=previous_build)


def test_a_users_folder_named_like_the_latex_error_folder_is_not_touched(out, previous_build, tmp_path):
    mine = write(tmp_path / "out.latex-error" / "mine.txt", "not variantex's").parent
    bad = write(tmp_path / "s.yaml", "seed: 3\nheader: {exam_title: D}\nsections:\n  - title: A\n    questions:\n"
                                     "      - id: t/fault/undefined-macro\n")
    fails(invoke("build", bad, "--n", "1", "--bank", FAULT_BANK, "--out", out), "were not kept",
          out=out, previous=previous_build)
    assert [p.name for p in mine.iterdir()] == ["mine.txt"]
