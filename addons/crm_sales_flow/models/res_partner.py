import json
import logging

from odoo import api, fields, models
from odoo.addons.crm_leads.models.cron_batch import run_batch
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib import customer_stage as stage_lib
from ..lib import rfm as rfm_lib
from ..lib import timeline as timeline_lib
from .crm_customer_stage_history import CUSTOMER_STAGES

BATCH_SIZE = 1000
# the deepest page of the 360° timeline (each page reads offset + limit events of every source)
MAX_TIMELINE_OFFSET = 10000
# key of cr.precommit.data: {reason: partner ids} of the customers to restage before the transaction ends
STAGE_PENDING_KEY = "crm_sales_flow.stage_pending"
# context value of the stage transitions (automation, override, release): an object, which no JSON-RPC
# caller can put in its context to pass the write guard
STAGE_TRANSITION = object()
_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- three-stage customer model -------------------------------------------------------------
    customer_stage = fields.Selection(
        CUSTOMER_STAGES, default="potential", required=True, index=True, copy=False, tracking=True
    )
    customer_stage_locked = fields.Boolean(
        "Stage Set Manually", copy=False, help="A manager fixed the stage: automation leaves it alone."
    )
    customer_stage_history_ids = fields.One2many(
        "crm.customer.stage.history",
        "partner_id",
        "Stage History",
        groups="crm_sales_flow.group_crm_sales_flow_user",
    )
    customer_dormant = fields.Boolean(
        "Dormant",
        copy=False,
        index=True,
        help="A signed customer who bought nothing for longer than their usual purchase interval.",
    )
    last_order_date = fields.Date(compute="_compute_purchase_rhythm")
    purchase_interval = fields.Float("Usual Purchase Interval (days)", compute="_compute_purchase_rhythm")
    # --- 三定 qualification labels ---------------------------------------------------------------
    customer_value = fields.Selection(
        [("valuable", "Valuable"), ("not_valuable", "Not valuable"), ("unsure", "Unsure")], "Value"
    )
    customer_deal_size = fields.Selection(
        [("large", "Large"), ("normal", "Normal"), ("small", "Small")], "Deal Size"
    )
    customer_close_window = fields.Selection(
        [("two_days", "Within two days"), ("this_week", "This week"), ("this_month", "This month")],
        "Expected Close",
    )
    # --- RFM ---------------------------------------------------------------------------------------
    rfm_recency = fields.Integer("Recency Score", aggregator="avg", copy=False)
    rfm_frequency = fields.Integer("Frequency Score", aggregator="avg", copy=False)
    rfm_monetary = fields.Integer("Monetary Score", aggregator="avg", copy=False)
    rfm_segment = fields.Selection(list(rfm_lib.SEGMENTS), "RFM Segment", index=True, copy=False)

    def _auto_init(self):
        res = super()._auto_init()
        # core code that does not know this column inserts partners too (Odoo's own tests running before
        # this module's Python is loaded): the database gives it its default, as the ORM does
        self.env.cr.execute(
            SQL("ALTER TABLE res_partner ALTER COLUMN customer_stage SET DEFAULT 'potential'")
        )
        return res

    # ------------------------------------------------------------------------------------------------
    # Customer stage
    # ------------------------------------------------------------------------------------------------
    def _get_purchase_dates(self, partner_ids):
        """``{commercial partner id: [order dates]}`` of confirmed orders, in one query."""
        self.env["sale.order"].flush_model(["state", "date_order", "partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT rp.commercial_partner_id, array_agg(DISTINCT so.date_order::date)
                     FROM sale_order so
                     JOIN res_partner rp ON rp.id = so.partner_id
                    WHERE so.state = 'sale' AND rp.commercial_partner_id = ANY(%s)
                 GROUP BY rp.commercial_partner_id""",
                list(partner_ids),
            )
        )
        return dict(rows)

    def _get_open_opportunity_partners(self, partner_ids):
        self.env["crm.lead"].flush_model(["active", "type", "stage_id", "probability", "partner_id"])
        self.env["crm.stage"].flush_model(["is_won"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT rp.commercial_partner_id
                     FROM crm_lead l
                     JOIN res_partner rp ON rp.id = l.partner_id
                LEFT JOIN crm_stage s ON s.id = l.stage_id
                    WHERE l.active AND l.type = 'opportunity' AND NOT COALESCE(s.is_won, FALSE)
                      AND COALESCE(l.probability, 0) < 100 AND rp.commercial_partner_id = ANY(%s)""",
                list(partner_ids),
            )
        )
        return {r[0] for r in rows}

    def _get_default_purchase_interval(self):
        return float(
            self.env["ir.config_parameter"].sudo().get_param("crm_sales_flow.default_purchase_interval", 90)
        )

    @api.depends("customer_stage")
    def _compute_purchase_rhythm(self):
        dates = self._get_purchase_dates(self.commercial_partner_id.ids) if self.ids else {}
        for partner in self:
            days = sorted(dates.get(partner.commercial_partner_id.id) or [])
            partner.last_order_date = days[-1] if days else False
            partner.purchase_interval = stage_lib.usual_interval(days) or 0.0

    def _prepare_stage_history_vals(self, old_stage, new_stage, reason, origin="automation"):
        self.ensure_one()
        return {
            "partner_id": self.id,
            "old_stage": old_stage,
            "new_stage": new_stage,
            "reason": reason,
            "origin": origin,
            "user_id": self.env.user.id,
        }

    def _action_recompute_customer_stage(self, reason=None, allow_demote=False):
        """Recompute stage and dormancy of the commercial partners of ``self`` from facts, in batch.

        Automation only moves a stage forward (:func:`lib.customer_stage.automatic_stage`); only an
        explicit transition (``allow_demote``: a manager releasing a manual stage) may take it back to
        what the facts give."""
        partners = self.sudo().commercial_partner_id
        if not partners:
            return
        ids = partners.ids
        open_opp = self._get_open_opportunity_partners(ids)
        dates = self._get_purchase_dates(ids)
        today = fields.Date.context_today(self)
        default_interval = self._get_default_purchase_interval()
        to_stage = {}
        dormant = {True: [], False: []}
        history = []
        for partner in partners:
            days = dates.get(partner.id) or []
            if allow_demote:
                new = stage_lib.stage_from_facts(partner.id in open_opp, bool(days))
            else:
                new = stage_lib.automatic_stage(partner.customer_stage, partner.id in open_opp, bool(days))
            if not partner.customer_stage_locked and new != partner.customer_stage:
                to_stage.setdefault(new, []).append(partner.id)
                history.append(
                    partner._prepare_stage_history_vals(
                        partner.customer_stage,
                        new,
                        reason or self.env._("Recomputed from opportunities and orders"),
                    )
                )
            stage = partner.customer_stage if partner.customer_stage_locked else new
            is_dormant = stage == "signed" and stage_lib.is_dormant(days, today, default_interval)
            if is_dormant != partner.customer_dormant:
                dormant[is_dormant].append(partner.id)
        ctx_partners = partners.with_context(crm_sales_flow_stage_transition=STAGE_TRANSITION)
        for stage, stage_ids in to_stage.items():
            ctx_partners.browse(stage_ids).write({"customer_stage": stage})
        for flag, flag_ids in dormant.items():
            if flag_ids:
                ctx_partners.browse(flag_ids).write({"customer_dormant": flag})
        if history:
            self.env["crm.customer.stage.history"].sudo().create(history)

    def _customer_stage_recompute_later(self, reason):
        """Recompute the stage of these customers before the transaction ends (after an opportunity
        changed): never in the middle of Odoo's own lead flows (merge, convert, partner sync), and once
        for all the opportunities a transaction touches."""
        if not self.ids:
            return
        data = self.env.cr.precommit.data
        if STAGE_PENDING_KEY not in data:
            data[STAGE_PENDING_KEY] = {}
            self.env.cr.precommit.add(self.env["res.partner"]._customer_stage_flush_pending)
        data[STAGE_PENDING_KEY].setdefault(reason, set()).update(self.ids)

    @api.model
    def _customer_stage_flush_pending(self):
        """Recompute the stages deferred by :meth:`_customer_stage_recompute_later`."""
        pending = self.env.cr.precommit.data.pop(STAGE_PENDING_KEY, None) or {}
        for reason, partner_ids in pending.items():
            self.browse(partner_ids).exists()._action_recompute_customer_stage(reason)
        if pending:
            self.env.flush_all()  # the precommit hooks run after the last flush of the transaction

    # --- guards: the stage moves by automation or by the manager's override, no other door ----------
    @api.model
    def _get_customer_stage_guarded_fields(self):
        return ("customer_stage", "customer_stage_locked")

    def _check_customer_stage_door(self, vals_list):
        """Refuse a stage set by a plain create/write (form, JSON-RPC, import, mass edit): the stage is
        moved by automation and by :meth:`action_override_customer_stage` only. A value equal to the
        current one (or to the default on create) is no change: partner merges and imports of all
        columns write it back."""
        if self.env.su or self.env.context.get("crm_sales_flow_stage_transition") is STAGE_TRANSITION:
            return
        for vals in vals_list:
            changed = [
                fname
                for fname in self._get_customer_stage_guarded_fields()
                if fname in vals
                and (
                    any(partner[fname] != vals[fname] for partner in self)
                    if self
                    else vals[fname] != {"customer_stage": "potential"}.get(fname, False)
                )
            ]
            if changed:
                raise AccessError(
                    self.env._(
                        "The customer stage is set by its opportunities and orders; a Sales Flow manager "
                        "may override it with the Change Stage action, giving a reason. It cannot be "
                        "written directly (fields: %(fields)s).",
                        fields=", ".join(self._fields[f].string for f in changed),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._check_customer_stage_door(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_customer_stage_door([vals])
        return super().write(vals)

    # --- manual override: an explicit transition with a reason, logged -----------------------------
    def _check_customer_stage_manager(self):
        if not self.env.su and not self.env.user.has_group("crm_sales_flow.group_crm_sales_flow_manager"):
            raise AccessError(self.env._("Only Sales Flow managers may change a customer's stage by hand."))

    def action_open_customer_stage_override(self):
        """Open the wizard of the manual stage change (reason required)."""
        self._check_customer_stage_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Customer Stage"),
            "res_model": "crm.customer.stage.override",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_ids": self.commercial_partner_id.ids,
                "default_new_stage": self[:1].commercial_partner_id.customer_stage,
            },
        }

    def action_override_customer_stage(self, stage, reason):
        """Manual change of the stage of these customers: managers only, a reason is required; locks the
        stage (automation leaves it alone until released) and logs it in the history and the chatter."""
        self._check_customer_stage_manager()
        if stage not in dict(self._fields["customer_stage"].selection):
            raise UserError(self.env._("Unknown customer stage %(stage)s.", stage=stage))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason of the manual stage change."))
        partners = self.commercial_partner_id
        history = [
            p._prepare_stage_history_vals(p.customer_stage, stage, reason, origin="manual")
            for p in partners
            if p.customer_stage != stage
        ]
        partners.with_context(crm_sales_flow_stage_transition=STAGE_TRANSITION).write(
            {"customer_stage": stage, "customer_stage_locked": True}
        )
        if history:
            self.env["crm.customer.stage.history"].sudo().create(history)
        label = dict(self._fields["customer_stage"]._description_selection(self.env))[stage]
        for partner in partners:
            partner.sudo().message_post(
                body=self.env._(
                    "Customer stage set by hand to %(stage)s: %(reason)s", stage=label, reason=reason
                ),
                author_id=self.env.user.partner_id.id,
            )
        return True

    def action_release_customer_stage(self):
        """Give the stage back to automation and recompute it now from the facts (an explicit manager
        transition: it may take the stage back)."""
        if not self.env.user.has_group("crm_sales_flow.group_crm_sales_flow_manager"):
            raise AccessError(self.env._("Only Sales Flow managers may release a manual customer stage."))
        self.with_context(crm_sales_flow_stage_transition=STAGE_TRANSITION).write(
            {"customer_stage_locked": False}
        )
        self._action_recompute_customer_stage(self.env._("Manual override released"), allow_demote=True)

    @api.model
    def _cron_recompute_customer_stage(self):
        """Recompute all customers in batches of BATCH_SIZE, committing between batches.

        The last processed id is kept in a system parameter so a crashed run resumes where it stopped.
        """
        params = self.env["ir.config_parameter"].sudo()
        key = "crm_sales_flow.stage_cron_last_id"
        last_id = int(params.get_param(key, 0))
        self.env["res.partner"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM res_partner
                    WHERE id = commercial_partner_id AND id > %s
                      AND (customer_stage != 'potential' OR customer_dormant
                           OR id IN (SELECT rp.commercial_partner_id FROM crm_lead l
                                     JOIN res_partner rp ON rp.id = l.partner_id)
                           OR id IN (SELECT rp.commercial_partner_id FROM sale_order s
                                     JOIN res_partner rp ON rp.id = s.partner_id))
                 ORDER BY id""",
                last_id,
            )
        )
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), BATCH_SIZE):
            run_batch(self.env, self._customer_stage_cron_batch, ids[start : start + BATCH_SIZE], key)
        params.set_param(key, 0)

    @api.model
    def _customer_stage_cron_batch(self, partner_ids, key):
        """One committed batch of the customer-stage job: restage, then remember the last id done."""
        self.browse(partner_ids)._action_recompute_customer_stage(self.env._("Scheduled recomputation"))
        self.env["ir.config_parameter"].sudo().set_param(key, partner_ids[-1])

    # ------------------------------------------------------------------------------------------------
    # RFM
    # ------------------------------------------------------------------------------------------------
    def _get_rfm_stats(self, partner_ids=None):
        """``{commercial partner id: (last purchase date, purchase count, net amount, [purchase dates])}``
        from posted invoices, or from confirmed orders when the RFM basis setting says so."""
        basis = self.env["ir.config_parameter"].sudo().get_param("crm_sales_flow.rfm_basis", "invoices")
        if basis == "orders":
            return self._get_rfm_order_stats(partner_ids)
        return self._get_rfm_invoice_stats(partner_ids)

    def _get_rfm_order_stats(self, partner_ids=None):
        """RFM facts from confirmed sale orders, amounts in the company currency, in one query."""
        self.env["sale.order"].flush_model(
            ["state", "date_order", "partner_id", "amount_untaxed", "currency_rate"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        where = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("rp.commercial_partner_id = ANY(%s)", list(partner_ids))
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT rp.commercial_partner_id, MAX(so.date_order)::date, COUNT(*),
                          SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)),
                          array_agg(DISTINCT so.date_order::date)
                     FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                    WHERE so.state = 'sale' AND %s
                 GROUP BY rp.commercial_partner_id""",
                where,
            )
        )
        return {r[0]: (r[1], r[2], r[3] or 0.0, r[4] or []) for r in rows}

    def _get_rfm_invoice_stats(self, partner_ids=None):
        """RFM facts from posted customer invoices and refunds (refunds negative), in one query."""
        self.env["account.move"].flush_model()
        where = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("am.commercial_partner_id = ANY(%s)", list(partner_ids))
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT am.commercial_partner_id,
                          MAX(am.invoice_date) FILTER (WHERE am.move_type = 'out_invoice'),
                          COUNT(*) FILTER (WHERE am.move_type = 'out_invoice'),
                          SUM(am.amount_total_signed),
                          array_agg(DISTINCT am.invoice_date) FILTER (WHERE am.move_type = 'out_invoice')
                     FROM account_move am
                    WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                      AND am.invoice_date IS NOT NULL AND %s
                 GROUP BY am.commercial_partner_id""",
                where,
            )
        )
        return {r[0]: (r[1], r[2], r[3] or 0.0, r[4] or []) for r in rows if r[1]}

    @api.model
    def _get_rfm_thresholds(self):
        """Fixed RFM cut points from the ``crm_sales_flow.rfm_thresholds`` system parameter (JSON, e.g.
        ``{"recency": [30, 60, 90, 180], "frequency": [1, 2, 4, 8], "monetary": [100, 500, 1000, 5000]}``);
        the dimensions not given are scored by quintiles of the customers."""
        raw = self.env["ir.config_parameter"].sudo().get_param("crm_sales_flow.rfm_thresholds")
        if not raw:
            return None
        try:
            thresholds = json.loads(raw)
        except ValueError:
            _logger.warning("crm_sales_flow.rfm_thresholds is not valid JSON: quintiles are used")
            return None
        return {
            k: sorted(v) for k, v in thresholds.items() if k in ("recency", "frequency", "monetary") and v
        }

    @api.model
    def _action_compute_rfm(self, partner_ids=None):
        """Score all invoiced customers (or ``partner_ids``); write scores grouped by identical values."""
        stats = self._get_rfm_stats(partner_ids)
        today = fields.Date.context_today(self)
        scores = rfm_lib.score_customers(
            {k: v[:3] for k, v in stats.items()}, today, self._get_rfm_thresholds()
        )
        groups = {}
        for pid, score in scores.items():
            groups.setdefault((score["r"], score["f"], score["m"], score["segment"]), []).append(pid)
        partners = self.sudo()
        for (r, f, m, seg), ids in groups.items():
            partners.browse(ids).write(
                {"rfm_recency": r, "rfm_frequency": f, "rfm_monetary": m, "rfm_segment": seg}
            )
        return stats

    def _get_churn_activity_type(self):
        return self.env.ref("crm_sales_flow.mail_activity_type_churn_warning", raise_if_not_found=False)

    @api.model
    def _action_churn_warnings(self, stats):
        """One churn-warning activity per customer late on its expected purchase interval (no duplicate)."""
        activity_type = self._get_churn_activity_type()
        if not activity_type:
            return self.env["mail.activity"]
        today = fields.Date.context_today(self)
        default_interval = self._get_default_purchase_interval()
        factor = float(self.env["ir.config_parameter"].sudo().get_param("crm_sales_flow.churn_factor", 1.5))
        late = {}
        for pid, (last, _count, _money, dates) in stats.items():
            interval = stage_lib.usual_interval(dates, default_interval)
            days = stage_lib.overdue_days(last, interval * factor if interval else None, today)
            if days > 0:
                late[pid] = (last, interval, days)
        if not late:
            return self.env["mail.activity"]
        existing = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", list(late)),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for partner in self.sudo().browse(sorted(set(late) - set(existing.mapped("res_id")))):
            last, interval, days = late[partner.id]
            owner = partner.user_id or self.env.ref("base.user_admin")
            env = self.with_context(lang=owner.lang).env  # the owner's language: the job runs in none
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": env._("Churn risk: no purchase for %(days)s days", days=(today - last).days),
                    "note": env._(
                        "Last invoice on %(last)s; the customer usually buys every %(interval)s days.",
                        last=last,
                        interval=round(interval),
                    ),
                    "user_id": owner.id,
                    "date_deadline": today,
                }
            )
        return self.env["mail.activity"].sudo().create(vals_list)

    @api.model
    def _cron_compute_rfm(self):
        run_batch(self.env, self._rfm_cron_batch)

    @api.model
    def _rfm_cron_batch(self):
        stats = self._action_compute_rfm()
        self._action_churn_warnings(stats)

    # ------------------------------------------------------------------------------------------------
    # 360° timeline
    # ------------------------------------------------------------------------------------------------
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
        To add a source, prefer extending :meth:`_timeline_sources`: a source is skipped for a user who
        may not read its model, and record rules apply to what it reads.
        """
        events = []
        if not partner_ids:
            return events
        partner_domain = [("partner_id", "child_of", list(partner_ids))]
        for model, collect in self._timeline_sources():
            if self.env[model].has_access("read"):
                events += collect(partner_ids, partner_domain, limit)
        return events

    @api.model
    def _timeline_sources(self):
        """Sources of the timeline: ``(model the user must be able to read, collector)`` pairs.

        A collector is called as ``collect(partner_ids, partner_domain, limit)`` and returns the newest
        ``limit`` events (dicts, see :meth:`_timeline_collect`) of the partners in one query.
        """
        return [
            ("crm.lead", self._timeline_collect_leads),
            ("mail.activity", self._timeline_collect_activities),
            ("mail.message", self._timeline_collect_done_activities),
            ("sale.order", self._timeline_collect_orders),
            ("account.move", self._timeline_collect_invoices),
            # a payment's date and amount are shown to whoever sees the customer (salespeople included)
            ("res.partner", self._timeline_collect_payments),
        ]

    @api.model
    def _timeline_state_label(self, model, fname, value):
        """The translated label of a selection value of a source (never a raw code)."""
        if not value:
            return value
        selection = self.env[model]._fields[fname]._description_selection(self.env)
        return dict(selection).get(value, value)

    @api.model
    def _timeline_partner_query(self, partner_ids):
        """Query of the partners and all their contacts, for sources that read with SQL."""
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search([("id", "child_of", list(partner_ids))])
        )

    def _timeline_read(self, model, domain, fields_list, order, limit):
        """Read one source; :meth:`_timeline_collect` already skipped sources the user may not read."""
        return self.env[model].search_read(domain, fields_list, order=order, limit=limit)

    def _timeline_activity_targets(self, partner_ids, partner_domain):
        """Partners (with their contacts) and the leads the user may read, whose activities are shown."""
        partners = self.env["res.partner"].search([("id", "child_of", list(partner_ids))])
        Lead = self.env["crm.lead"].with_context(active_test=False)
        leads = Lead.search(partner_domain) if partners and Lead.has_access("read") else Lead
        return partners, leads

    @staticmethod
    def _m2o_id(value):
        return value[0] if value else None

    @api.model
    def _timeline_collect_leads(self, partner_ids, partner_domain, limit):
        rows = self._timeline_read(
            "crm.lead",
            partner_domain + [("active", "in", [True, False])],
            ["create_date", "name", "expected_revenue", "company_currency", "stage_id", "user_id", "type"],
            "create_date desc, id desc",
            limit,
        )
        return [
            {
                "date": r["create_date"],
                "kind": "lead",
                "model": "crm.lead",
                "res_id": r["id"],
                "name": r["name"],
                "amount": r["expected_revenue"],
                "currency_id": self._m2o_id(r["company_currency"]),
                "state": r["stage_id"][1]
                if r["stage_id"]
                else self._timeline_state_label("crm.lead", "type", r["type"]),
                "user_id": self._m2o_id(r["user_id"]),
            }
            for r in rows
        ]

    @api.model
    def _timeline_collect_activities(self, partner_ids, partner_domain, limit):
        partners, leads = self._timeline_activity_targets(partner_ids, partner_domain)
        domain = [
            "|",
            "&",
            ("res_model", "=", "res.partner"),
            ("res_id", "in", partners.ids),
            "&",
            ("res_model", "=", "crm.lead"),
            ("res_id", "in", leads.ids),
        ]
        rows = self._timeline_read(
            "mail.activity",
            domain,
            ["date_deadline", "summary", "activity_type_id", "res_model", "res_id", "user_id", "state"],
            "date_deadline desc, id desc",
            limit,
        )
        return [
            {
                "date": r["date_deadline"],
                "kind": "activity",
                "model": r["res_model"],
                "res_id": r["res_id"],
                "name": r["summary"] or (r["activity_type_id"][1] if r["activity_type_id"] else ""),
                "amount": None,
                "currency_id": None,
                "state": self._timeline_state_label("mail.activity", "state", r["state"]),
                "user_id": self._m2o_id(r["user_id"]),
            }
            for r in rows
        ]

    @api.model
    def _timeline_collect_done_activities(self, partner_ids, partner_domain, limit):
        """Activities marked done: their message on the partner or its leads."""
        partners, leads = self._timeline_activity_targets(partner_ids, partner_domain)
        domain = [
            ("mail_activity_type_id", "!=", False),
            "|",
            "&",
            ("model", "=", "res.partner"),
            ("res_id", "in", partners.ids),
            "&",
            ("model", "=", "crm.lead"),
            ("res_id", "in", leads.ids),
        ]
        rows = self._timeline_read(
            "mail.message",
            domain,
            ["date", "subject", "mail_activity_type_id", "model", "res_id", "author_id"],
            "date desc, id desc",
            limit,
        )
        return [
            {
                "date": r["date"],
                "kind": "activity",
                "model": r["model"],
                "res_id": r["res_id"],
                "name": r["subject"] or (r["mail_activity_type_id"][1] if r["mail_activity_type_id"] else ""),
                "amount": None,
                "currency_id": None,
                "state": self.env._("Done"),
                "user_id": None,
            }
            for r in rows
        ]

    @api.model
    def _timeline_collect_orders(self, partner_ids, partner_domain, limit):
        rows = self._timeline_read(
            "sale.order",
            partner_domain,
            ["date_order", "name", "amount_total", "currency_id", "state", "user_id"],
            "date_order desc, id desc",
            limit,
        )
        return [
            {
                "date": r["date_order"],
                "kind": "order" if r["state"] == "sale" else "quotation",
                "model": "sale.order",
                "res_id": r["id"],
                "name": r["name"],
                "amount": r["amount_total"],
                "currency_id": self._m2o_id(r["currency_id"]),
                "state": self._timeline_state_label("sale.order", "state", r["state"]),
                "user_id": self._m2o_id(r["user_id"]),
            }
            for r in rows
        ]

    @api.model
    def _timeline_collect_invoices(self, partner_ids, partner_domain, limit):
        rows = self._timeline_read(
            "account.move",
            partner_domain + [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")],
            [
                "invoice_date",
                "name",
                "amount_total_signed",
                "currency_id",
                "payment_state",
                "invoice_user_id",
            ],
            "invoice_date desc, id desc",
            limit,
        )
        return [
            {
                "date": r["invoice_date"],
                "kind": "invoice",
                "model": "account.move",
                "res_id": r["id"],
                "name": r["name"],
                "amount": r["amount_total_signed"],
                "currency_id": self._m2o_id(r["currency_id"]),
                "state": self._timeline_state_label("account.move", "payment_state", r["payment_state"]),
                "user_id": self._m2o_id(r["invoice_user_id"]),
            }
            for r in rows
        ]

    @api.model
    def _timeline_collect_payments(self, partner_ids, partner_domain, limit):
        """Customer payments: date, number and amount, read as superuser for whoever sees the customer
        (partner_domain only holds the partners the user may read), in the user's companies."""
        domain = partner_domain + [
            ("partner_type", "=", "customer"),
            ("state", "not in", ("draft", "canceled")),
            ("company_id", "in", self.env.companies.ids),
        ]
        fnames = ["date", "name", "amount_signed", "currency_id", "state", "create_uid"]
        rows = (
            self.env["account.payment"]
            .sudo()
            .search_read(domain, fnames, order="date desc, id desc", limit=limit)
        )
        return [
            {
                "date": r["date"],
                "kind": "payment",
                "model": "account.payment",
                "res_id": r["id"],
                "name": r["name"],
                "amount": r["amount_signed"],
                "currency_id": self._m2o_id(r["currency_id"]),
                "state": self._timeline_state_label("account.payment", "state", r["state"]),
                "user_id": self._m2o_id(r["create_uid"]),
            }
            for r in rows
        ]

    def get_timeline(self, offset=0, limit=20):
        """One page of the partner's 360° timeline, newest first: ``{"events": [...], "has_more": bool}``."""
        self.ensure_one()
        offset = min(max(int(offset), 0), MAX_TIMELINE_OFFSET)
        limit = max(min(int(limit), 200), 1)
        events = self._timeline_collect([self.commercial_partner_id.id], offset + limit + 1)
        page, has_more = timeline_lib.merge_page(events, offset, limit)
        return {"events": page, "has_more": has_more, "offset": offset, "limit": limit}

    def action_open_timeline(self):
        self.ensure_one()
        wizard = self.env["crm.partner.timeline"].create({"partner_id": self.id})
        wizard._action_load_page()
        return wizard._get_action()

    def action_open_stage_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stage History"),
            "res_model": "crm.customer.stage.history",
            "view_mode": "list",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }
