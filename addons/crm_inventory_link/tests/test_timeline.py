from odoo.tests import tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestTimeline(CrmInventoryLinkCommon):
    def test_deliveries_on_timeline(self):
        other = self.env["res.partner"].create({"name": "Other customer"})
        orders = [self._create_sale([(self.product_buy, 1.0)]) for _i in range(3)]
        self._create_sale([(self.product_buy, 1.0)], partner=other)
        self._create_purchase(self.product_buy, 5.0)  # a receipt is no delivery
        Partner = self.env["res.partner"]
        partner_ids = [self.customer.id, other.id]
        self.env.flush_all()
        with self.assertQueryCount(__system__=2):  # the partners' contacts, the deliveries
            deliveries = Partner._timeline_collect_deliveries(partner_ids, [], 2)
        self.assertIn("stock.picking", [model for model, _collect in Partner._timeline_sources()])
        events = Partner._timeline_collect(partner_ids, 2)
        self.assertEqual(
            sorted(e["res_id"] for e in events if e["kind"] == "delivery"),
            sorted(e["res_id"] for e in deliveries),
        )
        self.assertEqual(
            len([e for e in deliveries if e["partner_id"] == self.customer.id]), 2, "limit per partner"
        )
        self.assertEqual(len([e for e in deliveries if e["partner_id"] == other.id]), 1)
        pickings = self.env["stock.picking"].browse([e["res_id"] for e in deliveries])
        self.assertEqual(set(pickings.mapped("picking_type_code")), {"outgoing"})
        customer_pickings = pickings.filtered(lambda p: p.partner_id == self.customer)
        all_customer_pickings = self.env["sale.order"].concat(*orders).picking_ids
        self.assertTrue(customer_pickings <= all_customer_pickings)
        event = deliveries[0]
        self.assertEqual(event["model"], "stock.picking")
        self.assertTrue(event["date"])
        self.assertEqual(Partner._timeline_collect([], 5), [])
