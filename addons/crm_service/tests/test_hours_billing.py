from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestHoursBilling(CrmServiceCommon):
    """The team's time product bills the hours worked on a ticket, on the same order as the parts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hour = cls.env["product.product"].create(
            {
                "name": "Service hour",
                "type": "service",
                "list_price": 60,
                "invoice_policy": "delivery",
                "taxes_id": [(5,)],
            }
        )
        cls.team.time_product_id = cls.hour

    def _ticket(self, hours):
        ticket = self._create_ticket(user_id=self.agent.id)
        with Form(ticket.with_user(self.agent)) as form:
            form.hours_worked = hours
        return ticket

    def test_hours_worked_billed_with_time_product(self):
        ticket = self._ticket(2.5)
        action = ticket.with_user(self.agent).action_create_sale_order()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(order.order_line.product_id, self.hour)
        self.assertEqual(order.order_line.product_uom_qty, 2.5)
        self.assertEqual(order.order_line.qty_delivered, 2.5)
        self.assertEqual(order.amount_untaxed, 150.0)
        self.assertEqual(ticket.hours_recorded, 2.5)
        with self.assertRaisesRegex(UserError, "nothing billable"):
            ticket.with_user(self.agent).action_create_sale_order()
        ticket.with_user(self.agent).hours_worked = 3.5
        action = ticket.with_user(self.agent).action_create_sale_order()
        self.assertEqual(self.env["sale.order"].browse(action["res_id"]).order_line.product_uom_qty, 1.0)
        ticket.action_create_invoice()
        self.assertEqual(sum(ticket.billing_order_ids.invoice_ids.mapped("amount_untaxed")), 210.0)

    def test_time_line_counts_as_hours(self):
        ticket = self._ticket(2.0)
        with Form(ticket.with_user(self.agent)) as form:
            with form.line_ids.new() as line:
                line.product_id = self.hour
                line.quantity = 1.5
        self.assertEqual(ticket.hours_recorded, 1.5)
        action = ticket.with_user(self.agent).action_create_sale_order()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(sorted(order.order_line.mapped("product_uom_qty")), [0.5, 1.5], "2 hours in all")

    def test_hours_need_the_team_time_product(self):
        self.team.with_user(self.manager).time_product_id = False
        ticket = self._ticket(1.0)
        with self.assertRaisesRegex(UserError, "Service Time Product"):
            ticket.with_user(self.agent).action_create_sale_order()
        self.assertFalse(ticket.line_ids)
        self.assertFalse(ticket.billing_order_ids)

    def test_negative_hours_refused(self):
        ticket = self._create_ticket()
        for user in (self.user, self.manager):
            with self.assertRaisesRegex(ValidationError, "Hours Worked"):
                ticket.with_user(user).hours_worked = -1
