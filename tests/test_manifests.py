"""Every addon is an installable Odoo 18.0 module whose manifest lists files that exist."""

import re

import pytest
from conftest import ADDONS, MODULES, read_manifest

EXPECTED_DEPENDS = {
    "crm_leads": {"crm"},
    "crm_sales_flow": {"crm_leads", "sale_crm", "account"},
    "crm_inventory_link": {"crm_sales_flow", "sale_stock", "purchase_stock", "mrp"},
    "crm_service": {"crm_sales_flow", "stock", "rating", "portal"},
}


def test_all_modules_present():
    assert sorted(p.name for p in ADDONS.iterdir() if (p / "__manifest__.py").exists()) == sorted(MODULES)


def test_manifest_keys(module_dir):
    manifest = read_manifest(module_dir)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] == "LGPL-3"
    assert manifest["installable"] is True
    assert manifest.get("development_status") in {"Alpha", "Beta", "Production/Stable", "Mature"}
    assert manifest.get("maintainers")
    assert manifest.get("author")
    assert EXPECTED_DEPENDS[module_dir.name] <= set(manifest["depends"])


def test_manifest_files_exist(module_dir):
    manifest = read_manifest(module_dir)
    for key in ("data", "demo"):
        for rel in manifest.get(key, []):
            assert (module_dir / rel).is_file(), f"{module_dir.name}: {key} file {rel} is missing"
    for bundle, files in manifest.get("assets", {}).items():
        for rel in files:
            if isinstance(rel, str) and "*" not in rel:
                assert (ADDONS / rel).is_file(), f"{module_dir.name}: asset {rel} of {bundle} is missing"


def test_data_files_all_listed(module_dir):
    """A data file (views/, security/, data/, wizards/, report/) that no manifest lists is dead."""
    manifest = read_manifest(module_dir)
    listed = set(manifest.get("data", [])) | set(manifest.get("demo", []))
    for sub in ("views", "security", "data", "wizards", "report", "demo"):
        for path in (module_dir / sub).glob("*"):
            if path.suffix in {".xml", ".csv"}:
                assert str(path.relative_to(module_dir)) in listed, f"{path} is not in the manifest"


@pytest.mark.parametrize("fragment", ["DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"])
def test_readme_fragments(module_dir, fragment):
    assert (module_dir / "readme" / fragment).is_file()


def test_icon(module_dir):
    icon = module_dir / "static" / "description" / "icon.png"
    assert icon.is_file() and icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lib_has_no_odoo_import(module_dir):
    """lib/ holds plain algorithms: no ORM inside."""
    for path in (module_dir / "lib").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+odoo\b", text, re.M), f"{path} imports odoo"
