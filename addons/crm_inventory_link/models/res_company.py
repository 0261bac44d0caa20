from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cil_lead_line_revenue = fields.Boolean(
        string="Expected Revenue from Products",
        help="The expected revenue of an opportunity with products is the total of its products.",
    )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("cil_lead_line_revenue"):
            self._cil_sync_open_opportunities()
        return res

    def _cil_get_open_opportunities_domain(self):
        return [
            ("company_id", "in", self.ids),
            ("type", "=", "opportunity"),
            ("probability", "<", 100),
            ("lead_line_ids", "!=", False),
        ]

    def _cil_sync_open_opportunities(self):
        """Switching the setting on rolls the products total into the open opportunities at once."""
        leads = self.env["crm.lead"].sudo().search(self._cil_get_open_opportunities_domain())
        leads._cil_sync_expected_revenue()
