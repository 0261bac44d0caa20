from odoo import Command
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmInventoryLinkCommon(TransactionCase):
    """Base class of the crm_inventory_link tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.user = new_test_user(
            cls.env,
            login="crm_inventory_link_user",
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="crm_inventory_link_manager",
            groups="crm_inventory_link.group_crm_inventory_link_manager,purchase.group_purchase_user,"
            "mrp.group_mrp_user,sales_team.group_sale_manager",
        )
        cls.company = cls.env.company
        cls.company.security_lead = 0.0
        cls.company.po_lead = 0.0
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer = cls.env["res.partner"].create({"name": "CIL Customer", "ref": "CIL-C1"})
        cls.vendor = cls.env["res.partner"].create({"name": "CIL Vendor"})
        cls.vendor_b = cls.env["res.partner"].create({"name": "CIL Vendor B"})
        cls.route_buy = cls.env.ref("purchase_stock.route_warehouse0_buy")
        cls.route_manufacture = cls.env.ref("mrp.route_warehouse0_manufacture")
        cls.product_buy = cls._create_product(
            "CIL Bought", "CIL-B1", routes=cls.route_buy, vendor=cls.vendor, min_qty=10.0, delay=5
        )
        cls.product_buy2 = cls._create_product(
            "CIL Bought 2", "CIL-B2", routes=cls.route_buy, vendor=cls.vendor, barcode="4006381333931"
        )
        cls.product_buy_b = cls._create_product(
            "CIL Bought B", "CIL-B3", routes=cls.route_buy, vendor=cls.vendor_b
        )
        cls.component = cls._create_product("CIL Component", "CIL-K1")
        cls.product_made = cls._create_product("CIL Made", "CIL-M1", routes=cls.route_manufacture)
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.product_made.product_tmpl_id.id,
                "product_qty": 1.0,
                "bom_line_ids": [Command.create({"product_id": cls.component.id, "product_qty": 2.0})],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.component, cls.stock_location, 1000.0)

    @classmethod
    def _create_product(cls, name, code, routes=None, vendor=None, min_qty=0.0, delay=1, barcode=False):
        values = {
            "name": name,
            "default_code": code,
            "barcode": barcode,
            "type": "consu",
            "is_storable": True,
            "list_price": 100.0,
            "sale_delay": 2.0,
            "route_ids": [Command.set(routes.ids)] if routes else [],
        }
        if vendor:
            values["seller_ids"] = [
                Command.create({"partner_id": vendor.id, "min_qty": min_qty, "price": 50.0, "delay": delay})
            ]
        return cls.env["product.product"].create(values)

    @classmethod
    def _set_stock(cls, product, qty, location=None):
        cls.env["stock.quant"]._update_available_quantity(product, location or cls.stock_location, qty)

    @classmethod
    def _create_sale(cls, lines, confirm=True, partner=None, commitment_date=False, warehouse=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "warehouse_id": (warehouse or cls.warehouse).id,
                "commitment_date": commitment_date,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _create_purchase(cls, product, qty, confirm=True, date_planned=False, vendor=None):
        line = {"product_id": product.id, "product_qty": qty, "price_unit": 50.0}
        if date_planned:
            line["date_planned"] = date_planned
        order = cls.env["purchase.order"].create(
            {"partner_id": (vendor or cls.vendor).id, "order_line": [Command.create(line)]}
        )
        if confirm:
            order.button_confirm()
        return order

    def _gap_rows(self, **kwargs):
        rows = self.env["crm.inventory.gap"]._compute_gap_rows(self.warehouse, **kwargs)
        return {(row["product_id"], row["warehouse_id"]): row for row in rows}

    def _order_gaps(self, gaps, user=None, domain=None):
        """Press "Create RFQs / MOs" on ``gaps`` (the selection; none: the filter ``domain``) as ``user``,
        then "Order" in the confirmation. Returns (confirmation, notification)."""
        user = user or self.manager
        records = gaps.with_user(user) if gaps else self.env["crm.inventory.gap"].with_user(user)
        action = records.with_context(active_domain=domain or []).action_create_orders()
        wizard = self.env[action["res_model"]].with_user(user).browse(action["res_id"])
        return wizard, wizard.action_confirm()
