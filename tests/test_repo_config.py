"""Root configuration: odoo.conf, docker-compose.yml, .ci/run and README agree."""

import configparser
import re

import pytest
from conftest import MODULES, ROOT


def test_odoo_conf_addons_path():
    conf = configparser.ConfigParser()
    conf.read(ROOT / "odoo.conf")
    paths = [p.strip() for p in conf["options"]["addons_path"].split(",")]
    assert "addons" in paths


def test_docker_compose():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    odoo = compose["services"]["odoo"]
    assert odoo["image"].startswith("odoo:18")
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert any(v.startswith("./addons:/mnt/extra-addons") for v in odoo["volumes"])
    assert "healthcheck" in odoo and "healthcheck" in compose["services"]["db"]
    assert ",".join(MODULES) in odoo["command"]


def test_ci_runs_the_readme_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^\s+(bash scripts/run-tests\.sh)\s*$", readme, re.M).group(1)
    assert command.split()[-1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_gitignore_keeps_lib():
    lines = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()]
    assert "lib/" not in lines and "lib" not in lines
