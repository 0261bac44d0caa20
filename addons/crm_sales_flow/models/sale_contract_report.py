import io

import xlsxwriter

from odoo import fields, models
from odoo.tools import SQL

from ..lib import finance as finance_lib


class SaleContractReport(models.Model):
    _name = "sale.contract.report"
    _description = "Contract Collection Report"
    _auto = False
    _rec_name = "name"
    _order = "date_order desc, id desc"
    _depends = {
        "sale.order": [
            "state",
            "amount_total",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "date_order",
        ],
        "sale.order.line": ["order_id", "invoice_lines"],
        "account.move": ["state", "move_type", "amount_total", "amount_residual", "invoice_date_due"],
        "account.move.line": [
            "move_id",
            "price_total",
            "amount_residual_currency",
            "account_id",
            "parent_state",
        ],
        "account.payment": ["contract_order_id", "move_id"],
        "sale.order.installment": ["order_id", "due_date", "amount", "paid_amount"],
    }

    order_id = fields.Many2one("sale.order", "Contract", readonly=True)
    name = fields.Char("Reference", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_order = fields.Datetime("Contract Date", readonly=True)
    amount_contract = fields.Monetary("Contract Amount", readonly=True)
    amount_invoiced = fields.Monetary("Invoiced", readonly=True)
    amount_collected = fields.Monetary("Collected", readonly=True)
    amount_outstanding = fields.Monetary("Outstanding", readonly=True)
    amount_overdue = fields.Monetary("Overdue", readonly=True)
    plan_mismatch = fields.Boolean("Plan Differs from Total", readonly=True)

    def _get_query(self):
        # The collected rule is lib/finance.py's (LINE_COLLECTED_SQL), so the report, the order's figures
        # and the installments' paid amounts agree; outstanding is finance.outstanding() in SQL.
        collected = SQL(
            finance_lib.LINE_COLLECTED_SQL.format(
                refund="am.move_type = 'out_refund'",
                move_total="am.amount_total",
                move_residual="am.amount_residual",
                line_total="aml.price_total",
            )
        )
        return SQL(
            """
            WITH due AS (
                -- what each invoice asked to be paid by today: one receivable line per due date of its
                -- payment terms (invoice_date_due is only the last one); payments settle the earliest
                -- due dates first, whatever lines they were matched with
                SELECT aml.move_id, SUM(aml.amount_currency) AS due_amount
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE aml.parent_state = 'posted' AND acc.account_type = 'asset_receivable'
                   AND aml.date_maturity < %(today)s
              GROUP BY aml.move_id
            ), inv AS (
                SELECT sol.order_id,
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END * aml.price_total)
                           AS invoiced,
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN aml.price_total ELSE 0 END)
                           AS refunded,
                       SUM(%(collected)s) AS collected,
                       SUM(CASE WHEN am.move_type = 'out_invoice' AND am.amount_total <> 0
                                THEN aml.price_total / am.amount_total
                                     * GREATEST(0, LEAST(am.amount_residual, COALESCE(due.due_amount, 0)
                                                         - (am.amount_total - am.amount_residual)))
                                ELSE 0 END) AS overdue
                  FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
             LEFT JOIN due ON due.move_id = am.id
                 WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
              GROUP BY sol.order_id
            ), pay AS (
                -- payments matched to the order, what they left unreconciled (sale.order
                -- _get_unreconciled_payments, the same rule)
                SELECT pay.contract_order_id AS order_id, -SUM(aml.amount_residual_currency) AS unreconciled
                  FROM account_payment pay
                  JOIN account_move_line aml ON aml.move_id = pay.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE pay.contract_order_id IS NOT NULL AND aml.parent_state = 'posted'
                   AND acc.account_type = 'asset_receivable'
              GROUP BY pay.contract_order_id
            ), plan AS (
                SELECT order_id, COUNT(*) AS installments, SUM(COALESCE(amount, 0)) AS planned,
                       SUM(CASE WHEN due_date < %(today)s
                                THEN COALESCE(amount, 0) - COALESCE(paid_amount, 0) ELSE 0 END)
                           AS overdue
                  FROM sale_order_installment
              GROUP BY order_id
            )
            SELECT so.id AS id, so.id AS order_id, so.name, so.partner_id, so.user_id, so.team_id,
                   so.company_id, so.currency_id, so.date_order,
                   so.amount_total AS amount_contract,
                   ROUND(COALESCE(inv.invoiced, 0), 2) AS amount_invoiced,
                   ROUND(COALESCE(inv.collected, 0) + COALESCE(pay.unreconciled, 0), 2) AS amount_collected,
                   ROUND(GREATEST(so.amount_total - COALESCE(inv.refunded, 0), COALESCE(inv.invoiced, 0))
                         - COALESCE(inv.collected, 0) - COALESCE(pay.unreconciled, 0), 2)
                       AS amount_outstanding,
                   ROUND(CASE WHEN plan.installments > 0 THEN plan.overdue
                              ELSE COALESCE(inv.overdue, 0) END, 2) AS amount_overdue,
                   COALESCE(ROUND(plan.planned - so.amount_total, 2) <> 0, FALSE) AS plan_mismatch
              FROM sale_order so
         LEFT JOIN inv ON inv.order_id = so.id
         LEFT JOIN pay ON pay.order_id = so.id
         LEFT JOIN plan ON plan.order_id = so.id
             WHERE so.state = 'sale'
            """,
            today=fields.Date.context_today(self),
            collected=collected,
        )

    @property
    def _table_query(self):
        return self._get_query()

    # --- Excel export ----------------------------------------------------------------------------------
    def _get_xlsx_columns(self):
        return [
            "name",
            "partner_id",
            "user_id",
            "date_order",
            "amount_contract",
            "amount_invoiced",
            "amount_collected",
            "amount_outstanding",
            "amount_overdue",
        ]

    def _get_export_records(self):
        """The selected rows, else the rows the list shows: its search domain (``active_domain``, set by
        the list's header button) under the user's record rules."""
        if self:
            return self
        return self.search(self.env.context.get("active_domain") or [])

    def _prepare_xlsx_content(self):
        """The exported contracts as an xlsx workbook; every text cell is written as a string (a customer
        named ``=HYPERLINK(...)`` stays text, never a formula)."""
        records = self._get_export_records()
        columns = self._get_xlsx_columns()
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Contracts"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        for col, fname in enumerate(columns):
            sheet.write_string(0, col, self._fields[fname].get_description(self.env)["string"], bold)
        for row, record in enumerate(records, start=1):
            for col, fname in enumerate(columns):
                field = self._fields[fname]
                value = record[fname]
                if field.type in ("monetary", "float", "integer"):
                    sheet.write_number(row, col, value or 0.0, money)
                    continue
                if field.type == "many2one":
                    text = value.display_name or ""
                elif field.type == "datetime":
                    text = fields.Datetime.to_string(value) if value else ""
                elif field.type == "boolean":
                    text = self.env._("Yes") if value else ""
                else:
                    text = str(value or "")
                sheet.write_string(row, col, text)
        workbook.close()
        return buffer.getvalue()

    def action_export_xlsx(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "contract_collection.xlsx",
                "raw": self._prepare_xlsx_content(),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_open_order(self):
        """A row opens its contract (the sale order form)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
            "target": "current",
        }
