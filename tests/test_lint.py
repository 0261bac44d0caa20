"""ruff and pylint-odoo are clean (the same checks as .pre-commit-config.yaml)."""

import shutil
import subprocess
import sys

import pytest
from conftest import MODULES, ROOT

PATHS = ["addons", "tests", "bench"]


def _run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check():
    res = _run([sys.executable, "-m", "ruff", "check", *PATHS])
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format():
    res = _run([sys.executable, "-m", "ruff", "format", "--check", *PATHS])
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.skipif(
    not shutil.which("pylint") and not _run([sys.executable, "-m", "pylint", "--version"]).returncode == 0,
    reason="pylint is not installed",
)
def test_pylint_odoo():
    res = _run([sys.executable, "-m", "pylint", "--rcfile=.pylintrc", *[f"addons/{m}" for m in MODULES]])
    assert res.returncode == 0, res.stdout + res.stderr
