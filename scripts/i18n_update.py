#!/usr/bin/env python3
"""Refresh each module's i18n/zh_CN.po from the terms Odoo exports, keeping the translations made.

    python3 scripts/i18n_update.py -d DB [--modules crm_leads,...] [--untranslated FILE] [-- odoo options]
    python3 scripts/i18n_update.py --apply FILE [--modules ...]

DB has the modules installed. For each module, Odoo's own exporter (``odoo.tools.translate.trans_export``)
lists the module's terms with their zh_CN translations as the database holds them; the existing file's
translations win over the database's. Entries gone from the module are dropped. The terms left without a
translation are listed (and written to --untranslated as JSON, {module: [msgid, ...]}): translate them in
the .po file (or in a JSON file {msgid: translation} given to --apply, which fills the empty entries of
every module), then run the script again to check. Exit 1 while any is left.
"""

import argparse
import io
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["crm_leads", "crm_sales_flow", "crm_inventory_link", "crm_service"]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database")
    parser.add_argument("--apply", type=Path, help="JSON {msgid: zh_CN translation} for the empty entries")
    parser.add_argument("--modules", default=",".join(MODULES))
    parser.add_argument("--untranslated", type=Path)
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.odoo_args[:1] == ["--"]:
        args.odoo_args = args.odoo_args[1:]
    return args


def export(database, module):
    """The module's terms as Odoo exports them for zh_CN (a polib file)."""
    import odoo
    from odoo.tools.translate import trans_export

    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["res.lang"]._activate_lang("zh_CN")
        buffer = io.BytesIO()
        trans_export("zh_CN", [module], buffer, "po", cr)
        cr.rollback()
    return polib.pofile(buffer.getvalue().decode("utf-8"))


def merge(module, exported):
    """Exported entries, with the translations of the module's current zh_CN.po."""
    path = ROOT / "addons" / module / "i18n" / "zh_CN.po"
    known = {}
    if path.exists():
        known = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path)) if e.msgstr}
    for entry in exported:
        entry.msgstr = known.get((entry.msgctxt, entry.msgid)) or entry.msgstr
    exported.save(str(path))
    return [entry.msgid for entry in exported if not entry.msgstr]


def apply(modules, path):
    """Fill the empty entries of the modules' zh_CN.po with the translations of a JSON file."""
    translations = json.loads(path.read_text(encoding="utf-8"))
    for module in modules:
        po_path = ROOT / "addons" / module / "i18n" / "zh_CN.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            if not entry.msgstr and translations.get(entry.msgid):
                entry.msgstr = translations[entry.msgid]
        po.save(str(po_path))
        print(f"{module}: {sum(1 for e in po if not e.msgstr)} term(s) left without a translation")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.apply:
        apply(args.modules.split(","), args.apply)
        return 0
    if not args.database:
        raise SystemExit("give the database (-d) to export the terms from, or --apply FILE")
    from odoo.tools import config

    config.parse_config(["-d", args.database, *args.odoo_args])
    missing = {}
    for module in args.modules.split(","):
        left = merge(module, export(args.database, module))
        print(f"{module}: {len(left)} term(s) without a zh_CN translation")
        if left:
            missing[module] = left
    if args.untranslated:
        args.untranslated.write_text(json.dumps(missing, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
