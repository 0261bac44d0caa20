from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _timeline_collect(self, partner_ids, limit):
        """Hook of the 360° timeline: return the newest ``limit`` events of each source for ``partner_ids``.

        Every module that has something to show on the partner's timeline overrides this method,
        calls ``super()`` and appends its own events, read in one query per source for all partners.
        An event is a dict::

            {"date": datetime, "kind": "lead" | "activity" | "quotation" | "order" | "delivery"
                                      | "invoice" | "payment" | "ticket" | ...,
             "model": "sale.order", "res_id": 42, "name": "S00042", "amount": 120.0 or None,
             "currency_id": 1 or None, "state": "sale" or None, "user_id": 2 or None}

        The timeline merges the lists, sorts them by date (newest first) and cuts the requested page.
        """
        return []
