from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib.scoring import EVENT_POINTS_MAX, EVENT_POINTS_MIN


class CrmLeadScoreEvent(models.Model):
    _name = "crm.lead.score.event"
    _description = "Lead Engagement Event"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True)
    event_type = fields.Selection(
        [
            ("web_form", "Web form"),
            ("email", "Email"),
            ("email_in", "Email received"),
            ("call", "Call"),
            ("meeting", "Meeting"),
            ("visit", "Website visit"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    points = fields.Integer(
        required=True,
        default=5,
        help=f"Between {EVENT_POINTS_MIN} and {EVENT_POINTS_MAX}, as a rule's points.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.constrains("points")
    def _check_points(self):
        for event in self:
            if not EVENT_POINTS_MIN <= event.points <= EVENT_POINTS_MAX:
                raise ValidationError(
                    self.env._(
                        "Engagement points must be between %(low)s and %(high)s (%(points)s given).",
                        low=EVENT_POINTS_MIN,
                        high=EVENT_POINTS_MAX,
                        points=event.points,
                    )
                )

    def _check_lead_owner(self, leads):
        """A salesperson records engagement on the leads they own only; managers on any lead (the
        automatic events of intake and of Odoo's activity are created as superuser)."""
        if self.env.su or self.env.user.has_group("crm_leads.group_crm_leads_manager"):
            return
        foreign = leads.sudo().filtered(lambda lead: lead.user_id != self.env.user)
        if foreign:
            raise AccessError(
                self.env._(
                    "You may record engagement only on your own leads (not on %(leads)s).",
                    leads=", ".join(foreign.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_lead_owner(
            self.env["crm.lead"].browse({v["lead_id"] for v in vals_list if v.get("lead_id")})
        )
        events = super().create(vals_list)
        events.lead_id._lead_score_recompute()
        return events

    def write(self, vals):
        leads = self.lead_id
        self._check_lead_owner(leads | self.env["crm.lead"].browse(vals.get("lead_id") or []))
        res = super().write(vals)
        (leads | self.lead_id)._lead_score_recompute()
        return res

    def unlink(self):
        leads = self.lead_id
        self._check_lead_owner(leads)
        res = super().unlink()
        leads.exists()._lead_score_recompute()
        return res
