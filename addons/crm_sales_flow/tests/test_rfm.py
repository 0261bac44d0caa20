from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestRfm(CrmSalesFlowCommon):
    def _invoice_on(self, partner, day, qty=1):
        with freeze_time(day):
            order = self._create_order(partner=partner, qty=qty, confirm=True)
            invoice = order._create_invoices()
            invoice.invoice_date = day
            invoice.action_post()
        return invoice

    def test_scores_and_churn_warning(self):
        loyal = self.customer
        sleeper = self.env["res.partner"].create(
            {"name": "Sleeper", "is_company": True, "user_id": self.user.id}
        )
        for day in ("2026-01-05", "2026-02-05", "2026-03-05", "2026-04-05"):
            self._invoice_on(loyal, day, qty=5)
        for day in ("2025-06-01", "2025-07-01"):
            self._invoice_on(sleeper, day, qty=1)
        churn_type = self.env.ref("crm_sales_flow.mail_activity_type_churn_warning")
        with freeze_time("2026-04-20"):
            self.env["res.partner"]._cron_compute_rfm()
            stats = self.env["res.partner"]._get_rfm_stats((loyal | sleeper).ids)
        self.assertEqual(stats[loyal.id][1], 4)
        self.assertEqual(stats[loyal.id][0], date(2026, 4, 5))
        self.assertGreater(loyal.rfm_recency, sleeper.rfm_recency)
        self.assertGreater(loyal.rfm_frequency, sleeper.rfm_frequency)
        self.assertGreater(loyal.rfm_monetary, sleeper.rfm_monetary)
        self.assertTrue(loyal.rfm_segment)
        warnings = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("activity_type_id", "=", churn_type.id),
                ("res_id", "in", (loyal | sleeper).ids),
            ]
        )
        self.assertEqual(warnings.mapped("res_id"), [sleeper.id])
        self.assertEqual(warnings.user_id, self.user)
        with freeze_time("2026-04-21"):
            self.env["res.partner"]._cron_compute_rfm()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "res.partner"),
                    ("activity_type_id", "=", churn_type.id),
                    ("res_id", "=", sleeper.id),
                ]
            ),
            1,
            "no duplicate warning",
        )

    def test_refund_lowers_monetary(self):
        invoice = self._invoice_on(self.customer, "2026-01-05", qty=5)
        before = self.env["res.partner"]._get_rfm_stats(self.customer.ids)[self.customer.id][2]
        refund = invoice._reverse_moves()
        refund.action_post()
        after = self.env["res.partner"]._get_rfm_stats(self.customer.ids)[self.customer.id][2]
        self.assertEqual(before - after, 500.0)

    def test_compute_is_batched(self):
        partners = self.env["res.partner"].create([{"name": f"R{i}", "is_company": True} for i in range(6)])
        for i, partner in enumerate(partners):
            self._invoice_on(partner, "2026-01-%02d" % (i + 1), qty=i + 1)
        self.env.flush_all()
        # the RFM basis and thresholds settings, the facts, one write: whatever the number of customers
        with freeze_time("2026-02-01"), self.assertQueryCount(__system__=4):
            self.env["res.partner"]._action_compute_rfm(partners.ids)
        self.assertEqual(len(set(partners.mapped("rfm_monetary"))), 5)

    def test_fixed_thresholds(self):
        self._invoice_on(self.customer, "2026-01-05", qty=5)
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_sales_flow.rfm_thresholds",
            '{"recency": [30, 60, 90, 180], "frequency": [1, 2, 4, 8], "monetary": [100, 500, 1000, 5000]}',
        )
        with freeze_time("2026-01-20"):
            self.env["res.partner"]._action_compute_rfm(self.customer.ids)
        # 15 days ago -> 5; one invoice -> 2 (a value on a cut point falls above it); 500 -> 3
        self.assertEqual(
            (self.customer.rfm_recency, self.customer.rfm_frequency, self.customer.rfm_monetary), (5, 2, 3)
        )
        self.env["ir.config_parameter"].sudo().set_param("crm_sales_flow.rfm_thresholds", "not json")
        with freeze_time("2026-01-20"), mute_logger("odoo.addons.crm_sales_flow.models.res_partner"):
            self.env["res.partner"]._action_compute_rfm(self.customer.ids)

    def test_ties_share_a_score(self):
        """Nine customers who all bought yesterday are all recent, not 'at risk'."""
        customers = self.env["res.partner"].create(
            [{"name": f"Tie {i}", "is_company": True} for i in range(9)]
        )
        with freeze_time("2026-11-25"):
            for customer in customers:
                self._invoice_on(customer, "2026-11-24")
            self.env["res.partner"]._action_compute_rfm(customers.ids)
        self.assertEqual(set(customers.mapped("rfm_recency")), {5})
        self.assertNotIn("at_risk", customers.mapped("rfm_segment"))

    def test_frequency_and_monetary_from_confirmed_orders(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_sales_flow.rfm_basis", "orders")
        with freeze_time("2026-03-01"):
            self._create_order(partner=self.contact, qty=3, confirm=True)
            self._create_order(partner=self.customer, qty=2, confirm=True)
            self._create_order(partner=self.customer, qty=50)  # a quotation does not count
        last, count, amount, _dates = self.env["res.partner"]._get_rfm_stats(self.customer.ids)[
            self.customer.id
        ]
        self.assertEqual((last, count, amount), (date(2026, 3, 1), 2, 500.0))

    def test_churn_warning_in_the_owners_language(self):
        """The job runs in no one's language: the to-do is written in its owner's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_sales_flow"], ["zh_CN"], overwrite=True)
        self.user.lang = "zh_CN"
        sleeper = self.env["res.partner"].create(
            {"name": "Sleeper", "is_company": True, "user_id": self.user.id}
        )
        for day in ("2025-06-01", "2025-07-01"):
            self._invoice_on(sleeper, day, qty=1)
        with freeze_time("2026-04-20"):
            self.env["res.partner"].with_context(lang="en_US")._cron_compute_rfm()
        self.assertEqual(sleeper.activity_ids.summary, "流失风险：已 293 天未购买")
