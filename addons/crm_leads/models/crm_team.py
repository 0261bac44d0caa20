from odoo import models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    def _get_lead_to_assign_domain(self):
        # leads of a pool are claimed by its members (or given by a pool manager), never auto-assigned
        return super()._get_lead_to_assign_domain() + [("pool_id", "=", False)]
