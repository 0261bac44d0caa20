from odoo import api, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _timeline_sources(self):
        return [*super()._timeline_sources(), ("stock.picking", self._timeline_collect_deliveries)]

    @api.model
    def _timeline_collect_deliveries(self, partner_ids, partner_domain, limit):
        """The newest ``limit`` outgoing deliveries of each partner (one query for all partners)."""
        events = []
        # SQL: a window function ranks the deliveries of all partners at once (the ORM has no "n per group")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, partner_id, name, date, state, user_id FROM (
                    SELECT p.id, p.partner_id, p.name, COALESCE(p.date_done, p.scheduled_date) AS date,
                           p.state, p.user_id,
                           row_number() OVER (
                               PARTITION BY p.partner_id
                               ORDER BY COALESCE(p.date_done, p.scheduled_date) DESC, p.id DESC
                           ) AS rank
                      FROM stock_picking p
                      JOIN stock_picking_type t ON t.id = p.picking_type_id
                     WHERE t.code = 'outgoing'
                       AND p.partner_id IN %(partners)s
                       AND p.state != 'cancel'
                       AND p.company_id = ANY(%(companies)s)
                ) ranked
                WHERE rank <= %(limit)s
                """,
                partners=self._timeline_partner_query(partner_ids).subselect(),
                companies=self.env.companies.ids,
                limit=limit,
            )
        )
        for picking_id, partner_id, name, date, state, user_id in rows:
            events.append(
                {
                    "date": date,
                    "kind": "delivery",
                    "model": "stock.picking",
                    "res_id": picking_id,
                    "partner_id": partner_id,
                    "name": name,
                    "amount": None,
                    "currency_id": None,
                    "state": state,
                    "user_id": user_id,
                }
            )
        return events
