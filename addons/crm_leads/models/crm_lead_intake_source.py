import secrets
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import dedupe, scoring
from ..lib import intake as intake_lib

INTAKE_URL = "/crm_leads/intake"


class CrmLeadIntakeSource(models.Model):
    _name = "crm.lead.intake.source"
    _description = "Web Intake Source"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        help="Leads of this source belong to this company; submissions match only its leads and customers.",
    )
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
    allowed_origins = fields.Text(
        help="Web pages allowed to post from a browser, e.g. https://www.example.com (one per line). "
        "Empty: server-to-server posts only.",
    )
    rate_limit_address = fields.Integer(
        "Posts per minute from one address", default=30, help="Above it, posts are refused with 429."
    )
    rate_limit_source = fields.Integer(
        "Posts per minute in all", default=300, help="Above it, posts are refused with 429."
    )
    snippet = fields.Text("Form snippet", compute="_compute_snippet")
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

    @api.constrains("event_points")
    def _check_event_points(self):
        for source in self:
            if not scoring.EVENT_POINTS_MIN <= source.event_points <= scoring.EVENT_POINTS_MAX:
                raise ValidationError(
                    self.env._(
                        "Engagement points must be between %(low)s and %(high)s.",
                        low=scoring.EVENT_POINTS_MIN,
                        high=scoring.EVENT_POINTS_MAX,
                    )
                )

    @api.depends("token")
    def _compute_snippet(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        template = (
            '<form id="crm-intake-form">\n'
            '  <input name="name" placeholder="Your name" required>\n'
            '  <input name="company" placeholder="Company">\n'
            '  <input name="email" type="email" placeholder="Email" required>\n'
            '  <input name="phone" placeholder="Phone">\n'
            '  <textarea name="message" placeholder="Message"></textarea>\n'
            "  <!-- left empty by people, filled by robots -->\n"
            '  <input name="website" tabindex="-1" autocomplete="off" style="display:none">\n'
            '  <button type="submit">Send</button>\n'
            "</form>\n"
            "<script>\n"
            'document.getElementById("crm-intake-form").addEventListener("submit", async (event) => {\n'
            "  event.preventDefault();\n"
            "  const data = Object.fromEntries(new FormData(event.target));\n"
            '  const response = await fetch("%(url)s", {\n'
            '    method: "POST",\n'
            '    headers: {"Content-Type": "application/json", "X-Intake-Token": "%(token)s"},\n'
            "    body: JSON.stringify(data),\n"
            "  });\n"
            '  event.target.replaceWith(response.ok ? "Thank you!" : "Please try again later.");\n'
            "});\n"
            "</script>"
        )
        for source in self:
            token = source.sudo().token or ""
            source.snippet = template % {"url": base_url + INTAKE_URL, "token": token}

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

    @api.model
    def _origin_allowed_anywhere(self, origin):
        """Whether an active source lets ``origin`` post from a browser (answer to a CORS preflight)."""
        sources = self.sudo().search([("allowed_origins", "ilike", origin)])
        return any(source._origin_allowed(origin) for source in sources)

    def _origin_allowed(self, origin):
        self.ensure_one()
        return origin.rstrip("/") in intake_lib.parse_origins(self.allowed_origins)

    # ------------------------------------------------------------------
    # A submission
    # ------------------------------------------------------------------
    def _intake_rate_limited(self, address, now):
        """Whether this post goes over the source's or the address's posts per minute."""
        self.ensure_one()
        total, from_address = self.env["crm.lead.intake.hit"]._get_recent_counts(
            self, address, now - timedelta(minutes=1)
        )
        return total >= self.rate_limit_source or from_address >= self.rate_limit_address

    def _intake_submit(self, clean, address=None):
        """Take one validated submission. Never merges, deletes or overwrites a record: an open lead of the
        same contact in the source's company gets an engagement event (one a day at most) and a note;
        otherwise a new lead is created, linked to the matching customer if there is one. Returns what
        happened (``rate_limited``, ``ignored``, ``engaged``, ``created``) for the caller's log; the
        anonymous caller is told nothing of it."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self._intake_rate_limited(address, now):
            return "rate_limited"
        self.env["crm.lead.intake.hit"].create({"source_id": self.id, "address": address, "date": now})
        if intake_lib.is_robot(clean):
            return "ignored"
        keys = dedupe.dedupe_keys(clean.get("email"), clean.get("phone"), clean.get("vat"))
        self.env["crm.lead.intake.lock"]._acquire(intake_lib.lock_keys(self.company_id.id, keys))
        lead = self._intake_find_open_lead(keys)
        if lead:
            self._intake_engage(lead, clean, now)
            return "engaged"
        self._intake_create_lead(clean, self._intake_find_customer(keys))
        return "created"

    def _get_intake_match_domain(self, keys):
        """Leads of the source's company sharing one of the contact keys."""
        return self.env["crm.lead"]._get_dedupe_domain(keys) + [("company_id", "=", self.company_id.id)]

    def _intake_find_open_lead(self, keys):
        """The oldest open (neither won nor lost) lead or opportunity of the contact."""
        domain = self._get_intake_match_domain(keys) + [("stage_id.is_won", "=", False)]
        return self.env["crm.lead"].sudo().search(domain, order="id", limit=1)

    def _intake_find_customer(self, keys):
        """The customer of the contact: the partner of a won or lost lead, else a partner of the company
        (or shared) with the same keys."""
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        closed = Lead.search(self._get_intake_match_domain(keys) + [("partner_id", "!=", False)], limit=1)
        if closed:
            return closed.partner_id.commercial_partner_id
        partners = self.env["res.partner"].sudo()._dedupe_search(keys, limit=10)
        return partners.filtered(lambda p: p.company_id in (self.company_id, p.browse()))[:1]

    def _intake_engage(self, lead, clean, now):
        """An engagement event (at most one a day per lead and source) and a note with the submission."""
        day_start = fields.Datetime.to_datetime(fields.Date.to_date(now))
        Event = self.env["crm.lead.score.event"].sudo()
        seen_today = Event.search_count(
            [
                ("lead_id", "=", lead.id),
                ("event_type", "=", "web_form"),
                ("name", "=", self._intake_event_name()),
                ("date", ">=", day_start),
            ]
        )
        if not seen_today:
            Event.create(self._prepare_intake_event_values(lead))
        lead.message_post(body=self._intake_note(clean), message_type="comment", subtype_xmlid="mail.mt_note")

    def _intake_event_name(self):
        return self.env._("Web form: %(form)s", form=self.name)

    def _prepare_intake_event_values(self, lead):
        return {
            "lead_id": lead.id,
            "name": self._intake_event_name(),
            "event_type": "web_form",
            "points": self.event_points,
        }

    def _intake_note(self, clean, extra=()):
        """The submission as an internal note (escaped)."""
        labels = {
            "name": self.env._("Subject"),
            "contact_name": self.env._("Contact"),
            "company": self.env._("Company"),
            "email": self.env._("Email"),
            "phone": self.env._("Phone"),
            "vat": self.env._("Tax ID"),
            "country": self.env._("Country"),
            "message": self.env._("Message"),
        }
        lines = [Markup("<b>%s</b>") % self._intake_event_name()]
        lines += [Markup("%s: %s") % (label, clean[key]) for key, label in labels.items() if clean.get(key)]
        lines += [escape(text) for text in extra]
        return Markup("<br/>").join(lines)

    def _intake_create_lead(self, clean, customer):
        values, notes = self._prepare_lead_values(clean, customer)
        Lead = self.env["crm.lead"].sudo().with_context(tracking_disable=False, mail_create_nosubscribe=True)
        lead = Lead.create(values)
        self.env["crm.lead.score.event"].sudo().create(self._prepare_intake_event_values(lead))
        if customer or notes:
            lead.message_post(body=self._intake_note(clean, notes), subtype_xmlid="mail.mt_note")
        return lead

    def _prepare_lead_values(self, clean, customer=None):
        """``(lead values, notes)`` of a validated submission. Linked to an existing customer, the lead takes
        the customer's own contact details: the submitted ones only go to the note."""
        self.ensure_one()
        values = {
            "name": clean.get("name") or clean.get("company") or clean.get("email") or clean.get("phone"),
            "contact_name": clean.get("contact_name"),
            "partner_name": clean.get("company"),
            "email_from": clean.get("email"),
            "phone": clean.get("phone"),
            "description": clean.get("message"),
            "vat": clean.get("vat"),
            "intake_source_id": self.id,
            "company_id": self.company_id.id,
            "type": "lead",
            "user_id": False,
            "source_id": self.utm_source_id.id,
            "team_id": self.team_id.id,
            "pool_id": self.pool_id.id,
            "employee_count": clean.get("employees"),
        }
        if customer:
            values.update(partner_id=customer.id, email_from=None, phone=None, partner_name=None)
        if self.tag_ids:
            values["tag_ids"] = [fields.Command.set(self.tag_ids.ids)]
        values.update(self._prepare_utm_values(clean))
        notes = []
        if clean.get("country"):
            values["country_id"] = self._intake_match_country(clean["country"])
            if not values["country_id"]:
                notes.append(self.env._("Country not recognised: %(country)s", country=clean["country"]))
        return {k: v for k, v in values.items() if v not in (None, "", False)}, notes

    def _prepare_utm_values(self, clean):
        """UTM campaign, medium and source named by the submission (found, or created as Odoo's website
        tracking does)."""
        mixin = self.env["utm.mixin"].sudo()
        fnames = {"utm_campaign": "campaign_id", "utm_medium": "medium_id", "utm_source": "source_id"}
        models = {"utm_campaign": "utm.campaign", "utm_medium": "utm.medium", "utm_source": "utm.source"}
        return {
            fname: mixin._find_or_create_record(models[key], clean[key]).id
            for key, fname in fnames.items()
            if clean.get(key)
        }

    def _intake_match_country(self, value):
        return intake_lib.match_country(value, self.env["res.country"]._intake_country_names()) or False
