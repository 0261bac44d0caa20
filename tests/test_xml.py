"""XML files are well formed and use Odoo 18 syntax."""

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import ADDONS

XML_FILES = sorted(p for p in ADDONS.rglob("*.xml") if "static" not in p.parts or p.parent.name != "lib")


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: str(p.relative_to(ADDONS)))
def test_xml_odoo18(path):
    root = ET.parse(path).getroot()  # raises on malformed XML
    for el in root.iter():
        assert el.tag != "tree", f"{path}: <tree> is <list> in Odoo 18"
        for attr in ("attrs", "states"):
            assert attr not in el.attrib, (
                f"{path}: {attr}= is gone in Odoo 18, use invisible/readonly expressions"
            )
        if el.tag == "div" and "oe_chatter" in el.attrib.get("class", "").split():
            pytest.fail(f"{path}: use <chatter/> in Odoo 18")
        if el.tag == "field" and el.attrib.get("name") == "view_mode" and el.text:
            assert "tree" not in el.text.split(","), f"{path}: view_mode says tree, use list"


def test_python_odoo18_api():
    for path in ADDONS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"def name_get\(", text), f"{path}: name_get is gone, use _compute_display_name"
        assert not re.search(r"@api\.(multi|one|returns)\b", text), f"{path}: old API decorator"
        assert "group_operator=" not in text, f"{path}: group_operator= is aggregator= in Odoo 18"
        assert "check_access_rights(" not in text, f"{path}: use check_access/has_access"
