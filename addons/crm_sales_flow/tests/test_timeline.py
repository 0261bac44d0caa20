from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestTimeline(CrmSalesFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {"name": "TL lead", "type": "opportunity", "partner_id": cls.contact.id}
        )
        cls.lead.activity_schedule("mail.mail_activity_data_call", summary="TL call", user_id=cls.user.id)
        cls.quotation = cls._create_order(qty=1)
        cls.order = cls._create_order(qty=2, confirm=True)
        cls.invoice = cls._invoice(cls.order)
        cls.payment = cls._pay(cls.invoice, 50.0)

    def test_all_sources_in_one_feed(self):
        page = self.customer.get_timeline(0, 50)
        kinds = {e["kind"] for e in page["events"]}
        self.assertTrue({"lead", "activity", "quotation", "order", "invoice", "payment"} <= kinds, kinds)
        self.assertFalse(page["has_more"])
        keys = {"date", "kind", "model", "res_id", "name", "amount", "currency_id", "state", "user_id"}
        for event in page["events"]:
            self.assertTrue(keys <= set(event), event)
        by_kind = {e["kind"]: e for e in page["events"]}
        self.assertEqual(by_kind["order"]["res_id"], self.order.id)
        self.assertEqual(by_kind["invoice"]["amount"], 200.0)

    def test_labels_not_codes(self):
        by_kind = {e["kind"]: e for e in self.customer.get_timeline(0, 50)["events"]}
        order_labels = dict(self.env["sale.order"]._fields["state"]._description_selection(self.env))
        self.assertEqual(by_kind["order"]["state"], order_labels["sale"])
        payment_labels = dict(
            self.env["account.move"]._fields["payment_state"]._description_selection(self.env)
        )
        self.assertIn(by_kind["invoice"]["state"], payment_labels.values())
        self.assertNotIn(by_kind["activity"]["state"], ("overdue", "today", "planned"))

    def test_lines_show_days_and_no_zero_amounts(self):
        wizard = self.env["crm.partner.timeline"].create({"partner_id": self.customer.id})
        wizard._action_load_page()
        invoice_line = wizard.line_ids.filtered(lambda line: line.kind == "invoice")
        self.assertEqual(invoice_line.day, self.invoice.invoice_date)
        self.assertFalse(wizard.line_ids.filtered(lambda line: line.kind == "activity").amount)
        arch = self.env["crm.partner.timeline"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="day"', arch)
        self.assertIn('invisible="not amount"', arch)

    def test_salesman_sees_his_customers_payments(self):
        events = self.customer.with_user(self.user).get_timeline(0, 50)["events"]
        payments = [e for e in events if e["kind"] == "payment"]
        self.assertEqual([(p["res_id"], p["amount"]) for p in payments], [(self.payment.id, 50.0)])
        wizard = (
            self.env["crm.partner.timeline"].with_user(self.user).create({"partner_id": self.customer.id})
        )
        wizard._action_load_page()
        line = wizard.line_ids.filtered(lambda line: line.kind == "payment")
        with self.assertRaisesRegex(UserError, "not open it"):
            line.action_open_document()

    def test_offset_bounded(self):
        page = self.customer.get_timeline(10**19, 10**19)
        self.assertEqual(page["events"], [])
        self.assertLessEqual(page["offset"], 10000)

    def test_done_activity_in_feed(self):
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", self.lead.id)], limit=1
        )
        activity.action_feedback(feedback="Customer called back")
        events = self.customer.get_timeline(0, 50)["events"]
        done = [e for e in events if e["kind"] == "activity" and e["state"] == "Done"]
        self.assertEqual(len(done), 1)
        self.assertEqual((done[0]["model"], done[0]["res_id"]), ("crm.lead", self.lead.id))

    def test_paging(self):
        full = self.customer.get_timeline(0, 50)["events"]
        first = self.customer.get_timeline(0, 2)
        second = self.customer.get_timeline(2, 2)
        self.assertTrue(first["has_more"])
        self.assertEqual(len(first["events"]), 2)
        self.assertEqual(
            [(e["model"], e["res_id"]) for e in first["events"] + second["events"]],
            [(e["model"], e["res_id"]) for e in full[:4]],
        )

    def _timeline_queries(self, partner_ids):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        events = self.env["res.partner"]._timeline_collect(partner_ids, 20)
        return self.env.cr.sql_log_count - before, events

    def test_query_count_per_source(self):
        """A few queries per source (plus a fixed few for the contacts and activity targets), whatever the
        number of partners and documents; with fewer modules installed there are fewer sources."""
        partners = self.env["res.partner"].search([("id", "child_of", self.customer.id)])
        sources = self.env["res.partner"]._timeline_sources()
        count, _events = self._timeline_queries(partners.ids)
        self.assertLessEqual(count, 4 * len(sources) + 4)
        other = self.env["res.partner"].create({"name": "Second timeline customer", "is_company": True})
        self.env["crm.lead"].create([{"name": f"More {i}", "partner_id": other.id} for i in range(3)])
        for _i in range(3):
            self._create_order(partner=other, confirm=True)
        count_more, events = self._timeline_queries((partners | other).ids)
        # the count does not grow with partners and documents (one partner more may prefetch once more)
        self.assertLessEqual(count_more, count + 1)
        self.assertEqual(len([e for e in events if e["kind"] == "order"]), 4)

    def test_wizard_pages(self):
        action = self.customer.with_user(self.manager).action_open_timeline()
        wizard = self.env["crm.partner.timeline"].browse(action["res_id"])
        wizard.page_size = 3
        wizard._action_load_page()
        self.assertEqual(len(wizard.line_ids), 3)
        self.assertTrue(wizard.has_more)
        wizard.action_next_page()
        self.assertEqual(wizard.offset, 3)
        wizard.action_previous_page()
        self.assertEqual(wizard.offset, 0)
        doc = wizard.line_ids[0].action_open_document()
        self.assertEqual(doc["res_model"], wizard.line_ids[0].model)

    def test_timeline_respects_access_rules(self):
        kinds = {e["kind"] for e in self.customer.with_user(self.user).get_timeline(0, 50)["events"]}
        self.assertIn("order", kinds)
        self.assertIn("invoice", kinds)
        # another salesperson only sees what record rules let them see
        kinds = {e["kind"] for e in self.customer.with_user(self.other_user).get_timeline(0, 50)["events"]}
        self.assertNotIn("order", kinds)
        self.assertNotIn("invoice", kinds)
