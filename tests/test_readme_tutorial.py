"""The README's tutorial question works as written: it loads, passes check, and solves."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main


def test_tutorial_question_checks_and_solves(tmp_path):
    readme = Path("README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.DOTALL).group(1)
    bank = tmp_path / "mybank" / "cnn"
    bank.mkdir(parents=True)
    (bank / "pool_size.py").write_text(code)
    runner = CliRunner()
    r = runner.invoke(main, ["check", str(tmp_path / "mybank"), "--seeds", "200"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["solve", "my/cnn/pool-size", "--set", "n=32", "--set", "k=2", "--json",
                             "--bank", str(tmp_path / "mybank")])
    assert json.loads(r.output)["answer"]["value"] == 16
