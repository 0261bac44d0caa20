from datetime import datetime

from odoo import fields, models
from odoo.fields import Command


class CrmPartnerTimeline(models.TransientModel):
    _name = "crm.partner.timeline"
    _description = "Customer 360° Timeline"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    offset = fields.Integer(default=0)
    page_size = fields.Integer(default=20)
    has_more = fields.Boolean()
    line_ids = fields.One2many("crm.partner.timeline.line", "timeline_id", "Events")
    page_label = fields.Char(compute="_compute_page_label")

    def _compute_page_label(self):
        for wizard in self:
            wizard.page_label = self.env._(
                "Events %(start)s-%(end)s",
                start=wizard.offset + 1 if wizard.line_ids else 0,
                end=wizard.offset + len(wizard.line_ids),
            )

    def _event_day(self, value):
        """The day of an event: a date as it is, a datetime in the user's time zone."""
        if isinstance(value, datetime):
            return fields.Datetime.context_timestamp(self, value).date()
        return value or False

    def _prepare_line_vals(self, event):
        kinds = dict(self.env["crm.partner.timeline.line"]._fields["kind"].selection)
        return {
            "date": event["date"],
            "day": self._event_day(event["date"]),
            "kind": event["kind"] if event["kind"] in kinds else "other",
            "model": event["model"],
            "res_id": event["res_id"],
            "name": event["name"],
            "amount": event.get("amount") or 0.0,
            "currency_id": event.get("currency_id"),
            "state": event.get("state") and str(event["state"]),
            "user_id": event.get("user_id"),
        }

    def _action_load_page(self):
        self.ensure_one()
        page = self.partner_id.get_timeline(self.offset, self.page_size)
        self.write(
            {
                "has_more": page["has_more"],
                "line_ids": [Command.clear()]
                + [Command.create(self._prepare_line_vals(e)) for e in page["events"]],
            }
        )

    def _get_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("360° Timeline"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_next_page(self):
        self.offset += self.page_size
        self._action_load_page()
        return self._get_action()

    def action_previous_page(self):
        self.offset = max(self.offset - self.page_size, 0)
        self._action_load_page()
        return self._get_action()
