from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_is_zero

from ..lib import allocation as allocation_lib
from ..lib import finance as finance_lib


class SaleOrder(models.Model):
    _inherit = "sale.order"

    installment_ids = fields.One2many(
        "sale.order.installment",
        "order_id",
        "Payment Plan",
        copy=True,
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
    )
    payment_plan_total = fields.Monetary("Planned Total", compute="_compute_payment_plan_total")
    contract_invoiced = fields.Monetary("Invoiced", compute="_compute_contract_figures")
    contract_collected = fields.Monetary("Collected", compute="_compute_contract_figures")
    contract_outstanding = fields.Monetary("Outstanding", compute="_compute_contract_figures")

    @api.depends("installment_ids.amount")
    def _compute_payment_plan_total(self):
        for order in self:
            order.payment_plan_total = sum(order.installment_ids.mapped("amount"))

    @api.depends("amount_total", "invoice_ids.amount_residual", "invoice_ids.state")
    def _compute_contract_figures(self):
        figures = self._get_contract_figures() if self.ids else {}
        for order in self:
            fig = figures.get(order.id, {})
            order.contract_invoiced = fig.get("invoiced", 0.0)
            order.contract_collected = fig.get("collected", 0.0)
            order.contract_outstanding = order.amount_total - order.contract_collected

    # --- contract figures (one query for all orders) --------------------------------------------------
    def _get_contract_figures(self):
        """``{order id: {"invoiced", "collected"}}`` over posted customer invoices and refunds, an invoice
        that covers several orders being split by its lines."""
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["sale.order.line"].flush_model(["invoice_lines", "order_id"])
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT sol.order_id, aml.move_id, aml.price_total AS line_total,
                          am.amount_total AS move_total, am.amount_residual AS move_residual,
                          am.move_type = 'out_refund' AS refund
                     FROM sale_order_line_invoice_rel rel
                     JOIN sale_order_line sol ON sol.id = rel.order_line_id
                     JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                     JOIN account_move am ON am.id = aml.move_id
                    WHERE sol.order_id = ANY(%s) AND am.state = 'posted'
                      AND am.move_type IN ('out_invoice', 'out_refund')""",
                ids,
            )
        )
        return finance_lib.contract_figures(rows)

    # --- payment plan ---------------------------------------------------------------------------------
    def _check_payment_plan(self):
        for order in self.filtered("installment_ids"):
            digits = order.currency_id.decimal_places
            diff = allocation_lib.plan_difference(
                order.installment_ids.mapped("amount"), order.amount_total, digits
            )
            if not float_is_zero(diff, precision_digits=digits):
                raise ValidationError(
                    self.env._(
                        "The payment plan of %(order)s sums to %(plan)s but the contract total is %(total)s.",
                        order=order.name,
                        plan=order.payment_plan_total,
                        total=order.amount_total,
                    )
                )

    @api.constrains("installment_ids")
    def _constrains_payment_plan(self):
        self._check_payment_plan()

    def action_confirm(self):
        self._check_payment_plan()
        res = super().action_confirm()
        self.partner_id._action_recompute_customer_stage(
            self.env._("Order %(names)s confirmed", names=", ".join(self.mapped("name")))
        )
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.partner_id._action_recompute_customer_stage(self.env._("Order cancelled"))
        return res

    # --- allocation of collected money to installments ---------------------------------------------
    def _lock_for_allocation(self):
        """Lock the order rows until the end of the transaction so concurrent allocations serialize."""
        self.env.execute_query(
            SQL("SELECT id FROM sale_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE", self.ids)
        )

    def _prepare_allocation_installments(self):
        self.ensure_one()
        return [
            {"id": i.id, "amount": i.amount, "due_date": i.due_date, "sequence": i.sequence}
            for i in self.installment_ids
        ]

    def _action_allocate_payments(self):
        """(Re)allocate what each order collected to its installments in due-date order.

        Allocation is recomputed from the collected total (never incremented), under a row lock on the
        order, so two concurrent reconciliations can neither double count nor over-allocate.
        """
        orders = self.sudo().filtered("installment_ids")
        if not orders:
            return
        orders._lock_for_allocation()
        orders.invalidate_recordset()
        figures = orders._get_contract_figures()
        installments = self.env["sale.order.installment"].sudo()
        for order in orders:
            collected = figures.get(order.id, {}).get("collected", 0.0)
            paid = allocation_lib.allocate(
                order._prepare_allocation_installments(), collected, order.currency_id.decimal_places
            )
            for inst in order.installment_ids:
                if inst.paid_amount != paid[inst.id]:
                    installments |= inst
                    inst.paid_amount = paid[inst.id]
        installments.flush_recordset()

    def action_allocate_payments(self):
        self._action_allocate_payments()
        return True
