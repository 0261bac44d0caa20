from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_ticket_count = fields.Integer(compute="_compute_service_ticket_count", string="Tickets")

    def _compute_service_ticket_count(self):
        """Tickets of the partner and its contacts (one read_group for all partners)."""
        self.service_ticket_count = 0
        if not self.ids:
            return
        # a count is harmless: every user of the partner sees it, the tickets stay behind their rules
        rows = (
            self.env["service.ticket"]
            .sudo()
            ._read_group([("partner_id", "child_of", self.ids)], ["partner_id"], ["__count"])
        )
        counts = dict.fromkeys(self.ids, 0)
        for ticket_partner, count in rows:
            partner = ticket_partner.sudo()
            while partner:
                if partner.id in counts:
                    counts[partner.id] += count
                partner = partner.parent_id
        for partner in self:
            partner.service_ticket_count = counts[partner.id]

    def action_view_service_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_service_ticket")
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.model
    def _timeline_sources(self):
        return [*super()._timeline_sources(), ("service.ticket", self._timeline_collect_tickets)]

    @api.model
    def _timeline_collect_tickets(self, partner_ids, partner_domain, limit):
        """The newest ``limit`` tickets of each partner the user may read (one query for all partners)."""
        events = []
        self.env["service.ticket"].flush_model(
            ["number", "name", "create_date", "partner_id", "is_closed", "user_id"]
        )
        # the ticket stays visible to the user's record rules: filter on ids he may read
        query = self.env["service.ticket"]._search([("partner_id", "child_of", list(partner_ids))])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, partner_id, number, name, create_date, is_closed, user_id
                  FROM (SELECT t.id, t.partner_id, t.number, t.name, t.create_date, t.is_closed, t.user_id,
                               row_number() OVER (PARTITION BY t.partner_id
                                                  ORDER BY t.create_date DESC, t.id DESC) AS rn
                          FROM service_ticket t
                         WHERE t.id IN %(ids)s) sub
                 WHERE rn <= %(limit)s
                """,
                ids=query.subselect(),
                limit=limit,
            )
        )
        for tid, partner_id, number, name, create_date, is_closed, user_id in self.env.cr.fetchall():
            events.append(
                {
                    "date": create_date,
                    "kind": "ticket",
                    "model": "service.ticket",
                    "res_id": tid,
                    "partner_id": partner_id,
                    "name": f"{number} {name}",
                    "amount": None,
                    "currency_id": None,
                    "state": "closed" if is_closed else "open",
                    "user_id": user_id,
                }
            )
        return events
