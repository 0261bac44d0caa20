from odoo import fields, models

from ..models.crm_customer_stage_history import CUSTOMER_STAGES


class CrmCustomerStageOverride(models.TransientModel):
    _name = "crm.customer.stage.override"
    _description = "Change Customer Stage"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    new_stage = fields.Selection(CUSTOMER_STAGES, required=True)
    reason = fields.Text(required=True, help="Why the stage is set by hand: kept in the stage history.")

    def action_apply(self):
        self.ensure_one()
        self.partner_ids.action_override_customer_stage(self.new_stage, self.reason)
        return {"type": "ir.actions.act_window_close"}
