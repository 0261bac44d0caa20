from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cil_lead_line_revenue = fields.Boolean(
        string="Expected Revenue from Products",
        help="The expected revenue of an opportunity with products is the total of its products.",
    )
