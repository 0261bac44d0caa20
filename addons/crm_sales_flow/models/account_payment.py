from odoo import api, fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    contract_order_id = fields.Many2one(
        "sale.order",
        "Contract",
        index="btree_not_null",
        copy=False,
        domain="[('state', '=', 'sale'), ('partner_id', 'child_of', commercial_partner_id)]",
        help="A customer payment received for this order before it is invoiced: what it leaves unreconciled "
        "counts as collected on the order (down payment, deposit).",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")

    @api.model_create_multi
    def create(self, vals_list):
        payments = super().create(vals_list)
        payments.contract_order_id._action_allocate_payments()
        return payments

    def write(self, vals):
        if not {"contract_order_id", "state", "amount", "move_id"} & set(vals):
            return super().write(vals)
        orders = self.contract_order_id
        res = super().write(vals)
        (orders | self.contract_order_id)._action_allocate_payments()
        return res
