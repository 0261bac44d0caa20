import datetime
import json
import logging
import threading

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import dedupe, scoring
from .crm_pool_mixin import PoolMixin

_logger = logging.getLogger(__name__)

SCORE_TRIGGER_FIELDS = {
    "country_id",
    "industry_id",
    "employee_count",
    "source_id",
    "tag_ids",
    "email_from",
    "phone",
}
SCORE_BATCH_SIZE = 5000
VIES_DEFAULT_WSDL = "https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl"
GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class CrmLead(PoolMixin, models.Model):
    _inherit = "crm.lead"

    # Pool (公海) fields, used by PoolMixin
    pool_id = fields.Many2one("crm.lead.pool", index="btree_not_null", copy=False)
    pool_claim_date = fields.Datetime("Claimed on", copy=False, readonly=True)
    pool_last_followup = fields.Datetime("Last follow-up", copy=False, readonly=True)
    pool_former_user_id = fields.Many2one("res.users", string="Former owner", copy=False, readonly=True)
    pool_released_date = fields.Datetime("Returned to pool on", copy=False, readonly=True)
    pool_warned_date = fields.Datetime("Recycle warning sent on", copy=False, readonly=True)
    pool_locked = fields.Boolean("Locked", copy=False, help="Locked records are never recycled to the pool.")
    pool_in_pool = fields.Boolean("In pool", compute="_compute_pool_in_pool", search="_search_pool_in_pool")

    industry_id = fields.Many2one("res.partner.industry")
    employee_count = fields.Integer("Employees")
    vat = fields.Char("Tax ID")
    lead_score = fields.Integer("Score", readonly=True, copy=False, aggregator="avg", index=True)
    lead_grade = fields.Selection(GRADES, string="Grade", readonly=True, copy=False, index=True)
    lead_score_breakdown = fields.Json("Score breakdown", readonly=True, copy=False)
    lead_score_date = fields.Datetime("Scored on", readonly=True, copy=False)
    lead_score_html = fields.Html("Why this score", compute="_compute_lead_score_html", sanitize=False)
    score_event_ids = fields.One2many("crm.lead.score.event", "lead_id", string="Engagement events")
    intake_source_id = fields.Many2one("crm.lead.intake.source", string="Web intake source", readonly=True)
    dedupe_phone = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")
    dedupe_vat = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")
    vat_check_state = fields.Selection(
        [("valid", "Valid"), ("invalid", "Invalid"), ("error", "Not checked")],
        string="VAT check",
        readonly=True,
        copy=False,
    )
    vat_check_date = fields.Datetime("VAT checked on", readonly=True, copy=False)
    vat_check_message = fields.Char("VAT check result", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Dedupe
    # ------------------------------------------------------------------
    @api.depends("phone", "vat")
    def _compute_dedupe_keys(self):
        for lead in self:
            lead.dedupe_phone = dedupe.normalize_phone(lead.phone) or False
            lead.dedupe_vat = dedupe.normalize_vat(lead.vat) or False

    @api.model
    def _get_dedupe_domain(self, keys):
        """Domain of the records sharing one of the normalized ``keys`` (email, phone, vat)."""
        parts = []
        if keys.get("email"):
            parts.append([("email_normalized", "=", keys["email"])])
        if keys.get("phone"):
            parts.append([("dedupe_phone", "=", keys["phone"])])
        if keys.get("vat"):
            parts.append([("dedupe_vat", "=", keys["vat"])])
        if not parts:
            return [("id", "=", False)]
        domain = ["|"] * (len(parts) - 1)
        for part in parts:
            domain += part
        return domain

    def _dedupe_keys(self):
        self.ensure_one()
        return dedupe.dedupe_keys(self.email_from, self.phone, self.vat)

    def _dedupe_find(self):
        """Other active leads sharing the email, phone or VAT of this one, oldest first."""
        self.ensure_one()
        domain = self._get_dedupe_domain(self._dedupe_keys()) + [("id", "!=", self.id)]
        return self.search(domain, order="id")

    def action_dedupe_merge(self):
        """Merge each lead with its duplicates (Odoo's own merge) and link the matching customer."""
        result = self.browse()
        for lead in self:
            if not lead.exists():
                continue
            duplicates = lead._dedupe_find()
            merged = lead
            if duplicates:
                merged = (duplicates | lead)._merge_opportunity(auto_unlink=True, max_length=0)
            merged._dedupe_link_partner()
            result |= merged
        if not result:
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "view_mode": "form",
            "res_id": result[:1].id,
        }

    def _merge_get_fields(self):
        return super()._merge_get_fields() + [
            "industry_id",
            "employee_count",
            "vat",
            "intake_source_id",
            "pool_id",
        ]

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        opportunities.score_event_ids.sudo().write({"lead_id": self.id})
        return res

    def _dedupe_link_partner(self):
        for lead in self.filtered(lambda lead: not lead.partner_id):
            partner = self.env["res.partner"]._dedupe_search(lead._dedupe_keys())
            if partner:
                lead.partner_id = partner[:1]

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._lead_score_recompute()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if SCORE_TRIGGER_FIELDS.intersection(vals):
            self._lead_score_recompute()
        return res

    @api.depends("lead_score_breakdown", "lead_score")
    def _compute_lead_score_html(self):
        kinds = {
            "fit": self.env._("Fit"),
            "engagement": self.env._("Engagement"),
            "pls": self.env._("Predictive"),
        }
        for lead in self:
            items = lead.lead_score_breakdown or []
            if not items:
                lead.lead_score_html = False
                continue
            rows = "".join(
                "<tr><td>%s</td><td>%s</td><td class='text-end %s'>%+g</td></tr>"
                % (
                    kinds.get(item.get("kind"), ""),
                    escape(item.get("name") or ""),
                    "text-success" if item.get("points", 0) >= 0 else "text-danger",
                    item.get("points", 0),
                )
                for item in items
            )
            lead.lead_score_html = (
                "<table class='table table-sm o_crm_leads_breakdown'><tbody>%s</tbody></table>" % rows
            )

    @api.model
    def _lead_score_params(self):
        icp = self.env["ir.config_parameter"].sudo()

        def num(key, default):
            try:
                return float(icp.get_param(key, default))
            except (TypeError, ValueError):
                return float(default)

        grades = (
            ("A", num("crm_leads.grade_a", 75)),
            ("B", num("crm_leads.grade_b", 50)),
            ("C", num("crm_leads.grade_c", 25)),
            ("D", 0),
        )
        changed_at = icp.get_param("crm_leads.score_changed_at")
        return {
            "changed_at": fields.Datetime.to_datetime(changed_at) if changed_at else None,
            "half_life_days": num("crm_leads.half_life_days", 30),
            "blend": max(0.0, min(100.0, num("crm_leads.pls_blend", 0))) / 100.0,
            "grades": grades,
        }

    def _lead_score_recompute(self):
        """Score these leads now (incremental path: create, write, new engagement events)."""
        if self.ids:
            self.env["crm.lead"]._lead_score_ids(self.ids)

    @api.model
    def _lead_score_gather(self, lead_ids):
        """Facts of the leads and their events in three queries: ``(leads, events_by_lead, current)``.

        ``current`` holds the stored ``(score, grade, breakdown, write_date, score_date)`` of each lead, so
        that rows whose score did not change are not rewritten (unless they are stale, see below).
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT id, country_id, industry_id, employee_count, source_id, email_from, phone,
                          automated_probability, lead_score, lead_grade, lead_score_breakdown,
                          write_date, lead_score_date
                     FROM crm_lead WHERE id = ANY(%s)""",
                list(lead_ids),
            )
        )
        rows = cr.fetchall()
        current = {row[0]: (row[8], row[9], row[10], row[11], row[12]) for row in rows}
        leads = {
            row[0]: {
                "country_id": row[1],
                "industry_id": row[2],
                "employee_count": row[3],
                "source_id": row[4],
                "email": row[5],
                "phone": row[6],
                "automated_probability": row[7],
                "tag_ids": (),
            }
            for row in rows
        }
        cr.execute(
            SQL(
                "SELECT lead_id, array_agg(tag_id) FROM crm_tag_rel WHERE lead_id = ANY(%s) GROUP BY lead_id",
                list(lead_ids),
            )
        )
        for lead_id, tag_ids in cr.fetchall():
            leads[lead_id]["tag_ids"] = tag_ids
        cr.execute(
            SQL(
                "SELECT lead_id, name, points, date FROM crm_lead_score_event WHERE lead_id = ANY(%s)",
                list(lead_ids),
            )
        )
        events = {}
        for lead_id, name, points, date in cr.fetchall():
            events.setdefault(lead_id, []).append({"name": name, "points": points, "date": date})
        return leads, events, current

    @api.model
    def _lead_score_ids(self, lead_ids, rules=None, params=None):
        """Score a batch of leads: a few queries, one pure call, one bulk UPDATE of the changed rows."""
        if not lead_ids:
            return {}
        self.env.flush_all()
        rules = self.env["crm.lead.score.rule"]._get_scoring_rules() if rules is None else rules
        params = params or self._lead_score_params()
        leads, events, current = self._lead_score_gather(lead_ids)
        now = fields.Datetime.now()
        results = scoring.score_leads(
            leads, rules, events, now, params["half_life_days"], params["blend"], params["grades"]
        )
        changed_at = params.get("changed_at")
        ids, scores, grades, breakdowns = [], [], [], []
        for lead_id, (score, grade, breakdown) in results.items():
            old_score, old_grade, old_breakdown, write_date, score_date = current[lead_id]
            stale = (
                not score_date
                or (write_date and write_date > score_date)
                or (changed_at and score_date < changed_at)
            )
            if stale or (old_score, old_grade, old_breakdown) != (score, grade, breakdown):
                ids.append(lead_id)
                scores.append(score)
                grades.append(grade)
                breakdowns.append(json.dumps(breakdown))
        if ids:
            self.env.cr.execute(
                SQL(
                    """UPDATE crm_lead AS l
                          SET lead_score = v.score, lead_grade = v.grade, lead_score_breakdown = v.breakdown,
                              lead_score_date = (now() AT TIME ZONE 'UTC')
                         FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::jsonb[])
                              AS v(id, score, grade, breakdown)
                        WHERE l.id = v.id""",
                    ids,
                    scores,
                    grades,
                    breakdowns,
                )
            )
            self.invalidate_model(["lead_score", "lead_grade", "lead_score_breakdown", "lead_score_date"])
        return results

    @api.model
    def _get_lead_score_cron_domain_sql(self, last_id, changed_at=None, full=True):
        """Leads the cron rescores after ``last_id``: all active ones, or (``full=False``) only those whose
        score may have changed: never scored, modified or rules changed since, or with decaying events."""
        if full:
            return SQL("active AND id > %s", last_id)
        return SQL(
            """active AND id > %s AND (
                   lead_score_date IS NULL OR write_date > lead_score_date OR lead_score_date < %s
                   OR EXISTS (SELECT 1 FROM crm_lead_score_event e WHERE e.lead_id = crm_lead.id))""",
            last_id,
            changed_at or datetime.datetime(1970, 1, 1),
        )

    @api.model
    def _cron_lead_score(self, batch_size=SCORE_BATCH_SIZE, limit_batches=0, full=False):
        """Rescore the active leads in batches, committing between them; resumes where it stopped.

        Leads whose facts, rules and events did not change since their last scoring are skipped, unless
        ``full`` is set or Odoo's predictive probability is blended in (it changes without a write).
        """
        icp = self.env["ir.config_parameter"].sudo()
        last_id = int(icp.get_param("crm_leads.score_cron_last_id", 0) or 0)
        rules = self.env["crm.lead.score.rule"]._get_scoring_rules()
        params = self._lead_score_params()
        full = full or params["blend"] > 0
        testing = getattr(threading.current_thread(), "testing", False)
        done = batches = 0
        while True:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM crm_lead WHERE %s ORDER BY id LIMIT %s",
                    self._get_lead_score_cron_domain_sql(last_id, params["changed_at"], full),
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                icp.set_param("crm_leads.score_cron_last_id", 0)
                break
            self._lead_score_ids(ids, rules=rules, params=params)
            last_id = ids[-1]
            done += len(ids)
            batches += 1
            icp.set_param("crm_leads.score_cron_last_id", last_id)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if limit_batches and batches >= limit_batches:
                break
        _logger.info("crm_leads: scored %s leads in %s batches", done, batches)
        return done

    @api.model
    def _lead_score_mark_rules_changed(self):
        """Rules or scoring settings changed: every lead is stale, the cron rescores them soon."""
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_leads.score_changed_at", fields.Datetime.to_string(fields.Datetime.now())
        )
        cron = self.env.ref("crm_leads.ir_cron_lead_score", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def action_lead_score_recompute(self):
        self._lead_score_recompute()
        return True

    # ------------------------------------------------------------------
    # Pool facts
    # ------------------------------------------------------------------
    def _pool_get_recycle_facts(self):
        if not self:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT l.id, l.pool_claim_date, l.pool_last_followup, l.type = 'opportunity',
                          COALESCE(s.is_won, FALSE), l.pool_locked
                     FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id
                    WHERE l.id = ANY(%s)""",
                self.ids,
            )
        )
        return {
            row[0]: {
                "claim_date": row[1],
                "last_followup": row[2],
                "has_opportunity": row[3],
                "is_won": row[4],
                "locked": row[5],
            }
            for row in self.env.cr.fetchall()
        }

    def _pool_after_claim(self, user):
        res = super()._pool_after_claim(user)
        # sales team of the new owner, as when Odoo assigns a salesperson
        self.filtered(lambda lead: not lead.team_id)._compute_team_id()
        return res

    # ------------------------------------------------------------------
    # VIES VAT check
    # ------------------------------------------------------------------
    def _vies_check(self, country_code, number):
        """Call VIES checkVat with zeep; returns the zeep result. Raises on timeout or failure."""
        import requests
        import zeep
        from zeep.transports import Transport

        icp = self.env["ir.config_parameter"].sudo()
        wsdl = icp.get_param("crm_leads.vies_wsdl_url") or VIES_DEFAULT_WSDL
        timeout = float(icp.get_param("crm_leads.vies_timeout", 10) or 10)
        session = requests.Session()
        transport = Transport(session=session, timeout=timeout, operation_timeout=timeout)
        client = zeep.Client(wsdl, transport=transport)
        return client.service.checkVat(countryCode=country_code, vatNumber=number)

    def action_check_vat(self):
        """Check the lead's VAT number with VIES; failures are reported, the lead is kept."""
        import requests
        import zeep.exceptions

        self.ensure_one()
        country_code, number = dedupe.split_vat(self.vat, self.country_id.code or "")
        if not number or not country_code:
            raise UserError(
                self.env._("Enter a VAT number with its country prefix (e.g. DE123456789) first.")
            )
        now = fields.Datetime.now()
        try:
            result = self._vies_check(country_code, number)
        except requests.exceptions.Timeout:
            message = self.env._("The VIES VAT service did not answer in time; try again later.")
            state = "error"
        except (requests.exceptions.RequestException, zeep.exceptions.Error, OSError) as exc:
            message = self.env._(
                "The VIES VAT service failed: %(error)s", error=str(exc) or exc.__class__.__name__
            )
            state = "error"
        else:
            if result["valid"]:
                state = "valid"
                message = self.env._(
                    "VAT %(vat)s is valid: %(name)s",
                    vat=country_code + number,
                    name=(result["name"] or "").strip() or "-",
                )
            else:
                state = "invalid"
                message = self.env._("VAT %(vat)s is not valid according to VIES.", vat=country_code + number)
        self.write({"vat_check_state": state, "vat_check_date": now, "vat_check_message": message})
        self.message_post(body=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("VAT check"),
                "message": message,
                "type": {"valid": "success", "invalid": "warning"}.get(state, "danger"),
                "sticky": state == "error",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
