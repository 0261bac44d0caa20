import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

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
