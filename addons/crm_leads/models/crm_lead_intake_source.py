import secrets

from odoo import api, fields, models


class CrmLeadIntakeSource(models.Model):
    _name = "crm.lead.intake.source"
    _description = "Web Intake Source"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    token = fields.Char(
        required=True,
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        groups="crm_leads.group_crm_leads_manager",
    )
    utm_source_id = fields.Many2one("utm.source", string="UTM source")
    team_id = fields.Many2one("crm.team", string="Sales team")
    pool_id = fields.Many2one("crm.lead.pool", domain=[("res_model", "=", "crm.lead")])
    tag_ids = fields.Many2many("crm.tag", string="Tags")
    max_body_bytes = fields.Integer("Maximum request size (bytes)", default=16384)
    event_points = fields.Integer("Engagement points of a submission", default=10)
    lead_count = fields.Integer(compute="_compute_lead_count")

    _sql_constraints = [("token_unique", "UNIQUE(token)", "Each intake source needs its own token.")]

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("intake_source_id", "in", self.ids)], ["intake_source_id"], ["__count"]
            )
        )
        for source in self:
            source.lead_count = counts.get(source, 0)

    def action_regenerate_token(self):
        for source in self:
            source.token = secrets.token_urlsafe(24)
        return True

    @api.model
    def _find_by_token(self, token):
        if not token:
            return self.browse()
        source = self.sudo().search([("token", "=", token)], limit=1)
        return source if source and secrets.compare_digest(source.token, token) else self.browse()

    def _prepare_lead_values(self, payload):
        """Lead values from a validated web form payload."""
        self.ensure_one()
        values = {
            "name": payload.get("name")
            or payload.get("company")
            or payload.get("email")
            or payload.get("phone"),
            "contact_name": payload.get("contact_name"),
            "partner_name": payload.get("company"),
            "email_from": payload.get("email"),
            "phone": payload.get("phone"),
            "description": payload.get("message"),
            "vat": payload.get("vat"),
            "intake_source_id": self.id,
            "type": "lead",
            "user_id": False,
        }
        if self.utm_source_id:
            values["source_id"] = self.utm_source_id.id
        if self.team_id:
            values["team_id"] = self.team_id.id
        if self.pool_id:
            values["pool_id"] = self.pool_id.id
        if self.tag_ids:
            values["tag_ids"] = [fields.Command.set(self.tag_ids.ids)]
        if payload.get("country"):
            country = self.env["res.country"].search([("code", "=ilike", payload["country"])], limit=1)
            values["country_id"] = country.id
        if payload.get("employees"):
            values["employee_count"] = int(payload["employees"])
        return {k: v for k, v in values.items() if v not in (None, "")}

    def _intake_create_lead(self, payload):
        """Create (or merge into the existing duplicate) the lead of one web submission, then score it."""
        self.ensure_one()
        Lead = self.env["crm.lead"].sudo().with_context(tracking_disable=False, mail_create_nosubscribe=True)
        values = self._prepare_lead_values(payload)
        lead = Lead.create(values)
        self.env["crm.lead.score.event"].sudo().create(
            {
                "lead_id": lead.id,
                "name": self.env._("Web form: %(form)s", form=self.name),
                "event_type": "web_form",
                "points": self.event_points,
            }
        )
        duplicates = lead._dedupe_find()
        if duplicates:
            lead = (duplicates | lead)._merge_opportunity(auto_unlink=True, max_length=0)
            lead._lead_score_recompute()
        return lead
