"""Shared helpers of the repository checks (pytest; they need no Odoo)."""

import ast
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
MODULES = ["crm_leads", "crm_sales_flow", "crm_inventory_link", "crm_service"]


def module_dirs():
    return [ADDONS / m for m in MODULES]


def read_manifest(module_dir):
    return ast.literal_eval((module_dir / "__manifest__.py").read_text(encoding="utf-8"))


def load_lib(module, name):
    """Import ``addons/<module>/lib/<name>.py`` as a plain Python module, without importing Odoo.

    lib/ modules are pure algorithms: they may import each other relatively (``from . import x``)
    but never ``odoo``.
    """
    pkg_name = f"_lib_{module}"
    lib_dir = ADDONS / module / "lib"
    if pkg_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            pkg_name, lib_dir / "__init__.py", submodule_search_locations=[str(lib_dir)]
        )
        pkg = importlib.util.module_from_spec(spec)
        sys.modules[pkg_name] = pkg
        spec.loader.exec_module(pkg)
    return importlib.import_module(f"{pkg_name}.{name}")


@pytest.fixture(params=MODULES)
def module_dir(request):
    return ADDONS / request.param


def _pg_connect():
    """A connection to the local PostgreSQL (the test command's role), or None where it is unreachable."""
    try:
        import psycopg2
    except ImportError:
        return None
    try:
        return psycopg2.connect(
            host=os.environ.get("PGHOST", "127.0.0.1"),
            port=int(os.environ.get("PGPORT", 5432)),
            user=os.environ.get("ODOO_DB_USER", "odoo"),
            password=os.environ.get("ODOO_DB_PASSWORD", "odoo"),
            dbname="postgres",
            connect_timeout=3,
        )
    except psycopg2.OperationalError:
        return None


@pytest.fixture(scope="module")
def cursor():
    """A PostgreSQL cursor for the checks of the SQL forms of lib/ algorithms (skipped without one)."""
    conn = _pg_connect()
    if conn is None:
        pytest.skip("PostgreSQL is not reachable: the SQL forms are not checked here")
    with conn, conn.cursor() as cr:
        yield cr
    conn.close()
