"""The zh_CN translation of crm_service parses and covers the module's own terms."""

import re

from conftest import ADDONS

PO = ADDONS / "crm_service" / "i18n" / "zh_CN.po"


def _entries():
    text = PO.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, flags=re.M)
    return dict(pairs)


def test_key_terms_translated():
    entries = _entries()
    for msgid in ("Service Ticket", "SLA Policies", "Tickets", "Return Product", "SLA breached: %(ticket)s"):
        assert entries.get(msgid), msgid
    assert entries["Service Ticket"] == "服务工单"


def test_placeholders_kept():
    for msgid, msgstr in _entries().items():
        if msgstr:
            assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid


def _module_entries(module):
    import polib

    return polib.pofile(str(ADDONS / module / "i18n" / "zh_CN.po"))


def test_every_module_fully_translated_with_placeholders_kept():
    """Each module's zh_CN.po (refreshed from Odoo's export by scripts/i18n_update.py) translates every
    term and keeps its placeholders."""
    pytest = __import__("pytest")
    pytest.importorskip("polib", reason="polib is not installed")
    for module in ("crm_leads", "crm_sales_flow", "crm_inventory_link", "crm_service"):
        entries = _module_entries(module)
        assert [e.msgid for e in entries if not e.msgstr] == [], module
        for entry in entries:
            placeholders = sorted(re.findall(r"%\(\w+\)s|%s", entry.msgid))
            assert placeholders == sorted(re.findall(r"%\(\w+\)s|%s", entry.msgstr)), (module, entry.msgid)
