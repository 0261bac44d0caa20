from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _get_sale_orders_to_allocate(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id.sudo()
        invoices = moves.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        # a payment matched to an order collects for it until it is reconciled
        payments = moves.origin_payment_id.filtered("contract_order_id")
        orders = invoices.invoice_line_ids.sale_line_ids.order_id | payments.contract_order_id
        return orders.filtered("installment_ids")

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._get_sale_orders_to_allocate()._action_allocate_payments()
        return partials

    def unlink(self):
        orders = self._get_sale_orders_to_allocate()
        res = super().unlink()
        orders._action_allocate_payments()
        return res
