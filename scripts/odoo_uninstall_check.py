#!/usr/bin/env python3
"""Check that the suite picked up the data of a database at install, then uninstall it and check that
standard Odoo still works.

    python3 scripts/odoo_uninstall_check.py -d DB [-- odoo options]

First, on DB as installed (with Odoo's demo data, say): every active lead has a score and every
customer with a confirmed order is signed, without any scheduled job having run. Then the four
modules are uninstalled one at a time, the last of the chain first, through Odoo's own
``button_immediate_uninstall``. Then a salesperson of Odoo's own groups opens an opportunity, a sale
order and a customer as the web client does (the form view, then ``web_read`` of every field it shows)
and creates each of them; and no column left on a core table is NOT NULL without a default (core code,
which no longer knows the column, could not insert a row). Exit 1 on the first problem.
"""

import argparse
import sys

MODULES = ["crm_service", "crm_inventory_link", "crm_sales_flow", "crm_leads"]
CORE_TABLES = ["crm_lead", "res_partner", "sale_order", "sale_order_line", "stock_picking", "account_move"]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER, help="options passed to Odoo's configuration")
    args = parser.parse_args(argv)
    if args.odoo_args[:1] == ["--"]:
        args.odoo_args = args.odoo_args[1:]
    return args


def env_of(cr):
    import odoo

    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def uninstall(database):
    """Uninstall MODULES in order; each uninstall reloads the registry."""
    from odoo.modules.registry import Registry

    for name in MODULES:
        registry = Registry(database)
        with registry.cursor() as cr:
            module = env_of(cr)["ir.module.module"].search([("name", "=", name)])
            if module.state != "installed":
                print(f"uninstall check: {name} is not installed, skipped")
                continue
            module.button_immediate_uninstall()
        registry = Registry(database)
        with registry.cursor() as cr:
            state = env_of(cr)["ir.module.module"].search([("name", "=", name)]).state
        if state != "uninstalled":
            raise SystemExit(f"uninstall check: {name} is {state} after its uninstallation")
        print(f"uninstall check: {name} uninstalled")


def form_spec(model):
    """The ``web_read`` specification of the fields of MODEL's default form view, as the web client
    builds it (relational fields with their display name)."""
    from lxml import etree

    arch = etree.fromstring(model.get_views([(False, "form")])["views"]["form"]["arch"])
    spec = {}
    for node in arch.iter("field"):
        if any(parent.tag == "field" for parent in node.iterancestors()):
            continue  # a field of a one2many's own view
        field = model._fields[node.get("name")]
        spec[field.name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def open_and_create(env, user):
    """As USER: open a record of each core form as the web client does, then create one."""
    from odoo import Command

    partner = env["res.partner"].with_user(user).create({"name": "Uninstall check customer"})
    lead = (
        env["crm.lead"]
        .with_user(user)
        .create({"name": "Uninstall check deal", "type": "opportunity", "partner_id": partner.id})
    )
    product = env["product.product"].create({"name": "Uninstall check product", "list_price": 10.0})
    order = (
        env["sale.order"]
        .with_user(user)
        .create({"partner_id": partner.id, "order_line": [Command.create({"product_id": product.id})]})
    )
    for record in (partner, lead, order):
        record.web_read(form_spec(record))
    order.action_confirm()
    lead.copy()
    print(f"uninstall check: {user.login} opened and created a customer, an opportunity and an order")


def not_null_without_default(cr, registry):
    """Columns of core tables that the registry does not know and that are NOT NULL without default."""
    cr.execute(
        """SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ANY(%s)
              AND is_nullable = 'NO' AND column_default IS NULL""",
        [CORE_TABLES],
    )
    known = {
        (model._table, fname)
        for model in registry.values()
        if not model._abstract and model._auto
        for fname, field in model._fields.items()
        if field.store and field.column_type
    }
    return [(table, column) for table, column in cr.fetchall() if (table, column) not in known]


def check(database):
    import odoo
    from odoo.modules.registry import Registry

    registry = Registry(database)
    with registry.cursor() as cr:
        env = env_of(cr)
        leftovers = not_null_without_default(cr, registry)
        if leftovers:
            raise SystemExit(f"uninstall check: NOT NULL columns left without default: {leftovers}")
        user = env["res.users"].create(
            {
                "name": "Uninstall check salesman",
                "login": "uninstall_check_salesman",
                "groups_id": [odoo.Command.set([env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        open_and_create(env, user)
        cr.rollback()  # the check leaves nothing behind


def check_install_pickup(database):
    """Existing leads scored and existing customers staged by the installation itself."""
    from odoo.modules.registry import Registry

    registry = Registry(database)
    with registry.cursor() as cr:
        cr.execute(
            """SELECT count(*) FILTER (WHERE s.id IS NULL), count(*)
                 FROM crm_lead l LEFT JOIN crm_lead_score s ON s.id = l.id WHERE l.active"""
        )
        unscored, leads = cr.fetchone()
        cr.execute(
            """SELECT count(DISTINCT p.id) FILTER (WHERE p.customer_stage != 'signed'), count(DISTINCT p.id)
                 FROM sale_order so
                 JOIN res_partner c ON c.id = so.partner_id
                 JOIN res_partner p ON p.id = c.commercial_partner_id
                WHERE so.state = 'sale'"""
        )
        unsigned, customers = cr.fetchone()
    print(f"install check: {leads - unscored} of {leads} active leads scored, ", end="")
    print(f"{customers - unsigned} of {customers} customers with confirmed orders signed")
    if unscored or unsigned or not leads or not customers:
        raise SystemExit("install check: existing data was not picked up at install")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from odoo.tools import config

    config.parse_config(["-d", args.database, *args.odoo_args])
    check_install_pickup(args.database)
    uninstall(args.database)
    check(args.database)
    print("uninstall check: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
