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
