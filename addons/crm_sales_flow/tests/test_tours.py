from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    """Browser tours of the sales-flow roles, on data of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.salesman = new_test_user(
            cls.env, login="crm_sales_flow_tour_salesman", groups="sales_team.group_sale_salesman"
        )
        # A billing user of Odoo's own groups: account.group_account_invoice implies the Sales Flow user
        # group and may read every sale order and installment, so no sales group is needed to open the
        # order (sales_team.group_sale_salesman_all_leads deliberately not given).
        cls.billing = new_test_user(
            cls.env, login="crm_sales_flow_tour_billing", groups="account.group_account_invoice"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Finance Customer", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Tour Consulting Day",
                "type": "service",
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        today = fields.Date.context_today(cls.env.user)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 10, "price_unit": 100.0})
                ],
                "installment_ids": [
                    Command.create(
                        {
                            "name": "Tour down payment",
                            "value_type": "percent",
                            "percent": 30.0,
                            "due_date": today + timedelta(days=10),
                        }
                    ),
                    Command.create(
                        {
                            "name": "Tour balance",
                            "value_type": "percent",
                            "percent": 70.0,
                            "due_date": today + timedelta(days=40),
                        }
                    ),
                ],
            }
        )
        cls.order.action_confirm()

    def test_finance_reads_payment_plan_and_contract_report(self):
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.amount_total, 1000.0)
        self.assertEqual(self.order.installment_ids.mapped("amount"), [300.0, 700.0])
        self.assertFalse(self.billing.has_group("sales_team.group_sale_salesman"))
        self.start_tour(
            f"/odoo/action-sale.action_orders/{self.order.id}",
            "crm_sales_flow_finance_tour",
            login="crm_sales_flow_tour_billing",
        )
        # what the billing user read: the plan and the order's row of the report, unchanged by reading
        order = self.order.with_user(self.billing)
        self.assertEqual(order.installment_ids.mapped("name"), ["Tour down payment", "Tour balance"])
        self.assertEqual(order.installment_ids.mapped("state"), ["not_due", "not_due"])
        row = (
            self.env["sale.contract.report"]
            .with_user(self.billing)
            .search([("order_id", "=", self.order.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(row.amount_contract, 1000.0)
        self.assertEqual(row.amount_outstanding, 1000.0)
        self.assertEqual(row.amount_overdue, 0.0)
