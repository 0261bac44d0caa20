import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestContractReport(CrmSalesFlowCommon):
    def _report(self, orders, user=None):
        Report = self.env["sale.contract.report"]
        if user:
            Report = Report.with_user(user)
        return {r.order_id: r for r in Report.search([("order_id", "in", orders.ids)])}

    @freeze_time("2026-03-10")
    def test_figures_per_contract(self):
        plan = [
            {"value_type": "percent", "percent": 50, "due_date": date(2026, 2, 1)},
            {"value_type": "percent", "percent": 50, "due_date": date(2026, 4, 1)},
        ]
        first = self._create_order(qty=4, installments=plan, confirm=True)  # 400
        second = self._create_order(qty=6, confirm=True)  # 600, no plan
        quotation = self._create_order(qty=1)
        invoice = self._invoice(first | second)
        self._pay(invoice, 500.0)
        rows = self._report(first | second | quotation)
        self.assertNotIn(quotation, rows, "only confirmed orders are contracts")
        r1, r2 = rows[first], rows[second]
        self.assertEqual(
            (r1.amount_contract, r1.amount_invoiced, r1.amount_collected, r1.amount_outstanding),
            (400.0, 400.0, 200.0, 200.0),
        )
        self.assertEqual(r1.amount_overdue, 0.0, "the first installment (200) is paid")
        self.assertEqual(
            (r2.amount_contract, r2.amount_invoiced, r2.amount_collected, r2.amount_outstanding),
            (600.0, 600.0, 300.0, 300.0),
        )
        # pivot/graph path
        groups = self.env["sale.contract.report"]._read_group(
            [("order_id", "in", (first | second).ids)], [], ["amount_collected:sum", "amount_contract:sum"]
        )
        self.assertEqual(groups[0], (500.0, 1000.0))

    def test_overdue_from_plan(self):
        plan = [
            {"value_type": "percent", "percent": 50, "due_date": date(2020, 2, 1)},
            {"value_type": "percent", "percent": 50, "due_date": date(2099, 4, 1)},
        ]
        order = self._create_order(installments=plan, confirm=True)
        self.assertEqual(self._report(order)[order].amount_overdue, 500.0)

    def test_refund_negative(self):
        order = self._create_order(confirm=True)
        invoice = self._invoice(order)
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "credit"})
        )
        wizard.modify_moves()  # full refund reconciled with the invoice
        row = self._report(order)[order]
        self.assertEqual((row.amount_invoiced, row.amount_collected), (0.0, 0.0))

    def test_record_rules(self):
        mine = self._create_order(user=self.user, confirm=True)
        other = self._create_order(user=self.other_user, confirm=True)
        self.assertEqual(set(self._report(mine | other, self.user)), {mine})
        self.assertEqual(set(self._report(mine | other, self.manager)), {mine, other})
        self.assertEqual(set(self._report(mine | other, self.accountant)), {mine, other})

    def test_query_count_does_not_grow(self):
        orders = self._create_order(confirm=True)
        Report = self.env["sale.contract.report"]
        self.env.flush_all()
        self.env.invalidate_all()
        fields_list = ["name", "amount_contract", "amount_invoiced", "amount_collected", "amount_overdue"]
        with self.assertQueryCount(__system__=2):
            Report.search_read([("order_id", "in", orders.ids)], fields_list)
        for _i in range(5):
            orders |= self._create_order(confirm=True)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=2):
            Report.search_read([("order_id", "in", orders.ids)], fields_list)

    def test_actions_and_export(self):
        order = self._create_order(confirm=True)
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_flow.action_sale_contract_report")
        self.assertEqual(action["view_mode"], "list,pivot,graph")
        data = (
            self.env["sale.contract.report"]
            .search([("order_id", "=", order.id)])
            .export_data(["name", "amount_contract", "amount_collected"])
        )
        self.assertEqual(data["datas"][0][0], order.name)

    def test_xlsx_export(self):
        order = self._create_order(confirm=True, user=self.user)
        report = self.env["sale.contract.report"].with_user(self.user).search([("order_id", "=", order.id)])
        action = report.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(sheet.cell(1, 1).value, "Reference")
        self.assertEqual(sheet.cell(2, 1).value, order.name)
        self.assertEqual(sheet.cell(2, 5).value, 1000.0)


@tagged("post_install", "-at_install")
class TestContractFigures(CrmSalesFlowCommon):
    """Issue 11: credit notes, money received before the invoice, overdue without a plan."""

    def _assert_deposit_collected(self, order):
        """300 of 1,000 collected, the deposit paid: on the order, its plan and the report row."""
        order.invalidate_recordset()
        self.assertEqual((order.contract_collected, order.contract_outstanding), (300.0, 700.0))
        deposit = order.installment_ids.filtered(lambda i: i.name == "Deposit")
        self.assertEqual((deposit.paid_amount, deposit.state), (300.0, "paid"))
        row = self._row(order)
        self.assertEqual(
            (row.amount_collected, row.amount_outstanding, row.amount_overdue), (300.0, 700.0, 0.0)
        )

    def _row(self, order, user=None):
        self.env.invalidate_all()  # the report's rows are read again, as a reload of the list would
        return (
            self.env["sale.contract.report"]
            .with_user(user or self.accountant)
            .search([("order_id", "=", order.id)])
        )

    def _credit_note(self, invoice, quantity):
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "credit"})
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        refund.invoice_line_ids.quantity = quantity
        refund.action_post()
        return refund

    def test_credit_note_reduces_invoiced_and_outstanding(self):
        order = self._create_order(qty=115, confirm=True)  # 11,500
        invoice = self._invoice(order)
        self._pay(invoice, 7000.0)
        refund = self._credit_note(invoice, 11.5)  # 1,150, not applied yet
        self.assertEqual(refund.amount_total, 1150.0)
        order.invalidate_recordset()
        form = Form(order.with_user(self.accountant))
        self.assertEqual(
            (form.contract_invoiced, form.contract_collected, form.contract_outstanding),
            (10350.0, 7000.0, 3350.0),
        )
        row = self._row(order)
        self.assertEqual(
            (row.amount_invoiced, row.amount_collected, row.amount_outstanding), (10350.0, 7000.0, 3350.0)
        )
        # the credit note applied to the invoice: the customer still owes 3,350
        if refund.payment_state == "not_paid":
            (invoice | refund).line_ids.filtered(
                lambda aml: aml.account_type == "asset_receivable"
            ).reconcile()
        self.assertEqual(invoice.amount_residual, 3350.0)
        order.invalidate_recordset()
        self.assertEqual((order.contract_collected, order.contract_outstanding), (7000.0, 3350.0))
        row = self._row(order)
        self.assertEqual((row.amount_collected, row.amount_outstanding), (7000.0, 3350.0))

    def test_down_payment_counts_as_collected(self):
        plan = [
            {"name": "Deposit", "value_type": "percent", "percent": 30, "due_date": date(2020, 1, 31)},
            {"name": "Balance", "value_type": "percent", "percent": 70, "due_date": date(2099, 1, 31)},
        ]
        order = self._create_order(installments=plan, confirm=True)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": 300.0})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        self._pay(down_payment, 300.0)
        self._assert_deposit_collected(order)
        # the final invoice deducts the down payment: nothing is counted twice
        final = order._create_invoices(final=True)
        final.action_post()
        self.assertEqual(final.amount_total, 700.0)
        self._pay(final, 700.0)
        order.invalidate_recordset()
        self.assertEqual((order.contract_collected, order.contract_outstanding), (1000.0, 0.0))
        self.assertEqual(set(order.installment_ids.mapped("state")), {"paid"})

    def _payment_for_order(self, order, amount):
        # the Customer Payments menu's context
        Payment = self.env["account.payment"].with_user(self.accountant)
        with Form(
            Payment.with_context(default_payment_type="inbound", default_partner_type="customer")
        ) as form:
            form.partner_id = order.partner_id
            form.amount = amount
            form.contract_order_id = order
        payment = form.record
        payment.action_post()
        return payment

    def test_payment_before_invoice_counts_as_collected(self):
        plan = [
            {"name": "Deposit", "value_type": "percent", "percent": 30, "due_date": date(2020, 1, 31)},
            {"name": "Balance", "value_type": "percent", "percent": 70, "due_date": date(2099, 1, 31)},
        ]
        order = self._create_order(installments=plan, confirm=True)
        payment = self._payment_for_order(order, 300.0)
        self._assert_deposit_collected(order)
        # invoiced later and the payment applied to the invoice: still 300, not counted twice
        invoice = self._invoice(order)
        (invoice.line_ids | payment.move_id.line_ids).filtered(
            lambda aml: aml.account_type == "asset_receivable" and not aml.reconciled
        ).reconcile()
        self.assertEqual(invoice.amount_residual, 700.0)
        order.invalidate_recordset()
        self.assertEqual((order.contract_collected, order.contract_outstanding), (300.0, 700.0))
        self.assertEqual(self._row(order).amount_collected, 300.0)
        self.assertEqual(sum(order.installment_ids.mapped("paid_amount")), 300.0)

    def test_collected_rule_agrees_everywhere(self):
        """The order's figures, the installments' paid amounts and the report apply one collected rule."""
        plan = [{"value_type": "percent", "percent": 100, "due_date": date(2099, 1, 1)}]
        first = self._create_order(qty=3, installments=plan, confirm=True)
        second = self._create_order(qty=7, installments=plan, confirm=True)
        third = self._create_order(qty=5, installments=plan, confirm=True)
        invoice = self._invoice(first | second)
        self._pay(invoice, 640.0)
        self._credit_note(invoice, 1)  # 100 credited on each order, applied to the invoice by Odoo
        self._payment_for_order(third, 120.0)
        for order in first | second | third:
            order.invalidate_recordset()
            row = self._row(order)
            with self.subTest(order=order.name):
                self.assertEqual(order.contract_collected, row.amount_collected)
                self.assertEqual(order.contract_outstanding, row.amount_outstanding)
                self.assertEqual(order.contract_invoiced, row.amount_invoiced)
                self.assertEqual(sum(order.installment_ids.mapped("paid_amount")), row.amount_collected)
        self.assertEqual(
            [self._row(o).amount_collected for o in first | second | third], [152.0, 488.0, 120.0]
        )

    @freeze_time("2026-03-10")
    def test_overdue_without_plan_from_invoice_due_dates(self):
        order = self._create_order(qty=6, confirm=True)
        invoice = order._create_invoices()
        invoice.write({"invoice_date": date(2026, 1, 15), "invoice_date_due": date(2026, 2, 14)})
        invoice.action_post()
        self._pay(invoice, 200.0)
        self.assertEqual(self._row(order).amount_overdue, 400.0)
        later = self._create_order(qty=2, confirm=True)
        invoice = later._create_invoices()
        invoice.write({"invoice_date": date(2026, 3, 1), "invoice_date_due": date(2026, 3, 31)})
        invoice.action_post()
        self.assertEqual(self._row(later).amount_overdue, 0.0)

    @freeze_time("2026-03-10")
    def test_overdue_without_plan_per_payment_term_due_date(self):
        """An invoice due 30% at once and 70% in 60 days: the first part is overdue although the invoice's
        (last) due date is not passed."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30% now, balance 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 60}),
                ],
            }
        )
        order = self._create_order(confirm=True)
        invoice = order._create_invoices()
        invoice.write({"invoice_date": date(2026, 1, 15), "invoice_payment_term_id": term.id})
        invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, date(2026, 3, 16))
        self.assertEqual(self._row(order).amount_overdue, 300.0)
        self._pay(invoice, 100.0)
        self.assertEqual(self._row(order).amount_overdue, 200.0)
        form = Form(order.with_user(self.accountant))
        self.assertEqual(form.contract_overdue, 200.0)


@tagged("post_install", "-at_install")
class TestContractReportRows(CrmSalesFlowCommon):
    """Issue 11: report rows open their order; the export exports what the list shows, text as text."""

    def _export(self, records):
        action = records.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw)).active

    def test_row_opens_order(self):
        order = self._create_order(confirm=True, user=self.user)
        Report = self.env["sale.contract.report"].with_user(self.user)
        arch = Report.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('action="action_open_order"', arch)
        self.assertIn('type="object"', arch)
        action = Report.search([("order_id", "=", order.id)]).action_open_order()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        self.assertEqual(order.with_user(self.user).browse(action["res_id"]).name, order.name)

    def test_export_follows_the_list_search(self):
        order = self._create_order(confirm=True, user=self.user)
        self._create_order(confirm=True, user=self.user)
        Report = self.env["sale.contract.report"].with_user(self.user)
        # the header button sends the list's domain as active_domain, with no row selected
        domain = [("amount_overdue", ">", 0), ("order_id", "in", order.ids)]
        self.assertEqual(Report.search_count(domain), 0)
        sheet = self._export(Report.with_context(active_domain=domain).browse())
        self.assertEqual(sheet.max_row, 1, "the list shows nothing: only the header is exported")
        domain = [("order_id", "=", order.id)]
        sheet = self._export(Report.with_context(active_domain=domain).browse())
        self.assertEqual([sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)], [order.name])

    def test_export_writes_text_as_strings(self):
        name = '=HYPERLINK("http://example.com","click")'
        partner = self.env["res.partner"].create({"name": name})
        order = self._create_order(partner=partner, confirm=True, user=self.user)
        report = self.env["sale.contract.report"].with_user(self.user).search([("order_id", "=", order.id)])
        sheet = self._export(report)
        cell = sheet.cell(2, 2)
        self.assertEqual(cell.data_type, "s")
        self.assertEqual(cell.value, name)
        self.assertEqual(sheet.cell(2, 5).data_type, "n")
