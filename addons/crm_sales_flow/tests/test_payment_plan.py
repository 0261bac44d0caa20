from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
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

    def test_reminder_in_the_owners_language(self):
        """The reminder job runs in no one's language: the to-do is in the salesperson's (zh_CN here)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_sales_flow"], ["zh_CN"], overwrite=True)
        self.user.lang = "zh_CN"
        with freeze_time("2026-01-20"):
            self._create_order(installments=PLAN, confirm=True)
        with freeze_time("2026-01-29"):
            activity = (
                self.env["sale.order.installment"].with_context(lang="en_US")._cron_installment_reminders()
            )
        self.assertTrue(activity.summary.startswith("催收回款期次 "), activity.summary)
        self.assertIn("到期", activity.note)

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


FIXED_PLAN = [
    {"name": "Deposit", "value_type": "amount", "fixed_amount": 400, "due_date": date(2026, 1, 31)},
    {"name": "Balance", "value_type": "amount", "fixed_amount": 600, "due_date": date(2026, 3, 31)},
]


@tagged("post_install", "-at_install")
class TestPaymentPlanIntegrity(CrmSalesFlowCommon):
    """Issue 11: a salesman cannot forge collections, and plan changes leave a trace."""

    def _by_name(self, order):
        return {i.name: i for i in order.installment_ids}

    def _part_paid_order(self):
        """A confirmed order of 1000 (Deposit 400 due 2026-01-31, Balance 600), 500 collected."""
        order = self._create_order(installments=FIXED_PLAN, confirm=True)
        self._pay(self._invoice(order), 500.0)
        return order

    def _report_row(self, order, user=None):
        return (
            self.env["sale.contract.report"]
            .with_user(user or self.user)
            .search([("order_id", "=", order.id)])
        )

    @freeze_time("2026-02-10")
    def test_salesman_cannot_write_paid_amount_or_state(self):
        order = self._create_order(installments=FIXED_PLAN, confirm=True)
        deposit = self._by_name(order)["Deposit"].with_user(self.user)
        for vals in ({"paid_amount": 400.0}, {"state": "paid"}, {"residual": 0.0}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                deposit.write(vals)
        # not as a manager either: nobody writes them through the ORM
        with self.assertRaises(UserError):
            self._by_name(order)["Deposit"].with_user(self.manager).write({"paid_amount": 400.0})
        with self.assertRaises(UserError):
            self.env["sale.order.installment"].with_user(self.user).create(
                {
                    "order_id": order.id,
                    "fixed_amount": 1,
                    "value_type": "amount",
                    "due_date": date(2026, 1, 1),
                    "paid_amount": 1.0,
                }
            )
        # what users see: nothing collected, the deposit overdue in the plan and in the report
        self.assertEqual(deposit.paid_amount, 0.0)
        self.assertEqual(deposit.state, "overdue")
        row = self._report_row(order)
        self.assertEqual((row.amount_collected, row.amount_overdue), (0.0, 400.0))

    def test_import_cannot_set_paid_amount(self):
        order = self._create_order()
        result = (
            self.env["sale.order.installment"]
            .with_user(self.user)
            .load(
                ["order_id/.id", "value_type", "fixed_amount", "due_date", "paid_amount"],
                [[str(order.id), "amount", "1000", "2026-01-31", "1000"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertTrue(any("reconciled payments" in m["message"] for m in result["messages"]))
        self.assertFalse(order.installment_ids)

    @freeze_time("2026-02-10")
    def test_paid_amount_follows_reconciled_payments(self):
        order = self._part_paid_order()
        insts = self._by_name(order)
        self.assertEqual((insts["Deposit"].paid_amount, insts["Deposit"].state), (400.0, "paid"))
        self.assertEqual((insts["Balance"].paid_amount, insts["Balance"].state), (100.0, "partial"))
        self.assertEqual(insts["Balance"].residual, 500.0)

    @freeze_time("2026-02-10")
    def test_salesman_cannot_change_confirmed_plan(self):
        order = self._part_paid_order()
        deposit = self._by_name(order)["Balance"]
        as_salesman = order.with_user(self.user)
        with self.assertRaises(AccessError):
            deposit.with_user(self.user).write({"due_date": date(2026, 6, 30)})
        with self.assertRaises(AccessError):
            as_salesman.write(
                {"installment_ids": [Command.update(deposit.id, {"due_date": date(2026, 6, 30)})]}
            )
        with self.assertRaises(AccessError):
            self.env["sale.order.installment"].with_user(self.user).create(
                {
                    "order_id": order.id,
                    "value_type": "amount",
                    "fixed_amount": 10,
                    "due_date": date(2026, 4, 1),
                }
            )
        self.assertEqual(deposit.due_date, date(2026, 3, 31))
        # the form shows the plan read-only to him, editable to a manager
        self.assertTrue(Form(as_salesman)._get_modifier("installment_ids", "readonly"))
        self.assertFalse(Form(order.with_user(self.manager))._get_modifier("installment_ids", "readonly"))

        # a draft order's plan stays the salesman's to edit
        draft = self._create_order(installments=FIXED_PLAN)
        self._by_name(draft)["Balance"].with_user(self.user).write({"due_date": date(2026, 6, 30)})
        self.assertEqual(self._by_name(draft)["Balance"].due_date, date(2026, 6, 30))

    @freeze_time("2026-02-10")
    def test_manager_change_tracked_in_chatter(self):
        order = self._part_paid_order()
        balance = self._by_name(order)["Balance"]
        with Form(order.with_user(self.manager)) as form:
            with form.installment_ids.edit(1) as line:
                line.due_date = date(2026, 6, 30)
        self.assertEqual(balance.due_date, date(2026, 6, 30))
        message = order.message_ids.filtered(lambda m: "Balance" in (m.body or ""))[:1]
        self.assertTrue(message, "the change is posted in the order's chatter")
        self.assertIn("03/31/2026", message.body)
        self.assertIn("06/30/2026", message.body)
        self.assertEqual(message.author_id, self.manager.partner_id)

    @freeze_time("2026-02-10")
    def test_collected_installment_cannot_be_deleted(self):
        order = self._part_paid_order()
        insts = self._by_name(order)
        for user in (self.user, self.manager):
            for name in ("Deposit", "Balance"):  # paid, partly paid
                with self.subTest(user=user.login, name=name), self.assertRaises(UserError):
                    insts[name].with_user(user).unlink()
        with self.assertRaises(UserError):
            order.with_user(self.manager).write({"installment_ids": [Command.delete(insts["Deposit"].id)]})
        self.assertEqual(len(order.installment_ids), 2)
        # an installment with nothing collected: a manager may remove it, and the chatter says so
        draft = self._create_order(
            installments=FIXED_PLAN
            + [{"name": "Extra", "value_type": "amount", "fixed_amount": 100, "due_date": date(2026, 5, 1)}],
            qty=11,
            confirm=True,
        )
        with self.assertRaises(AccessError):
            self._by_name(draft)["Extra"].with_user(self.user).unlink()
        self._by_name(draft)["Extra"].with_user(self.manager).unlink()
        self.assertEqual(len(draft.installment_ids), 2)
        self.assertTrue(
            draft.message_ids.filtered(lambda m: "Extra" in (m.body or "") and "removed" in m.body)
        )

    def test_line_added_after_confirmation_flags_plan(self):
        order = self._create_order(installments=FIXED_PLAN, confirm=True)
        self.assertFalse(order.payment_plan_mismatch)
        with Form(order.with_user(self.user)) as form:
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 1
        self.assertEqual(order.amount_total, 1100.0)
        self.assertEqual(order.payment_plan_total, 1000.0)
        self.assertTrue(order.payment_plan_mismatch)
        activity = order.activity_ids.filtered(lambda a: "Payment plan" in (a.summary or ""))
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user)
        self.assertTrue(self._report_row(order).plan_mismatch)
        # another change does not pile up to-dos
        order.order_line[-1].with_user(self.user).product_uom_qty = 2
        self.assertEqual(len(order.activity_ids.filtered(lambda a: "Payment plan" in (a.summary or ""))), 1)
        # a manager adjusts the plan: the flag and the to-do go
        with Form(order.with_user(self.manager)) as form:
            with form.installment_ids.edit(1) as line:
                line.fixed_amount = 600 + 200
        self.assertEqual(order.payment_plan_total, 1200.0)
        self.assertFalse(order.payment_plan_mismatch)
        self.assertFalse(order.activity_ids.filtered(lambda a: "Payment plan" in (a.summary or "")))
        self.assertFalse(self._report_row(order).plan_mismatch)

    def test_confirm_without_plan_unchanged(self):
        order = self._create_order()
        order.action_confirm()
        order.order_line.product_uom_qty = 12
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.payment_plan_mismatch)
        self.assertFalse(order.activity_ids)
