from odoo import api, fields, models

from .service_ticket import TICKET_PRIORITIES


class ServiceSlaPolicy(models.Model):
    _name = "service.sla.policy"
    _description = "Service SLA Policy"
    _order = "team_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one("service.team", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    ticket_type_id = fields.Many2one("service.ticket.type", help="Empty: any type.")
    priority = fields.Selection(TICKET_PRIORITIES, help="Empty: any priority.")
    response_hours = fields.Float(
        string="First Response Target (h)", help="Working hours on the team's calendar."
    )
    resolution_hours = fields.Float(
        string="Resolution Target (h)", help="Working hours on the team's calendar."
    )

    _sql_constraints = [
        (
            "hours_positive",
            "CHECK(response_hours >= 0 AND resolution_hours >= 0)",
            "SLA targets cannot be negative.",
        ),
    ]

    @api.model
    def _get_policy_dicts(self, team_ids):
        """All active policies of ``team_ids`` as plain dicts for lib.sla.match_policy (one query)."""
        policies = self.search_read(
            [("team_id", "in", list(team_ids))],
            ["team_id", "ticket_type_id", "priority", "sequence", "response_hours", "resolution_hours"],
        )
        return [
            {
                "id": p["id"],
                "team_id": p["team_id"][0],
                "type_id": p["ticket_type_id"] and p["ticket_type_id"][0] or None,
                "priority": p["priority"] or None,
                "sequence": p["sequence"],
            }
            for p in policies
        ]
