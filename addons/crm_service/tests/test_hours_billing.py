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

    def _billed_hours(self, ticket):
        return sum(ticket.billing_order_ids.order_line.mapped("product_uom_qty"))

    def _bill(self, ticket):
        return self.env["sale.order"].browse(
            ticket.with_user(self.agent).action_create_sale_order()["res_id"]
        )

    def test_billed_line_cannot_be_deleted_or_changed(self):
        """5 hours billed: the agent can neither delete nor lower the billed line (RPC write, unlink,
        the ticket form) to bill the same hours again."""
        ticket = self._ticket(5.0)
        self._bill(ticket)
        line = ticket.line_ids.with_user(self.agent)
        self.assertTrue(line.sale_line_id)
        other_hour = self.hour.copy({"name": "Overtime hour"})
        for vals in ({"quantity": 1.0}, {"product_id": other_hour.id}):
            with self.assertRaisesRegex(UserError, "is billed on S.*Cancel that sale order first"):
                line.write(vals)
        with self.assertRaisesRegex(UserError, "is billed on"):
            line.write({"sale_line_id": False})
        with self.assertRaisesRegex(UserError, "is billed on"):
            line.unlink()
        with self.assertRaisesRegex(UserError, "is billed on"):
            with Form(ticket.with_user(self.agent)) as form:
                form.line_ids.remove(0)
        for user in (self.user, self.manager):
            with self.assertRaisesRegex(UserError, "is billed on"):
                ticket.line_ids.with_user(user).unlink()
        self.assertEqual(
            ticket.with_user(self.user).hours_recorded, 5.0, "a service user without sales rights"
        )
        line.write({"name": "Diagnosis and repair", "sequence": 5})
        with self.assertRaisesRegex(UserError, "nothing billable"):
            ticket.with_user(self.agent).action_create_sale_order()
        self.assertEqual((self._billed_hours(ticket), ticket.line_ids.quantity), (5.0, 5.0))

    def test_billing_orders_cannot_be_unlinked(self):
        ticket = self._ticket(5.0)
        self._bill(ticket)
        for command in ([(5, 0, 0)], [(6, 0, [])], [(3, ticket.billing_order_ids.id)]):
            with self.assertRaisesRegex(UserError, "billing orders of a ticket cannot be removed"):
                ticket.with_user(self.agent).write({"billing_order_ids": command})
        self.assertEqual(len(ticket.billing_order_ids), 1)

    def test_hours_billed_on_orders_count_without_their_lines(self):
        """A billed line gone (deleted before the rule existed): the order's hours still count."""
        ticket = self._ticket(5.0)
        self._bill(ticket)
        self.env.cr.execute("DELETE FROM service_ticket_line WHERE ticket_id = %s", [ticket.id])
        self.env.invalidate_all()
        self.assertEqual(ticket.hours_recorded, 5.0)
        with self.assertRaisesRegex(UserError, "nothing billable"):
            ticket.with_user(self.agent).action_create_sale_order()
        ticket.with_user(self.agent).hours_worked = 6.0
        self.assertEqual(self._bill(ticket).order_line.product_uom_qty, 1.0, "only the new hour")
        self.assertEqual(self._billed_hours(ticket), 6.0)

    def test_cancelled_billing_frees_the_hours(self):
        ticket = self._ticket(5.0)
        order = self._bill(ticket)
        order._action_cancel()
        ticket.line_ids.with_user(self.agent).unlink()
        self.assertEqual(self._bill(ticket).order_line.product_uom_qty, 5.0)

    def test_copy_does_not_bill_the_hours_again(self):
        ticket = self._ticket(5.0)
        self._bill(ticket)
        copy = ticket.with_user(self.agent).copy()
        self.assertEqual((copy.hours_worked, copy.hours_recorded), (0.0, 0.0))
        self.assertFalse(copy.line_ids or copy.billing_order_ids)
        with self.assertRaisesRegex(UserError, "nothing billable"):
            copy.with_user(self.agent).action_create_sale_order()
        self.assertFalse(copy.billing_order_ids)
