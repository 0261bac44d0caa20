from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmInventoryGapOrder(models.TransientModel):
    _name = "crm.inventory.gap.order"
    _description = "Purchase Gap: Order Confirmation"

    gap_ids = fields.Many2many("crm.inventory.gap", string="Rows to Order", readonly=True)
    gap_count = fields.Integer(string="Rows", compute="_compute_gap_count")
    message = fields.Char(compute="_compute_gap_count")

    @api.depends("gap_ids")
    def _compute_gap_count(self):
        for wizard in self:
            wizard.gap_count = len(wizard.gap_ids)
            wizard.message = self.env._(
                "%(count)s row(s) of the purchase gap will be ordered.", count=wizard.gap_count
            )

    def _get_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create RFQs / MOs"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_confirm(self):
        """Order the rows; the gap model checks the rights and runs the procurements."""
        self.ensure_one()
        gaps = self.gap_ids.exists()
        if not gaps:
            raise UserError(
                self.env._("The purchase gap was computed again meanwhile: select the rows again.")
            )
        return gaps._action_order_rows()
