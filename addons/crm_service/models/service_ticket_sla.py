# The SLA of service tickets (deadlines, pauses, breaches, success), apart from their returns and billing.
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import sla

# set by the SLA policy; a service manager may move them by hand (tracked)
SLA_MANAGER_FIELDS = ("sla_start_date", "sla_response_deadline", "sla_resolution_deadline")
# set by the escalation job: a service manager may reset them, an agent may not hide an escalation
SLA_ESCALATION_FIELDS = ("sla_escalated", "sla_escalation_user_ids")
# set by the closing transition only (a closing stage, _action_mark_closed), never by hand
SLA_TRANSITION_FIELDS = ("close_date",)
SLA_POLICY_TRIGGERS = {"team_id", "ticket_type_id", "priority", "sla_start_date"}
SLA_BREACH_TRIGGERS = {"sla_response_deadline", "sla_resolution_deadline", "close_date"}
# facts of the ticket's history: computed, never written
SLA_COMPUTED_FIELDS = (
    "first_response_date",
    "sla_response_breached",
    "sla_resolution_breached",
    "sla_breached",
    "response_hours_worked",
    "resolution_hours_worked",
    "sla_success",
)


class ServiceTicketSla(models.Model):
    _inherit = "service.ticket"

    sla_policy_id = fields.Many2one("service.sla.policy", string="SLA Policy", readonly=True, copy=False)
    sla_start_date = fields.Datetime(
        string="SLA Start",
        default=fields.Datetime.now,
        copy=False,
        tracking=True,
        help="The SLA clocks start here. Only service managers may change it.",
    )
    sla_response_deadline = fields.Datetime(string="First Response Deadline", copy=False, tracking=True)
    sla_resolution_deadline = fields.Datetime(string="Resolution Deadline", copy=False, tracking=True)
    sla_pause_ids = fields.One2many(
        "service.ticket.sla.pause", "ticket_id", string="SLA Pauses", readonly=True, copy=False
    )
    sla_paused = fields.Boolean(string="SLA Paused", compute="_compute_sla_paused")
    first_response_date = fields.Datetime(
        compute="_compute_first_response_date",
        store=True,
        copy=False,
        help="The first reply of an internal user to the customer (not a note).",
    )
    close_date = fields.Datetime(readonly=True, copy=False)
    sla_response_breached = fields.Boolean(
        string="Response SLA Breached", compute="_compute_sla_breach", store=True, copy=False
    )
    sla_resolution_breached = fields.Boolean(
        string="Resolution SLA Breached", compute="_compute_sla_breach", store=True, copy=False
    )
    sla_breached = fields.Boolean(
        string="SLA Breached", compute="_compute_sla_breach", store=True, aggregator="bool_or"
    )
    sla_escalated = fields.Boolean("SLA Escalated", readonly=True, copy=False)
    sla_escalation_user_ids = fields.Many2many(
        "res.users",
        "service_ticket_escalation_user_rel",
        "ticket_id",
        "user_id",
        string="Escalated To",
        readonly=True,
        copy=False,
    )
    response_hours_worked = fields.Float(
        string="First Response Time (h)",
        compute="_compute_hours_worked",
        store=True,
        copy=False,
        aggregator="avg",
        help="Working hours from the SLA start to the first response, on the team's calendar, "
        "paused stages left out.",
    )
    resolution_hours_worked = fields.Float(
        string="Resolution Time (h)",
        compute="_compute_hours_worked",
        store=True,
        copy=False,
        aggregator="avg",
        help="Working hours from the SLA start to the closing, on the team's calendar, "
        "paused stages left out.",
    )
    sla_success = fields.Float(
        string="SLA Success (%)",
        compute="_compute_sla_success",
        store=True,
        aggregator="avg",
        help="100 for a ticket closed within its SLA, 0 otherwise: its average is the rate on time.",
    )
    sla_status = fields.Selection(
        [("ok", "On Time"), ("at_risk", "At Risk"), ("breached", "Breached")],
        string="SLA Status",
        compute="_compute_sla_status",
    )
    sla_color = fields.Integer(compute="_compute_sla_status")

    # ------------------------------------------------------------------------
    # compute
    # ------------------------------------------------------------------------
    @api.depends("sla_pause_ids.date_end")
    def _compute_sla_paused(self):
        for ticket in self:
            ticket.sla_paused = any(not p.date_end for p in ticket.sla_pause_ids)

    @api.model
    def _get_first_response_domain(self, ticket_ids):
        return [
            ("model", "=", self._name),
            ("res_id", "in", ticket_ids),
            ("message_type", "in", ("comment", "email")),
            ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ("author_id.user_ids.share", "=", False),
        ]

    @api.depends("message_ids")
    def _compute_first_response_date(self):
        ids = self._origin.ids
        rows = (
            self.env["mail.message"]
            .sudo()
            ._read_group(self._get_first_response_domain(ids), ["res_id"], ["date:min"])
            if ids
            else []
        )
        firsts = dict(rows)
        for ticket in self:
            ticket.first_response_date = firsts.get(ticket._origin.id, False)

    @api.depends(
        "sla_start_date",
        "first_response_date",
        "close_date",
        "team_id.resource_calendar_id",
        "company_id.resource_calendar_id",
        "sla_pause_ids.date_start",
        "sla_pause_ids.date_end",
    )
    def _compute_hours_worked(self):
        for calendar, tickets in self._group_by_sla_calendar().items():
            responses = tickets._sla_working_hours(calendar, "first_response_date")
            resolutions = tickets._sla_working_hours(calendar, "close_date")
            for ticket, response, resolution in zip(tickets, responses, resolutions, strict=True):
                ticket.response_hours_worked = response or 0.0
                ticket.resolution_hours_worked = resolution or 0.0

    @api.depends("sla_response_deadline", "sla_resolution_deadline", "first_response_date", "close_date")
    def _compute_sla_breach(self):
        now = fields.Datetime.now()
        for ticket in self:
            # a ticket solved without a reply answered the customer when it closed
            response_date = ticket.first_response_date or ticket.close_date
            response = sla.is_breached(ticket.sla_response_deadline, response_date, now)
            resolution = sla.is_breached(ticket.sla_resolution_deadline, ticket.close_date, now)
            ticket.sla_response_breached = response
            ticket.sla_resolution_breached = resolution
            ticket.sla_breached = response or resolution

    @api.depends("sla_breached", "is_closed")
    def _compute_sla_success(self):
        for ticket in self:
            ticket.sla_success = 100.0 if ticket.is_closed and not ticket.sla_breached else 0.0

    @api.depends("sla_breached", "sla_start_date", "sla_response_deadline", "sla_resolution_deadline")
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        colors = {"ok": 0, "at_risk": 2, "breached": 1}
        for ticket in self:
            start = ticket.sla_start_date or ticket.create_date
            targets = [
                (
                    start,
                    ticket.sla_response_deadline,
                    ticket.first_response_date or ticket.close_date,
                    ticket.sla_response_breached,
                ),
                (start, ticket.sla_resolution_deadline, ticket.close_date, ticket.sla_resolution_breached),
            ]
            status = "ok" if ticket.is_closed and not ticket.sla_breached else sla.sla_status(targets, now)
            ticket.sla_status = status
            ticket.sla_color = colors[status]

    # ------------------------------------------------------------------------
    # CRUD: who may write the SLA
    # ------------------------------------------------------------------------
    def _sla_field_labels(self, names):
        return ", ".join(self._fields[f]._description_string(self.env) for f in names)

    def _check_sla_write(self, vals):
        computed = [f for f in SLA_COMPUTED_FIELDS if f in vals]
        if computed:
            raise UserError(
                self.env._(
                    "%(fields)s cannot be written: computed from the ticket's history.",
                    fields=self._sla_field_labels(computed),
                )
            )
        transition = [f for f in SLA_TRANSITION_FIELDS if f in vals]
        if transition and not self.env.is_superuser():
            raise UserError(
                self.env._(
                    "%(fields)s cannot be written: set when the ticket moves to a closing stage.",
                    fields=self._sla_field_labels(transition),
                )
            )
        manual = [f for f in SLA_MANAGER_FIELDS + SLA_ESCALATION_FIELDS if f in vals]
        if manual and not (
            self.env.is_superuser() or self.env.user.has_group("crm_service.group_crm_service_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only service managers may change %(fields)s.",
                    fields=self._sla_field_labels(manual),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        defaults = self._get_sla_context_defaults()
        for vals in vals_list:
            # a default_<field> context key is a value too: the same rules apply
            self._check_sla_write(dict(defaults, **vals))
        tickets = super().create(vals_list)
        tickets.filtered("stage_id.pause_sla")._action_sla_pause()
        tickets.with_context(mail_notrack=True)._action_apply_sla()
        tickets._action_refresh_sla_breach()
        return tickets

    @api.model
    def _get_sla_context_defaults(self):
        """The protected SLA fields given a value by ``default_<field>`` keys of the context."""
        protected = SLA_COMPUTED_FIELDS + SLA_TRANSITION_FIELDS + SLA_MANAGER_FIELDS + SLA_ESCALATION_FIELDS
        ctx = self.env.context
        return {f: ctx[f"default_{f}"] for f in protected if f"default_{f}" in ctx}

    def write(self, vals):
        self._check_sla_write(vals)
        to_pause = to_resume = self.browse()
        if "stage_id" in vals:
            pause = self.env["service.ticket.stage"].browse(vals["stage_id"]).pause_sla
            to_pause = self.filtered(lambda t: pause and not t.sla_paused)
            to_resume = self.filtered(lambda t: not pause and t.sla_paused)
        res = super().write(vals)
        to_pause._action_sla_pause()
        to_resume._action_sla_resume()
        apply = bool(SLA_POLICY_TRIGGERS & set(vals) or to_pause or to_resume)
        if apply:
            self._action_apply_sla()
        refresh = apply or SLA_BREACH_TRIGGERS & set(vals) or "stage_id" in vals
        if refresh and not self.env.context.get("sla_no_refresh"):
            self._action_refresh_sla_breach()
        return res

    def _action_refresh_sla_breach(self):
        """Recompute the breach flags now: they depend on the time (the cron and every change ask for it)."""
        self.modified(["sla_response_deadline", "sla_resolution_deadline"])
        self.flush_recordset(["sla_response_breached", "sla_resolution_breached", "sla_breached"])

    # ------------------------------------------------------------------------
    # pause
    # ------------------------------------------------------------------------
    def _action_sla_pause(self):
        """Stop the SLA clock: open a pause from now (the stage asks for it)."""
        now = fields.Datetime.now()
        self.env["service.ticket.sla.pause"].sudo().create(
            [{"ticket_id": ticket.id, "date_start": now} for ticket in self]
        )

    def _action_sla_resume(self):
        """Restart the SLA clock: close the open pauses now."""
        self.sla_pause_ids.sudo().filtered(lambda p: not p.date_end).date_end = fields.Datetime.now()

    def _get_sla_pauses(self):
        self.ensure_one()
        return [(p.date_start, p.date_end or None) for p in self.sla_pause_ids.sorted("date_start")]

    # ------------------------------------------------------------------------
    # deadlines
    # ------------------------------------------------------------------------
    def _get_sla_calendar(self):
        self.ensure_one()
        return self.team_id.resource_calendar_id or self.company_id.resource_calendar_id

    def _group_by_sla_calendar(self):
        groups = defaultdict(lambda: self.browse())
        for ticket in self:
            groups[ticket._get_sla_calendar()] |= ticket
        return groups

    @api.model
    def _sla_compute_deadlines(self, calendar, requests):
        """Deadlines of ``requests`` ((start naive UTC, hours[, pauses]) tuples) on ``calendar``."""
        return self.env["service.sla.clock"]._compute_deadlines(calendar, requests)

    def _prepare_sla_values(self, policy, deadlines):
        return {
            "sla_policy_id": policy.id,
            "sla_response_deadline": deadlines[0] or False,
            "sla_resolution_deadline": deadlines[1] or False,
        }

    def _action_apply_sla(self):
        """Match the SLA policy of each ticket and compute both deadlines, batched per calendar."""
        tickets = self.filtered("team_id")
        (self - tickets).sudo().with_context(sla_no_refresh=True).write(
            self._prepare_sla_values(self.env["service.sla.policy"], [False, False])
        )
        if not tickets:
            return
        Policy = self.env["service.sla.policy"]
        policy_dicts = Policy._get_policy_dicts(tickets.team_id.ids)
        policy_by_id = {p.id: p for p in Policy.browse([p["id"] for p in policy_dicts])}
        for calendar, cal_tickets in tickets._group_by_sla_calendar().items():
            pairs = [
                (
                    t,
                    policy_by_id.get(
                        sla.match_policy(policy_dicts, t.team_id.id, t.ticket_type_id.id or None, t.priority),
                        Policy,
                    ),
                )
                for t in cal_tickets
            ]
            requests = []
            for ticket, policy in pairs:
                start, pauses = ticket.sla_start_date or ticket.create_date, ticket._get_sla_pauses()
                requests.append((start, policy.response_hours or None if policy else None, pauses))
                requests.append((start, policy.resolution_hours or None if policy else None, pauses))
            deadlines = self._sla_compute_deadlines(calendar, requests)
            for k, (ticket, policy) in enumerate(pairs):
                # the caller refreshes the breach flags once for the batch
                ticket.sudo().with_context(sla_no_refresh=True).write(
                    ticket._prepare_sla_values(policy, deadlines[2 * k : 2 * k + 2])
                )

    # ------------------------------------------------------------------------
    # worked hours, first response
    # ------------------------------------------------------------------------
    def _sla_working_hours(self, calendar, date_field):
        """Working hours on the SLA clock from the SLA start to ``date_field`` (one interval fetch)."""
        triples = [(t.sla_start_date or t.create_date, t[date_field], t._get_sla_pauses()) for t in self]
        return self.env["service.sla.clock"]._working_hours(calendar, triples)

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        author_users = message.author_id.user_ids
        if (
            message.message_type in ("comment", "email")
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author_users
            and not all(author_users.mapped("share"))
        ):
            waiting = self.sudo().filtered(lambda t: not t.first_response_date)
            waiting.modified(["message_ids"])
            waiting._action_refresh_sla_breach()
        return res
