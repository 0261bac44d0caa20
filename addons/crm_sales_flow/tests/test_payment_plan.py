from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CrmSalesFlowCommon

PLAN = [
    # created out of due-date order on purpose
    {"name": "Final", "value_type": "percent", "percent": 40, "due_date": date(2026, 3, 31)},
    {"name": "Deposit", "value_type": "percent", "percent": 30, "due_date": date(2026, 1, 31)},
    {"name": "Delivery", "value_type": "amount", "fixed_amount": 300, "due_date": date(2026, 2, 28)},
]


@tagged("post_install", "-at_install")
class TestPaymentPlan(CrmSalesFlowCommon):
    def _by_name(self, order):
        return {i.name: i for i in order.installment_ids}

    @freeze_time("2026-01-02")
    def test_plan_amounts_and_confirm(self):
        order = self._create_order(installments=PLAN)
        insts = self._by_name(order)
        self.assertEqual(order.amount_total, 1000.0)
        self.assertEqual(
            (insts["Deposit"].amount, insts["Delivery"].amount, insts["Final"].amount), (300.0, 300.0, 400.0)
        )
        self.assertEqual(order.payment_plan_total, 1000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(set(order.installment_ids.mapped("state")), {"not_due"})

    def test_plan_must_sum_to_total(self):
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(ValidationError) as err:
            self._create_order(
                installments=[{"value_type": "amount", "fixed_amount": 500, "due_date": date(2026, 1, 1)}]
            )
        self.assertIn("sums to", str(err.exception))
        self.assertEqual(self.env["sale.order"].search_count([]), count, "nothing is created")

    def test_order_edited_after_plan_cannot_be_confirmed(self):
        order = self._create_order(installments=PLAN)
        order.order_line.product_uom_qty = 12
        # percents follow the total, the fixed amount does not: 360 + 300 + 480 = 1140 != 1200
        with self.assertRaises(ValidationError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_percent_rounding_absorbed(self):
        order = self._create_order(
            qty=1,
            price=100.0,
            installments=[
                {"value_type": "percent", "percent": 33.33, "due_date": date(2026, 1, 1)},
                {"value_type": "percent", "percent": 33.33, "due_date": date(2026, 2, 1)},
                {"value_type": "percent", "percent": 33.34, "due_date": date(2026, 3, 1)},
            ],
        )
        self.assertAlmostEqual(sum(order.installment_ids.mapped("amount")), 100.0)

    def test_form_payment_plan(self):
        with Form(self.env["sale.order"].with_user(self.user)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 2
            with form.installment_ids.new() as inst:
                inst.value_type = "percent"
                inst.percent = 50
                inst.due_date = date(2026, 6, 1)
            with form.installment_ids.new() as inst:
                inst.value_type = "percent"
                inst.percent = 50
                inst.due_date = date(2026, 7, 1)
        order = form.record
        self.assertEqual(order.installment_ids.mapped("amount"), [100.0, 100.0])

    def test_bad_percent(self):
        with self.assertRaises(ValidationError):
            self._create_order(
                installments=[{"value_type": "percent", "percent": 150, "due_date": date(2026, 1, 1)}]
            )

    @freeze_time("2026-02-10")
    def test_payments_allocated_in_due_date_order(self):
        order = self._create_order(installments=PLAN, confirm=True)
        invoice = self._invoice(order)
        self.assertEqual(invoice.amount_total, 1000.0)
        insts = self._by_name(order)
        self.assertEqual(set(order.installment_ids.mapped("paid_amount")), {0.0})

        self._pay(invoice, 450.0)
        self.assertEqual(insts["Deposit"].paid_amount, 300.0)
        self.assertEqual(insts["Deposit"].state, "paid")
        self.assertEqual(insts["Delivery"].paid_amount, 150.0)
        self.assertEqual(insts["Delivery"].state, "partial")
        self.assertEqual(insts["Final"].paid_amount, 0.0)
        self.assertEqual(insts["Final"].state, "not_due")
        self.assertEqual(order.contract_collected, 450.0)
        self.assertEqual(order.contract_outstanding, 550.0)

        # reallocating again never adds money twice
        order._action_allocate_payments()
        self.assertEqual(sum(order.installment_ids.mapped("paid_amount")), 450.0)

        second = self._pay(invoice, 550.0)
        self.assertEqual(set(order.installment_ids.mapped("state")), {"paid"})
        self.assertEqual(sum(order.installment_ids.mapped("paid_amount")), 1000.0)

        # cancelling a payment takes its money back out of the plan
        second.action_draft()
        self.assertEqual(sum(order.installment_ids.mapped("paid_amount")), 450.0)

    def test_overdue_and_reminders(self):
        with freeze_time("2026-01-20"):
            order = self._create_order(installments=PLAN, confirm=True)
            activities = self.env["sale.order.installment"]._cron_installment_reminders()
            self.assertFalse(activities, "nothing due within its reminder days yet")
        with freeze_time("2026-01-29"):
            activities = self.env["sale.order.installment"]._cron_installment_reminders()
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.res_id, order.id)
            self.assertEqual(activities.user_id, self.user)
            self.assertFalse(self.env["sale.order.installment"]._cron_installment_reminders(), "no duplicate")
        with freeze_time("2026-02-05"):
            self.env["sale.order.installment"]._cron_installment_reminders()
            self.assertEqual(self._by_name(order)["Deposit"].state, "overdue")
            self.assertEqual(self._by_name(order)["Delivery"].state, "not_due")

    def test_refund_counts_negative(self):
        order = self._create_order(installments=PLAN, confirm=True)
        invoice = self._invoice(order)
        self._pay(invoice, 1000.0)
        self.assertEqual(order.contract_collected, 1000.0)
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "returned"})
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        refund.invoice_line_ids.quantity = 2
        refund.action_post()
        self.assertEqual(refund.amount_total, 200.0)
        order.invalidate_recordset()
        self.assertEqual(order.contract_invoiced, 800.0)
        self.assertEqual(order.contract_collected, 1000.0, "the refund is not paid back yet")
        self._pay(refund, 200.0)
        order.invalidate_recordset()
        self.assertEqual(order.contract_collected, 800.0)
        self.assertEqual(sum(order.installment_ids.mapped("paid_amount")), 800.0)

    def test_invoice_of_several_orders_split_by_line(self):
        first = self._create_order(
            qty=3,
            installments=[{"value_type": "percent", "percent": 100, "due_date": date(2026, 1, 1)}],
            confirm=True,
        )
        second = self._create_order(
            qty=7,
            installments=[{"value_type": "percent", "percent": 100, "due_date": date(2026, 1, 1)}],
            confirm=True,
        )
        invoice = self._invoice(first | second)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.amount_total, 1000.0)
        self._pay(invoice, 500.0)
        self.assertEqual(first.installment_ids.paid_amount, 150.0)
        self.assertEqual(second.installment_ids.paid_amount, 350.0)
        self.assertEqual((first.contract_invoiced, second.contract_invoiced), (300.0, 700.0))

    def test_allocation_locks_the_order_row(self):
        """A second transaction cannot allocate the same order until the first one ends."""
        order = self.env["sale.order"].search([], limit=1, order="id")  # committed demo row
        order._lock_for_allocation()
        with self.env.registry.cursor() as cr2, mute_logger("odoo.sql_db"):
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                cr2.execute("SELECT id FROM sale_order WHERE id = %s FOR UPDATE NOWAIT", [order.id])
            cr2.rollback()

    def test_installment_access_rules(self):
        mine = self._create_order(installments=PLAN, user=self.user)
        other = self._create_order(installments=PLAN, user=self.other_user)
        Installment = self.env["sale.order.installment"].with_user(self.user)
        visible = Installment.search([("order_id", "in", (mine | other).ids)])
        self.assertEqual(visible.order_id, mine)
        with self.assertRaises(AccessError):
            other.installment_ids.with_user(self.user).read(["amount"])
        self.assertEqual(
            len(
                self.env["sale.order.installment"]
                .with_user(self.manager)
                .search([("order_id", "in", (mine | other).ids)])
            ),
            6,
        )
        mine.with_user(self.user).write(
            {"installment_ids": [Command.update(mine.installment_ids[0].id, {"reminder_days": 5})]}
        )
        self.assertEqual(mine.installment_ids[0].reminder_days, 5)
