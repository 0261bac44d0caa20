import logging
import math

import psycopg2.errors
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, Query, mute_logger

from ..lib import dedupe, scoring, vies
from .crm_lead_score import GRADES
from .crm_pool_mixin import PoolMixin
from .cron_batch import may_commit

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
# One statement per batch; it only reads crm_lead (no row locks) and writes the narrow score rows:
# 250k leads take about a second (0.4 s for 80k on the 2-core dev machine).
SCORE_BATCH_SIZE = 250000
SCORE_BATCH_WORK_MEM = "64MB"
# crm.lead field -> column of crm_lead_score
SCORE_COLUMNS = {"lead_score": "score", "lead_grade": "grade", "lead_score_date": "scored_on"}
# key of cr.precommit.data: ids of the leads to score before the transaction ends
SCORE_PENDING_KEY = "crm_leads.score_pending"
# the facts the scoring statement reads from the database
SCORE_FACT_FIELDS = [
    "country_id",
    "industry_id",
    "employee_count",
    "source_id",
    "email_from",
    "phone",
    "tag_ids",
]
VIES_DEFAULT_WSDL = "https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl"


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
    pool_can_manage = fields.Boolean("Manages the pool", compute="_compute_pool_can_manage")

    industry_id = fields.Many2one("res.partner.industry")
    employee_count = fields.Integer("Employees")
    vat = fields.Char("Tax ID")
    # The score lives in crm.lead.score (same id, narrow rows): read, searched, sorted and grouped
    # through _field_to_sql. The breakdown is explained on display by the same rules.
    lead_score = fields.Integer(
        "Score", compute="_compute_lead_score", search="_search_lead_score", aggregator="avg"
    )
    lead_grade = fields.Selection(
        GRADES, string="Grade", compute="_compute_lead_score", search="_search_lead_grade"
    )
    lead_score_date = fields.Datetime(
        "Score updated on", compute="_compute_lead_score", search="_search_lead_score_date"
    )
    lead_score_breakdown = fields.Json("Score breakdown", compute="_compute_lead_score_breakdown")
    lead_score_pending = fields.Boolean(
        "Rescoring pending",
        compute="_compute_lead_score_breakdown",
        help="The scoring rules or settings changed: the breakdown shows the new rules, the stored score "
        "is updated by the scheduled scoring job.",
    )
    lead_score_preview = fields.Integer("Score by the new rules", compute="_compute_lead_score_breakdown")
    lead_score_html = fields.Html("Why this score", compute="_compute_lead_score_html", sanitize=False)
    score_event_ids = fields.One2many(
        "crm.lead.score.event", "lead_id", string="Engagement events", groups="crm_leads.group_crm_leads_user"
    )
    intake_source_id = fields.Many2one("crm.lead.intake.source", string="Web intake source", readonly=True)
    dedupe_phone = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")
    dedupe_mobile = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")
    dedupe_vat = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")
    dedupe_warning = fields.Char("Possible duplicates", compute="_compute_dedupe_warning")
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
    @api.depends("phone", "mobile", "vat")
    def _compute_dedupe_keys(self):
        for lead in self:
            lead.dedupe_phone = dedupe.normalize_phone(lead.phone) or False
            lead.dedupe_mobile = dedupe.normalize_phone(lead.mobile) or False
            lead.dedupe_vat = dedupe.normalize_vat(lead.vat) or False

    @api.model
    def _get_dedupe_domain(self, keys, phone_fields=("dedupe_phone", "dedupe_mobile")):
        """Domain of the records sharing one of the normalized ``keys`` (email, phone or mobile, vat): a
        phone key matches any of ``phone_fields``."""
        parts = []
        if keys.get("email"):
            parts.append([("email_normalized", "=", keys["email"])])
        for number in {keys.get("phone"), keys.get("mobile")} - {None, ""}:
            parts += [[(fname, "=", number)] for fname in phone_fields]
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
        return dedupe.dedupe_keys(self.email_from, self.phone, self.vat, self.mobile)

    def _dedupe_find(self, limit=None):
        """Other active leads sharing the email, phone, mobile or VAT of this one, oldest first."""
        self.ensure_one()
        domain = self._get_dedupe_domain(self._dedupe_keys()) + [("id", "!=", self.id)]
        return self.search(domain, order="id", limit=limit)

    def _compute_dedupe_warning(self):
        """Who holds the records sharing this lead's email, phone or VAT, told even when the user may not
        read them (their owners' names only, nothing of their content)."""
        for lead in self:
            others = lead._origin and lead._origin.sudo()._dedupe_find(limit=10)
            others = others.filtered(
                lambda o, lead=lead: o.company_id in (lead.company_id, o.company_id.browse())
            )
            if not others:
                lead.dedupe_warning = False
                continue
            owners = sorted(
                {o.user_id.name or self.env._("nobody (in a pool or unassigned)") for o in others}
            )
            lead.dedupe_warning = self.env._(
                "%(count)s other record(s) share this email, phone or tax ID, held by %(owners)s.",
                count=len(others),
                owners=", ".join(owners),
            )

    def _dedupe_merge_default_filter(self, candidate):
        """Duplicates proposed for a merge: open, and held by the same owner (or nobody)."""
        return (
            candidate.active
            and not candidate.stage_id.is_won
            and candidate.user_id in (self.user_id, self.env.user, candidate.user_id.browse())
        )

    def action_dedupe_merge(self):
        """Link the matching customer, then preview the merge of the lead's duplicates in Odoo's merge
        wizard: won, lost and other owners' records are left out, a manager may add them there."""
        self.ensure_one()
        self._dedupe_link_partner()
        candidates = self._dedupe_find().filtered(self._dedupe_merge_default_filter)
        if not candidates:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"message": self.env._("No duplicate to merge."), "type": "info"},
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge duplicates"),
            "res_model": "crm.merge.opportunity",
            "view_mode": "form",
            "target": "new",
            "context": self._prepare_dedupe_merge_context(self | candidates),
        }

    def _prepare_dedupe_merge_context(self, leads):
        return {
            "active_model": "crm.lead",
            "active_ids": leads.ids,
            "active_id": self.id,
            "default_user_id": self.user_id.id,
            "default_team_id": self.team_id.id,
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
        # the events follow the merged lead, whoever merges (the user may not read the others' events)
        opportunities.sudo().score_event_ids.write({"lead_id": self.id})
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
        if SCORE_TRIGGER_FIELDS.intersection(vals) or "automated_probability" in vals:
            self._lead_score_recompute()
        return res

    def _compute_probabilities(self):
        """A new ``automated_probability`` rescores the lead (deferred to the transaction's end, where an
        unchanged score is not rewritten; no settings read here, in the middle of Odoo's flows)."""
        res = super()._compute_probabilities()
        self.filtered("id")._lead_score_recompute()
        return res

    def _update_automated_probabilities(self):
        """Odoo's PLS cron rewrites the probabilities in SQL: with the blend on, every lead is rescored
        by the scoring cron."""
        res = super()._update_automated_probabilities()
        if self._lead_score_params()["blend"]:
            self._lead_score_mark_rules_changed()
        return res

    def unlink(self):
        ids = self.ids
        res = super().unlink()
        if ids:
            self.env.cr.execute(SQL("DELETE FROM crm_lead_score WHERE id = ANY(%s)", ids))
        return res

    def _compute_lead_score(self):
        self._lead_score_flush_pending()
        origin_ids = [lead._origin.id for lead in self if lead._origin.id]
        scores = {
            row.id: row
            for row in self.env["crm.lead.score"]
            .sudo()
            .search_fetch([("id", "in", origin_ids)], ["score", "grade", "scored_on"])
        }
        for lead in self:
            row = scores.get(lead._origin.id)
            lead.lead_score = row.score if row else 0
            lead.lead_grade = row.grade if row else False
            lead.lead_score_date = row.scored_on if row else False

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The score fields are columns of ``crm_lead_score``, joined on the lead's id."""
        column = SCORE_COLUMNS.get(fname)
        if not column:
            return super()._field_to_sql(alias, fname, query, flush)
        if flush:
            self._lead_score_flush_pending()
        if query is None:
            return SQL(
                "(SELECT s.%s FROM crm_lead_score s WHERE s.id = %s)",
                SQL.identifier(column),
                SQL.identifier(alias, "id"),
            )
        score_alias = query.make_alias(alias, "lead_score")
        query.add_join(
            "LEFT JOIN",
            score_alias,
            "crm_lead_score",
            SQL("%s = %s", SQL.identifier(score_alias, "id"), SQL.identifier(alias, "id")),
        )
        return SQL.identifier(score_alias, column)

    def _search_lead_score_field(self, fname, operator, value):
        """Domain of the leads whose score field matches, with Odoo's own semantics (NULL included)."""
        self._lead_score_flush_pending()
        query = Query(self.env, self._table, self._table_sql)
        query.add_where(self._condition_to_sql(self._table, fname, operator, value, query))
        return [("id", "in", query)]

    def _search_lead_score(self, operator, value):
        return self._search_lead_score_field("lead_score", operator, value)

    def _search_lead_grade(self, operator, value):
        return self._search_lead_score_field("lead_grade", operator, value)

    def _search_lead_score_date(self, operator, value):
        return self._search_lead_score_field("lead_score_date", operator, value)

    def _compute_lead_score_breakdown(self):
        """Which rules and events make the score, explained now by the Python form of the algorithm;
        pending when the rules changed since the scoring job last ran and give another score."""
        # deferred scores first: scoring them later, inside the loop, would invalidate what it assigns
        self._lead_score_flush_pending()
        ids = [lead._origin.id for lead in self if lead._origin.id]
        results = {}
        if ids:
            rules = self.env["crm.lead.score.rule"]._get_scoring_rules()
            params = self._lead_score_params()
            leads, events = self._lead_score_gather(ids, params)
            results = scoring.score_leads(
                leads,
                rules,
                events,
                fields.Datetime.now(),
                params["half_life_days"],
                params["blend"],
                params["grades"],
            )
        rules_pending = bool(results) and self._lead_score_rules_pending()
        for lead in self:
            result = results.get(lead._origin.id)
            lead.lead_score_breakdown = result[2] if result else []
            lead.lead_score_preview = result[0] if result else 0
            lead.lead_score_pending = bool(result) and rules_pending and result[0] != lead.lead_score

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
            head = "<thead><tr><th>%s</th><th>%s</th><th class='text-end'>%s</th></tr></thead>" % (
                escape(self.env._("Kind")),
                escape(self.env._("Rule or event")),
                escape(self.env._("Points")),
            )
            lead.lead_score_html = (
                "<table class='table table-sm o_crm_leads_breakdown'>%s<tbody>%s</tbody></table>"
                % (head, rows)
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
        return {
            "half_life_days": num("crm_leads.half_life_days", 30),
            "blend": max(0.0, min(100.0, num("crm_leads.pls_blend", 0))) / 100.0,
            "grades": grades,
        }

    def _lead_score_recompute(self):
        """Score these leads before the transaction ends, or sooner when a score is read or searched
        (incremental path: create, write, new engagement events).

        Deferred, so that a write of Odoo's own flows (merge, convert, partner sync) is never followed by
        a flush in its middle, and so that many writes of one transaction are scored in one statement."""
        if not self.ids:
            return
        data = self.env.cr.precommit.data
        if SCORE_PENDING_KEY not in data:
            data[SCORE_PENDING_KEY] = set()
            self.env.cr.precommit.add(self.env["crm.lead"].sudo()._lead_score_flush_pending)
        data[SCORE_PENDING_KEY].update(self.ids)
        self._lead_score_invalidate()  # the next read scores them first

    @api.model
    def _lead_score_flush_pending(self):
        """Score the leads whose scoring was deferred by :meth:`_lead_score_recompute`."""
        pending = self.env.cr.precommit.data.pop(SCORE_PENDING_KEY, None)
        if pending:
            self.env["crm.lead"].sudo()._lead_score_ids(pending)

    # --- engagement from Odoo's own activity -----------------------------------------------------
    @api.model
    def _get_engagement_points(self, kind):
        """Points of one engagement ``kind`` (``call``, ``meeting``, ``email``, ``email_in``): the setting
        ``crm_leads.engagement_points_<kind>`` (defaults in data/crm_leads_data.xml; no parameter means 0,
        as the settings store a 0 by deleting it), within the bounds of an event's points."""
        value = self.env["ir.config_parameter"].sudo().get_param(f"crm_leads.engagement_points_{kind}", 0)
        try:
            points = int(value or 0)
        except (TypeError, ValueError):
            points = 0
        return max(scoring.EVENT_POINTS_MIN, min(scoring.EVENT_POINTS_MAX, points))

    @api.model
    def _prepare_engagement_event_vals(self, lead_id, kind, name, points, date=None):
        labels = {
            "call": self.env._("Call done"),
            "meeting": self.env._("Meeting done"),
            "email": self.env._("Email done"),
            "email_in": self.env._("Email received"),
        }
        vals = {
            "lead_id": lead_id,
            "event_type": kind,
            "name": f"{labels[kind]}: {name}" if name else labels[kind],
            "points": points,
        }
        if date:
            vals["date"] = date
        return vals

    @api.model
    def _lead_score_add_engagement(self, items):
        """Engagement events of ``items`` ``(lead id, kind, name[, date])``; kinds of 0 points are
        skipped. Created as superuser: Odoo's activity counts on any lead."""
        vals_list = []
        existing = set(self.sudo().browse({item[0] for item in items}).exists().ids)
        for lead_id, kind, name, *date in items:
            points = self._get_engagement_points(kind)
            if points and lead_id in existing:
                vals_list.append(
                    self._prepare_engagement_event_vals(
                        lead_id, kind, name, points, date[0] if date else None
                    )
                )
        return self.env["crm.lead.score.event"].sudo().create(vals_list)

    def _message_post_after_hook(self, message, msg_vals):
        """An email received on the lead (from outside the company) is engagement."""
        res = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and not message.sudo().author_id.user_ids.filtered(
            lambda user: not user.share
        ):
            self._lead_score_add_engagement(
                [(lead.id, "email_in", message.subject or "", message.date) for lead in self]
            )
        return res

    @api.model
    def _lead_score_gather(self, lead_ids, params=None):
        """Facts of the leads and their events, in three queries: ``(leads, events_by_lead)``, the
        input of :func:`lib.scoring.score_leads` (the explanation of the scores)."""
        cr = self.env.cr
        self._lead_score_flush_facts(params or self._lead_score_params())
        cr.execute(
            SQL(
                """SELECT id, country_id, industry_id, employee_count, source_id, email_from, phone,
                          automated_probability
                     FROM crm_lead WHERE id = ANY(%s)""",
                list(lead_ids),
            )
        )
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
            for row in cr.fetchall()
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
        return leads, events

    @api.model
    def _lead_score_sql_columns(self):
        """SQL expressions of the facts the compiled rules read (aliases of :meth:`_lead_score_sql`)."""
        return {
            "country_id": "l.country_id",
            "industry_id": "l.industry_id",
            "source_id": "l.source_id",
            "employee_count": "l.employee_count",
            "email": "l.email_from",
            "phone": "l.phone",
            "id": "l.id",
            "tag_rel": "crm_tag_rel",
            "engagement": "ev.engagement",
            "automated_probability": "l.automated_probability",
        }

    @api.model
    def _lead_score_sql(self, id_filter, rules, params, now, lead_where=None, upsert=True):
        """One statement that scores in the database the leads whose id passes ``id_filter`` (a function
        of an SQL column, returning an SQL condition) and ``lead_where`` (a condition on the lead row
        ``l``, optional), writes the new and changed scores into ``crm_lead_score`` and returns the
        number of leads scored.

        The rules are compiled by :func:`lib.scoring.score_sql`, the same algorithm as the Python
        :func:`lib.scoring.score_lead` that explains the scores. With ``upsert`` the scores are written
        by ``INSERT .. ON CONFLICT`` (safe beside a concurrent scoring of the same new leads); without,
        the changed rows are updated and the missing ones inserted, which is twice as fast for a batch
        but raises a unique violation if another transaction inserted one of them meanwhile.
        """
        score_text, score_params = scoring.score_sql(rules, self._lead_score_sql_columns(), params["blend"])
        grade_text, grade_params = scoring.grade_sql("f.score", params["grades"])
        engagement_text, engagement_params = scoring.engagement_sql(
            "e.points", "e.date", now, params["half_life_days"]
        )
        lead_filter = id_filter(SQL("l.id"))
        if lead_where is not None:
            lead_filter = SQL("%s AND %s", lead_where, lead_filter)
        scores = SQL(
            """ev AS (SELECT e.lead_id, sum(%(engagement)s) AS engagement
                        FROM crm_lead_score_event e
                       WHERE %(event_filter)s
                       GROUP BY e.lead_id),
               f AS MATERIALIZED (
                    SELECT l.id, %(score)s AS score,
                           s.id AS old_id, s.score AS old_score, s.grade AS old_grade
                      FROM crm_lead l
                      LEFT JOIN ev ON ev.lead_id = l.id
                      LEFT JOIN crm_lead_score s ON s.id = l.id
                     WHERE %(lead_filter)s),
               -- only the new and the changed scores
               g AS MATERIALIZED (
                    SELECT x.id, x.score, x.grade, x.old_id
                      FROM (SELECT f.*, %(grade)s AS grade FROM f) x
                     WHERE x.old_id IS NULL
                        OR (x.old_score, x.old_grade) IS DISTINCT FROM (x.score, x.grade))""",
            event_filter=id_filter(SQL("e.lead_id")),
            engagement=SQL(engagement_text, *engagement_params),  # pylint: disable=sql-injection
            score=SQL(score_text, *score_params),  # pylint: disable=sql-injection
            lead_filter=lead_filter,
            grade=SQL(grade_text, *grade_params),  # pylint: disable=sql-injection
        )
        if upsert:
            return SQL(
                """WITH %(scores)s,
                        written AS (
                             INSERT INTO crm_lead_score AS s (id, score, grade, scored_on)
                             SELECT g.id, g.score, g.grade, %(now)s FROM g
                             ON CONFLICT (id) DO UPDATE
                                SET score = EXCLUDED.score, grade = EXCLUDED.grade,
                                    scored_on = EXCLUDED.scored_on
                              WHERE (s.score, s.grade) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.grade))
                   SELECT count(*) FROM f""",
                scores=scores,
                now=now,
            )
        return SQL(
            """WITH %(scores)s,
                    updated AS (
                         UPDATE crm_lead_score s
                            SET score = g.score, grade = g.grade, scored_on = %(now)s
                           FROM g
                          WHERE g.old_id IS NOT NULL AND s.id = g.old_id),
                    inserted AS (
                         INSERT INTO crm_lead_score (id, score, grade, scored_on)
                         SELECT g.id, g.score, g.grade, %(now)s FROM g WHERE g.old_id IS NULL)
               SELECT count(*) FROM f""",
            scores=scores,
            now=now,
        )

    @api.model
    def _lead_score_flush_facts(self, params):
        """Write to the database the facts the scoring statements read, and only those (a flush of every
        model would recompute unrelated fields in the middle of the caller's flow)."""
        fnames = SCORE_FACT_FIELDS + (["automated_probability"] if params["blend"] else [])
        self.env["crm.lead"].flush_model(fnames)
        self.env["crm.lead.score.event"].flush_model()

    def _lead_score_invalidate(self):
        self.env["crm.lead.score"].invalidate_model()
        self.env["crm.lead"].invalidate_model(
            [
                "lead_score",
                "lead_grade",
                "lead_score_date",
                "lead_score_breakdown",
                "lead_score_pending",
                "lead_score_preview",
            ]
        )

    @api.model
    def _lead_score_ids(self, lead_ids, rules=None, params=None):
        """Score the leads ``lead_ids`` now: one statement whatever their number. Returns how many."""
        if not lead_ids:
            return 0
        params = params or self._lead_score_params()
        self._lead_score_flush_facts(params)
        rules = self.env["crm.lead.score.rule"]._get_scoring_rules() if rules is None else rules
        ids = sorted(set(lead_ids))
        self.env.cr.execute(
            self._lead_score_sql(
                lambda column: SQL("%s = ANY(%s)", column, ids), rules, params, fields.Datetime.now()
            )
        )
        self._lead_score_invalidate()
        return self.env.cr.fetchone()[0]

    @api.model
    def _get_lead_score_cron_where(self, alias):
        """Condition on the ``crm_lead`` row ``alias`` of the leads the cron scores: every active lead
        (the unchanged scores are not rewritten)."""
        return SQL("%s", SQL.identifier(alias, "active"))

    @api.model
    def _lead_score_cron_batch(self, low, high, rules, params, now):
        """Score the leads of ids ``low < id <= high`` by the fast statement; if another transaction
        inserted one of their scores meanwhile, score them again by the upsert. Returns the number of
        leads scored."""

        def id_filter(column):
            return SQL("%s > %s AND %s <= %s", column, low, column, high)

        lead_where = self._get_lead_score_cron_where("l")
        # room for the hash of the tagged leads (else PostgreSQL tests the tags lead by lead) and for
        # the per-lead event sums of a whole batch (this transaction only)
        self.env.cr.execute(SQL("SET LOCAL work_mem = %s", SCORE_BATCH_WORK_MEM))
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    self._lead_score_sql(id_filter, rules, params, now, lead_where=lead_where, upsert=False)
                )
                return self.env.cr.fetchone()[0]
        except psycopg2.errors.UniqueViolation:
            self.env.cr.execute(self._lead_score_sql(id_filter, rules, params, now, lead_where=lead_where))
            return self.env.cr.fetchone()[0]

    @api.model
    def _cron_lead_score(self, batch_size=SCORE_BATCH_SIZE, limit_batches=0):
        """Score every active lead, in batches of at most ``batch_size`` consecutive ids, one statement each,
        committing between them; resumes after the last committed batch. A new pass starts by purging
        the scores of leads deleted in SQL. Returns the number of leads scored."""
        icp = self.env["ir.config_parameter"].sudo()
        last_id = int(icp.get_param("crm_leads.score_cron_last_id", 0) or 0)
        rules = self.env["crm.lead.score.rule"]._get_scoring_rules()
        params = self._lead_score_params()
        commit = may_commit(self.env)
        self.env.flush_all()
        if not last_id:
            # the rules of a new pass are those of now: remembered as applied when the pass is over
            icp.set_param("crm_leads.score_pass_rules", icp.get_param("crm_leads.score_rules_version", 0))
            # a new pass starts by forgetting the scores of leads deleted in SQL
            self.env.cr.execute(
                SQL(
                    """DELETE FROM crm_lead_score s
                        WHERE NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.id = s.id)"""
                )
            )
        self.env.cr.execute(SQL("SELECT max(id) FROM crm_lead"))
        max_id = self.env.cr.fetchone()[0] or 0
        # batches of at most batch_size ids, of even widths (no small batch left over at the end)
        span = max(max_id - last_id, 1)
        width = math.ceil(span / math.ceil(span / batch_size))
        done = batches = 0
        while last_id < max_id:
            high = last_id + width
            done += self._lead_score_cron_batch(last_id, high, rules, params, fields.Datetime.now())
            last_id = high
            batches += 1
            icp.set_param("crm_leads.score_cron_last_id", last_id)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if limit_batches and batches >= limit_batches and last_id < max_id:
                break
        else:
            # a full pass is over: start over next time
            icp.set_param("crm_leads.score_cron_last_id", 0)
            icp.set_param("crm_leads.score_rules_applied", icp.get_param("crm_leads.score_pass_rules", 0))
        self._lead_score_invalidate()
        _logger.info("crm_leads: scored %s leads in %s batches", done, batches)
        return done

    @api.model
    def _lead_score_mark_rules_changed(self):
        """Rules or scoring settings changed: the cron rescores every lead soon; until its next full
        pass is over, the leads whose score the new rules change show "rescoring pending"."""
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param(
            "crm_leads.score_rules_version", int(icp.get_param("crm_leads.score_rules_version", 0)) + 1
        )
        cron = self.env.ref("crm_leads.ir_cron_lead_score", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _lead_score_rules_pending(self):
        """Whether the rules changed after the start of the last full pass of the scoring job."""
        icp = self.env["ir.config_parameter"].sudo()
        version = int(icp.get_param("crm_leads.score_rules_version", 0) or 0)
        return version > int(icp.get_param("crm_leads.score_rules_applied", 0) or 0)

    def action_lead_score_recompute(self):
        """Rescore now and tell the user the result (the form reloads with it)."""
        self.env["crm.lead"]._lead_score_ids(self.ids)
        message = (
            self.env._(
                "Score recomputed: %(score)s (grade %(grade)s).", score=self.lead_score, grade=self.lead_grade
            )
            if len(self) == 1
            else self.env._("%(count)s leads rescored.", count=len(self))
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Pool facts
    # ------------------------------------------------------------------
    def _pool_get_recycle_facts(self):
        if not self:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT l.id, COALESCE(l.pool_claim_date, l.create_date), l.pool_last_followup,
                          l.type = 'opportunity', COALESCE(s.is_won, FALSE), l.pool_locked
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
        # a lead stays in the company of its pool, whatever the company of the one who claims it
        for pool, leads in self.grouped("pool_id").items():
            company = pool.sudo().company_id
            if company:
                leads.filtered(lambda lead, c=company: lead.company_id != c).sudo().company_id = company
        return res

    def _pool_check_release(self):
        res = super()._pool_check_release()
        won = self.filtered(lambda lead: lead.stage_id.is_won)
        if won:
            raise UserError(
                self.env._("%(lead)s is won: it stays with its salesperson.", lead=won[0].display_name)
            )
        return res

    # ------------------------------------------------------------------
    # VIES VAT check
    # ------------------------------------------------------------------
    def _vies_check(self, country_code, number):
        """Call VIES checkVat (cached zeep client, one bounded total time); returns the zeep result.
        Raises :class:`lib.vies.ViesTimeout` past the time allowed, or the failure met."""
        icp = self.env["ir.config_parameter"].sudo()
        wsdl = icp.get_param("crm_leads.vies_wsdl_url") or VIES_DEFAULT_WSDL
        timeout = float(icp.get_param("crm_leads.vies_timeout", 10) or 10)
        return vies.check_vat(wsdl, country_code, number, timeout)

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
        except (vies.ViesTimeout, requests.exceptions.Timeout):
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
        # the result is kept whoever checks: a user without email address may not post as himself
        lead = self.sudo()
        lead.write({"vat_check_state": state, "vat_check_date": now, "vat_check_message": message})
        lead.message_post(body=message, author_id=self.env.user.partner_id.id)
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
