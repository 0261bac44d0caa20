from odoo import api, models, tools


class ResCountry(models.Model):
    _inherit = "res.country"

    @api.model
    @tools.ormcache()
    def _intake_country_names(self):
        """``((id, code, (names in every installed language)), ...)``, for the web intake."""
        names = {}
        for code, _name in self.env["res.lang"].get_installed():
            for country in self.sudo().with_context(lang=code).search([]):
                names.setdefault(country.id, [country.code, set()])[1].add(country.name)
        return tuple((cid, code, tuple(sorted(found))) for cid, (code, found) in names.items())
