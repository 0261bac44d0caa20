from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    activity_plan_id = fields.Many2one(
        "mail.activity.plan",
        domain="[('res_model', '=', 'crm.lead')]",
        help="To-dos scheduled for the salesperson when an opportunity enters this stage.",
    )
