from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    """Browser tours of the salesman and buyer flows across the suite, on data of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.route_buy = cls.env.ref("purchase_stock.route_warehouse0_buy")
        cls._setup_salesman_data()
        cls._setup_buyer_data()

    @classmethod
    def _setup_salesman_data(cls):
        # a salesperson: Odoo's group implies the suite's leads, sales-flow, inventory-link and service users
        cls.salesman = new_test_user(
            cls.env,
            login="crm_inventory_link_tour_salesman",
            name="Tour Salesman Sam",
            groups="sales_team.group_sale_salesman",
        )
        belgium = cls.env.ref("base.be")
        cls.score_rule = cls.env["crm.lead.score.rule"].create(
            {
                "name": "Tour Belgium fit",
                "rule_type": "country",
                "points": 30,
                "country_ids": [Command.set(belgium.ids)],
            }
        )
        cls.pool = cls.env["crm.lead.pool"].create(
            {
                "name": "Tour East Pool",
                "res_model": "crm.lead",
                "auto_recycle": False,
                "member_ids": [Command.set(cls.salesman.ids)],
            }
        )
        cls.pool_customer = cls.env["res.partner"].create(
            {"name": "Tour Pool Customer", "is_company": True, "email": "pool.customer@example.com"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Tour pool lead: widgets for the new plant",
                "type": "lead",
                "user_id": False,
                "team_id": False,
                "pool_id": cls.pool.id,
                "partner_id": cls.pool_customer.id,
                "country_id": belgium.id,
            }
        )
        cls.sold_product = cls.env["product.product"].create(
            {
                "name": "Tour Salesman Widget",
                "default_code": "TOUR-SW",
                "type": "consu",
                "is_storable": True,
                "sale_ok": True,
                "list_price": 120.0,
            }
        )

    @classmethod
    def _setup_buyer_data(cls):
        # Computing the gaps and ordering them is for inventory-link managers, which purchase (and stock)
        # administrators are; a mere purchase user is an inventory-link user who may only read the gaps.
        # The smallest Odoo group that works is purchase.group_purchase_manager alone: no stock group is
        # needed (the report is read by SQL; the procurements run as superuser once the purchase rights of
        # the buyer are checked).
        cls.buyer = new_test_user(
            cls.env,
            login="crm_inventory_link_tour_buyer",
            name="Tour Buyer Bea",
            groups="purchase.group_purchase_manager",
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Tour Buyer Vendor", "is_company": True})
        cls.bought_product = cls.env["product.product"].create(
            {
                "name": "Tour Buyer Widget",
                "default_code": "TOUR-BW",
                "type": "consu",
                "is_storable": True,
                "list_price": 80.0,
                "route_ids": [Command.set(cls.route_buy.ids)],
                "seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 40.0, "delay": 2})],
            }
        )
        buyer_customer = cls.env["res.partner"].create({"name": "Tour Buyer Customer"})
        cls.demand_order = cls.env["sale.order"].create(
            {
                "partner_id": buyer_customer.id,
                "warehouse_id": cls.warehouse.id,
                "order_line": [Command.create({"product_id": cls.bought_product.id, "product_uom_qty": 500})],
            }
        )
        cls.demand_order.action_confirm()

    def test_salesman_claims_converts_and_quotes(self):
        self.assertFalse(self.lead.user_id)
        self.assertTrue(self.lead.pool_in_pool)
        self.start_tour(
            "/odoo/crm", "crm_inventory_link_salesman_tour", login="crm_inventory_link_tour_salesman"
        )
        lead = self.lead
        lead.invalidate_recordset()
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.pool_customer)
        self.assertEqual(lead.lead_line_ids.product_id, self.sold_product)
        self.assertEqual(lead.lead_line_ids.product_uom_qty, 3.0)
        order = self.env["sale.order"].search([("opportunity_id", "=", lead.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.pool_customer)
        self.assertEqual(order.user_id, self.salesman)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.order_line.product_id, self.sold_product)
        self.assertEqual(order.order_line.product_uom_qty, 3.0)
        claim = self.env["crm.lead.pool.log"].search([("res_id", "=", lead.id), ("action", "=", "claim")])
        self.assertEqual(claim.user_id, self.salesman)

    def test_buyer_orders_purchase_gap(self):
        PurchaseLine = self.env["purchase.order.line"]
        self.assertFalse(PurchaseLine.search([("product_id", "=", self.bought_product.id)]))
        self.browser_size = "1440x900"  # the width at which issue 12 saw the columns cut off
        self.start_tour("/odoo", "crm_inventory_link_buyer_tour", login="crm_inventory_link_tour_buyer")
        line = PurchaseLine.search([("product_id", "=", self.bought_product.id)])
        self.assertEqual(len(line), 1)
        self.assertEqual(line.order_id.partner_id, self.vendor)
        self.assertEqual(line.order_id.state, "draft")
        self.assertEqual(line.product_qty, 600.0, "the quantity the buyer typed on the report")
        gap = self.env["crm.inventory.gap"].search(
            [("product_id", "=", self.bought_product.id), ("warehouse_id", "=", self.warehouse.id)]
        )
        self.assertEqual(gap.rfq_qty, 600.0)
        self.assertEqual(gap.order_qty, 0.0)
