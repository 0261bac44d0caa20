from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestGapProcurement(CrmInventoryLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_sale(
            [
                (cls.product_buy, 4.0),
                (cls.product_buy2, 3.0),
                (cls.product_buy_b, 2.0),
                (cls.product_made, 5.0),
            ]
        )
        cls.products = cls.product_buy | cls.product_buy2 | cls.product_buy_b | cls.product_made

    def _purchase_lines(self):
        return self.env["purchase.order.line"].search([("product_id", "in", self.products.ids)])

    def _productions(self):
        return self.env["mrp.production"].search([("product_id", "=", self.product_made.id)])

    def test_create_orders_grouped_per_vendor_and_idempotent(self):
        Gap = self.env["crm.inventory.gap"].with_user(self.manager)
        gaps = Gap._action_refresh_report(self.warehouse)
        gaps = gaps.filtered(lambda g: g.product_id in self.products)
        self.assertEqual(gaps.filtered(lambda g: g.order_qty > 0).product_id, self.products)
        confirmation, notification = self._order_gaps(gaps.filtered(lambda g: g.order_qty > 0))
        self.assertEqual(confirmation.gap_count, 4)
        self.assertEqual(notification["params"]["type"], "success")
        self.assertIn("4 replenishment(s) launched.", notification["params"]["message"])
        lines = self._purchase_lines()
        self.assertEqual(lines.product_id, self.product_buy | self.product_buy2 | self.product_buy_b)
        orders = lines.order_id
        self.assertEqual(len(orders), 2, "one RFQ per vendor")
        self.assertEqual(orders.mapped("state"), ["draft", "draft"])
        order_a = orders.filtered(lambda o: o.partner_id == self.vendor)
        self.assertEqual(len(order_a.order_line), 2)
        qty = {line.product_id: line.product_qty for line in lines}
        self.assertEqual(qty[self.product_buy], 10.0, "raised to the vendor minimum")
        self.assertEqual(qty[self.product_buy2], 3.0)
        self.assertEqual(qty[self.product_buy_b], 2.0)
        production = self._productions()
        self.assertEqual(len(production), 1)
        self.assertEqual(production.product_qty, 5.0)
        # the report was refreshed: nothing left to order
        report = Gap.search(
            [("warehouse_id", "=", self.warehouse.id), ("product_id", "in", self.products.ids)]
        )
        self.assertFalse(report.filtered(lambda g: g.order_qty > 0))
        # running twice creates nothing twice
        with self.assertRaisesRegex(UserError, "Nothing to order"):
            Gap.search([("product_id", "in", self.products.ids)]).action_create_orders()
        Gap._action_procure_gaps(self.warehouse, self.products)
        self.assertEqual(self._purchase_lines(), lines)
        self.assertEqual(sum(self._purchase_lines().mapped("product_qty")), 15.0)
        self.assertEqual(self._productions(), production)

    def test_more_demand_orders_only_the_difference(self):
        Gap = self.env["crm.inventory.gap"].with_user(self.manager)
        Gap._action_procure_gaps(self.warehouse, self.products)
        self._create_sale([(self.product_buy2, 4.0)])
        Gap._action_procure_gaps(self.warehouse, self.products)
        lines = self._purchase_lines().filtered(lambda ln: ln.product_id == self.product_buy2)
        self.assertEqual(sum(lines.mapped("product_qty")), 7.0)

    def test_product_without_vendor_is_skipped(self):
        self.product_buy2.seller_ids = False
        Gap = self.env["crm.inventory.gap"].with_user(self.manager)
        done, not_orderable, failed = Gap._action_procure_gaps(self.warehouse, self.products)
        self.assertEqual(len(done), 3)
        self.assertEqual([row["product_id"] for row in not_orderable], self.product_buy2.ids)
        self.assertEqual(not_orderable[0]["procure_issue"], "no_vendor")
        self.assertFalse(failed)
        self.assertEqual(self._purchase_lines().product_id, self.product_buy | self.product_buy_b)
        # the row says why, the button reports what could not be replenished
        gaps = Gap._action_refresh_report(self.warehouse).filtered(
            lambda g: g.product_id == self.product_buy2
        )
        self.assertEqual(gaps.order_qty, 3.0)
        self.assertEqual(gaps.procure_issue, "no_vendor")
        _confirmation, notification = self._order_gaps(gaps)
        self.assertEqual(notification["params"]["type"], "warning")
        self.assertIn("0 replenishment(s) launched.", notification["params"]["message"])
        self.assertIn(
            f"{self.product_buy2.display_name} ({self.warehouse.code}): No vendor",
            notification["params"]["message"],
        )
        self.assertEqual(len(self._purchase_lines()), 2)

    def test_user_cannot_create_orders(self):
        self.env["crm.inventory.gap"].with_user(self.manager)._action_refresh_report(self.warehouse)
        with self.assertRaises(AccessError):
            self.env["crm.inventory.gap"].with_user(self.user).action_create_orders()
        with self.assertRaises(AccessError):
            self.env["crm.inventory.gap"].with_user(self.user)._action_refresh_report(self.warehouse)
        self.assertFalse(self._purchase_lines())

    def test_cron_follows_setting(self):
        Gap = self.env["crm.inventory.gap"]
        cron = self.env.ref("crm_inventory_link.ir_cron_crm_inventory_gap")
        self.assertEqual(cron.interval_type, "days")
        Gap._cron_procure_gaps()
        self.assertFalse(self._purchase_lines(), "the nightly run is off by default")
        self.env["ir.config_parameter"].sudo().set_param("crm_inventory_link.gap_cron_enabled", "True")
        Gap._cron_procure_gaps()
        self.assertEqual(len(self._purchase_lines()), 3)
        self.assertEqual(len(self._productions()), 1)
        self._create_sale([(self.product_buy_b, 1.0)])
        Gap._cron_procure_gaps()
        self.assertEqual(sum(self._purchase_lines().mapped("product_qty")), 16.0)
        Gap._cron_procure_gaps()
        self.assertEqual(sum(self._purchase_lines().mapped("product_qty")), 16.0)
        self.assertTrue(Gap.search([("product_id", "=", self.product_buy.id)]))
