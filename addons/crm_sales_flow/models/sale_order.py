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
    payment_plan_mismatch = fields.Boolean(
        "Plan Differs from Total",
        compute="_compute_payment_plan_total",
        help="The payment plan no longer sums to the order total (e.g. a line was added after confirmation).",
    )
    contract_invoiced = fields.Monetary("Invoiced", compute="_compute_contract_figures")
    contract_refunded = fields.Monetary("Credited", compute="_compute_contract_figures")
    contract_collected = fields.Monetary("Collected", compute="_compute_contract_figures")
    contract_outstanding = fields.Monetary("Outstanding", compute="_compute_contract_figures")
    contract_overdue = fields.Monetary(
        "Overdue",
        compute="_compute_contract_overdue",
        help="Past-due installments of the payment plan; without a plan, the open amounts of the invoices "
        "past their due dates (each due date of their payment terms).",
    )
    payment_plan_locked = fields.Boolean(compute="_compute_payment_plan_locked")

    @api.depends("installment_ids.amount", "amount_total")
    def _compute_payment_plan_total(self):
        for order in self:
            plan = order.sudo().installment_ids
            order.payment_plan_total = sum(plan.mapped("amount"))
            order.payment_plan_mismatch = bool(plan) and not float_is_zero(
                allocation_lib.plan_difference(
                    plan.mapped("amount"), order.amount_total, order.currency_id.decimal_places
                ),
                precision_digits=order.currency_id.decimal_places,
            )

    @api.depends("amount_total", "invoice_ids.amount_residual", "invoice_ids.state")
    def _compute_contract_figures(self):
        figures = self._get_contract_figures() if self.ids else {}
        for order in self:
            fig = figures.get(order.id, {})
            order.contract_invoiced = fig.get("invoiced", 0.0)
            order.contract_refunded = fig.get("refunded", 0.0)
            order.contract_collected = fig.get("collected", 0.0)
            order.contract_outstanding = finance_lib.outstanding(
                order.amount_total,
                order.contract_invoiced,
                order.contract_refunded,
                order.contract_collected,
            )

    def _compute_contract_overdue(self):
        """The contract report's overdue figure (one rule, in its SQL)."""
        ids = [i for i in self.ids if isinstance(i, int)]
        rows = (
            self.env["sale.contract.report"].sudo().search_read([("order_id", "in", ids)], ["amount_overdue"])
        )
        overdue = {row["id"]: row["amount_overdue"] for row in rows}
        for order in self:
            order.contract_overdue = overdue.get(order.id, 0.0)

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_payment_plan_locked(self):
        manager = self.env["sale.order.installment"]._is_plan_manager()
        for order in self:
            order.payment_plan_locked = order.state == "sale" and not manager

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
        return finance_lib.contract_figures(rows, self._get_unreconciled_payments())

    def _get_unreconciled_payments(self):
        """``{order id: amount}`` that customer payments matched to the order (``contract_order_id``) left
        unreconciled: money received before it is invoiced. Read from the receivable lines of the posted
        payment entries (outbound payments count negative through their sign)."""
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env["account.payment"].flush_model(["contract_order_id", "move_id"])
        self.env["account.move.line"].flush_model(["amount_residual_currency", "account_id", "parent_state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT pay.contract_order_id, -SUM(aml.amount_residual_currency)
                     FROM account_payment pay
                     JOIN account_move_line aml ON aml.move_id = pay.move_id
                     JOIN account_account acc ON acc.id = aml.account_id
                    WHERE pay.contract_order_id = ANY(%s) AND aml.parent_state = 'posted'
                      AND acc.account_type = 'asset_receivable'
                 GROUP BY pay.contract_order_id""",
                ids,
            )
        )
        return dict(rows)

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
        order, so two concurrent reconciliations can neither double count nor over-allocate. The paid
        amounts are computed fields (``sale.order.installment._compute_collection``): this only asks for
        their recomputation.
        """
        orders = self.sudo().filtered("installment_ids")
        if not orders:
            return
        orders._lock_for_allocation()
        orders.invalidate_recordset()
        orders.installment_ids._recompute_collection()

    # --- a plan that no longer sums to the order --------------------------------------------------
    def _get_plan_mismatch_summary(self):
        return self.env._("Payment plan differs from the order total")

    def _prepare_plan_mismatch_activity(self):
        self.ensure_one()
        return {
            "summary": self._get_plan_mismatch_summary(),
            "note": self.env._(
                "The payment plan sums to %(plan)s but the order total is now %(total)s: "
                "ask a sales manager to adjust the installments.",
                plan=self.payment_plan_total,
                total=self.amount_total,
            ),
            "user_id": (self.user_id or self.env.ref("base.user_admin")).id,
        }

    def _action_warn_plan_mismatch(self):
        """Schedule one to-do for the salesperson of each confirmed order whose plan no longer sums to it;
        mark it done once the plan matches again."""
        summary = self._get_plan_mismatch_summary()
        for order in self.sudo().filtered(lambda o: o.state == "sale" and o.installment_ids):
            open_todo = order.activity_ids.filtered(lambda a, s=summary: a.summary == s)
            if order.payment_plan_mismatch and not open_todo:
                order.activity_schedule(
                    "mail.mail_activity_data_todo", **order._prepare_plan_mismatch_activity()
                )
            elif open_todo and not order.payment_plan_mismatch:
                open_todo.action_feedback(
                    feedback=self.env._("The payment plan matches the order total again.")
                )

    def action_allocate_payments(self):
        self._action_allocate_payments()
        return True
