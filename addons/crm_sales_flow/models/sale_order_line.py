from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._action_warn_plan_mismatch()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"product_uom_qty", "price_unit", "discount", "tax_id", "order_id"} & set(vals):
            self.order_id._action_warn_plan_mismatch()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._action_warn_plan_mismatch()
        return res
