"""Root configuration: odoo.conf, docker-compose.yml, .ci/run and README agree."""

import configparser
import re
import shlex

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


def _compose():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _mounted_config(odoo):
    """The repository file mounted as the container's /etc/odoo/odoo.conf (the image's ODOO_RC)."""
    for volume in odoo["volumes"]:
        source, _sep, target = volume.partition(":")
        if target.split(":")[0] == "/etc/odoo/odoo.conf":
            return ROOT / source
    raise AssertionError("no configuration is mounted at /etc/odoo/odoo.conf")


def _entrypoint_argv(odoo, config_path):
    """Odoo's command line in the official odoo:18 container: the compose command after ``odoo``, then,
    for each database setting the mounted file does not set, the value of the service's environment
    (its entrypoint.sh: HOST, PORT, USER, PASSWORD; 'db', 5432, 'odoo', 'odoo' by default)."""
    command = shlex.split(odoo["command"])
    assert command[0] == "odoo", "the entrypoint runs Odoo only for a command starting with 'odoo'"
    env = odoo.get("environment") or {}
    conf = configparser.ConfigParser()
    conf.read(config_path)
    defaults = {
        "db_host": env.get("HOST", "db"),
        "db_port": env.get("PORT", "5432"),
        "db_user": env.get("USER", "odoo"),
        "db_password": env.get("PASSWORD", "odoo"),
    }
    argv = ["-c", str(config_path), *command[1:]]
    for key, value in defaults.items():
        argv += [f"--{key}", conf["options"].get(key, str(value))]
    return argv


def test_docker_compose_as_the_container_reads_it():
    """The compose command and the mounted file, parsed by Odoo's own configuration as the container does:
    demo data on, the addons mount on the path, the database on the ``db`` service."""
    config_module = pytest.importorskip("odoo.tools.config", reason="Odoo is not importable")
    compose = _compose()
    odoo = compose["services"]["odoo"]
    config = config_module.configmanager()
    config.parse_config(_entrypoint_argv(odoo, _mounted_config(odoo)))
    assert config["db_host"] == "db" and "db" in compose["services"]
    assert config["db_user"] == compose["services"]["db"]["environment"]["POSTGRES_USER"]
    assert config["db_password"] == compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]
    assert not config["without_demo"], "demo data must load"
    assert "/mnt/extra-addons" in config["addons_path"].split(",")
    assert any(v.startswith("./addons:/mnt/extra-addons") for v in odoo["volumes"])
    assert set(config["init"]) == set(MODULES)


def test_ci_runs_the_readme_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^\s+(bash scripts/run-tests\.sh)\s*$", readme, re.M).group(1)
    assert command.split()[-1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_gitignore_keeps_lib():
    lines = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()]
    assert "lib/" not in lines and "lib" not in lines
