from collections import defaultdict
from datetime import timedelta
from math import ceil

from pytz import utc

from odoo import Command, api, fields, models
from odoo.addons.crm_leads.models.cron_batch import may_commit
from odoo.exceptions import UserError
from odoo.tools import email_split

from ..lib import sla

TICKET_PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]


class ServiceTicket(models.Model):
    _name = "service.ticket"
    _description = "Service Ticket"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin", "rating.mixin"]
    _order = "priority desc, id desc"
    _rec_names_search = ["number", "name"]
    _mail_post_access = "read"
    _primary_email = "email_from"

    number = fields.Char(string="Ticket Number", readonly=True, copy=False, default="New", index=True)
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    team_id = fields.Many2one(
        "service.team",
        tracking=True,
        index=True,
        check_company=True,
        default=lambda self: self._default_team_id(),
    )
    ticket_type_id = fields.Many2one("service.ticket.type", string="Type", tracking=True)
    priority = fields.Selection(TICKET_PRIORITIES, default="1", tracking=True)
    stage_id = fields.Many2one(
        "service.ticket.stage",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        default=lambda self: self.env["service.ticket.stage"].search([("is_closed", "=", False)], limit=1),
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    user_id = fields.Many2one(
        "res.users", string="Assigned to", tracking=True, index=True, domain=[("share", "=", False)]
    )
    partner_id = fields.Many2one("res.partner", string="Customer", tracking=True, index=True)
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, string="Customer Company"
    )
    contact_name = fields.Char(string="Contact")
    email_from = fields.Char(string="Email", compute="_compute_email_from", store=True, readonly=False)
    phone = fields.Char(compute="_compute_email_from", store=True, readonly=False)
    sale_order_id = fields.Many2one("sale.order", check_company=True)
    product_id = fields.Many2one("product.product", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        domain="[('product_id', '=', product_id)]",
        check_company=True,
    )
    # SLA -------------------------------------------------------------------
    sla_policy_id = fields.Many2one("service.sla.policy", string="SLA Policy", readonly=True, copy=False)
    sla_start_date = fields.Datetime(
        string="SLA Start", default=fields.Datetime.now, copy=False, help="The SLA clocks start here."
    )
    sla_response_deadline = fields.Datetime(string="First Response Deadline", readonly=True, copy=False)
    sla_resolution_deadline = fields.Datetime(string="Resolution Deadline", readonly=True, copy=False)
    first_response_date = fields.Datetime(readonly=True, copy=False)
    close_date = fields.Datetime(readonly=True, copy=False)
    sla_response_breached = fields.Boolean(string="Response SLA Breached", readonly=True, copy=False)
    sla_resolution_breached = fields.Boolean(string="Resolution SLA Breached", readonly=True, copy=False)
    sla_escalated = fields.Boolean("SLA Escalated", readonly=True, copy=False)
    response_hours_worked = fields.Float(
        string="First Response Time (h)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Working hours from the SLA start to the first response, on the team's calendar.",
    )
    resolution_hours_worked = fields.Float(
        string="Resolution Time (h)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Working hours from the SLA start to the closing, on the team's calendar.",
    )
    sla_breached = fields.Boolean(
        string="SLA Breached", compute="_compute_sla_breached", store=True, aggregator="bool_or"
    )
    # parts, time, returns, billing -----------------------------------------
    line_ids = fields.One2many("service.ticket.line", "ticket_id", string="Parts and Time", copy=False)
    return_picking_ids = fields.One2many("stock.picking", "service_ticket_id", string="Returns")
    return_count = fields.Integer(compute="_compute_return_count", compute_sudo=True)
    billing_order_ids = fields.Many2many(
        "sale.order",
        "service_ticket_billing_order_rel",
        "ticket_id",
        "order_id",
        string="Billing Orders",
        copy=False,
        readonly=True,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count", compute_sudo=True)

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(number, company_id)",
            "The ticket number must be unique per company.",
        ),
    ]

    @api.model
    def _default_team_id(self):
        """The first team of the current user (member or manager) in the current company."""
        user = self.env.user
        if user.share:
            return False
        return self.env["service.team"].search(
            [
                ("company_id", "in", [False, self.env.company.id]),
                "|",
                ("member_ids", "in", user.ids),
                ("user_id", "=", user.id),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------------
    # compute
    # ------------------------------------------------------------------------
    @api.depends("partner_id")
    def _compute_email_from(self):
        for ticket in self:
            if ticket.partner_id.email:
                ticket.email_from = ticket.partner_id.email
            if ticket.partner_id.phone:
                ticket.phone = ticket.partner_id.phone

    @api.depends("sla_response_breached", "sla_resolution_breached")
    def _compute_sla_breached(self):
        for ticket in self:
            ticket.sla_breached = ticket.sla_response_breached or ticket.sla_resolution_breached

    def _compute_return_count(self):
        counts = dict(
            self.env["stock.picking"]._read_group(
                [("service_ticket_id", "in", self.ids)], ["service_ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.return_count = counts.get(ticket, 0)

    def _compute_invoice_count(self):
        for ticket in self:
            ticket.invoice_count = len(ticket.billing_order_ids.invoice_ids)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"
        return res

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            number = ticket.number if ticket.number and ticket.number != "New" else ""
            ticket.display_name = " ".join(part for part in (number, ticket.name) if part) or self.env._(
                "New"
            )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    # ------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number", "New") == "New":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["number"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("service.ticket") or "New"
                )
        tickets = super().create(vals_list)
        tickets.filtered(lambda t: t.team_id and not t.user_id)._action_assign()
        tickets.filtered("is_closed")._action_mark_closed()
        tickets._action_apply_sla()
        return tickets

    def write(self, vals):
        closing = reopening = self.browse()
        if "stage_id" in vals:
            stage = self.env["service.ticket.stage"].browse(vals["stage_id"])
            closing = self.filtered(lambda t: not t.is_closed) if stage.is_closed else self.browse()
            reopening = self.filtered("is_closed") if not stage.is_closed else self.browse()
        res = super().write(vals)
        if "team_id" in vals and not vals.get("user_id"):
            self.filtered(lambda t: t.team_id and not t.user_id)._action_assign()
        if closing:
            closing._action_mark_closed()
        if reopening:
            reopening.write({"close_date": False, "resolution_hours_worked": 0.0})
        if {"team_id", "ticket_type_id", "priority", "sla_start_date"} & set(vals):
            self._action_apply_sla()
        elif "stage_id" in vals:
            self._action_refresh_sla_breach()
        return res

    # ------------------------------------------------------------------------
    # assignment
    # ------------------------------------------------------------------------
    def _action_assign(self):
        """Assign tickets without user by their team's method, one pick per team for the batch."""
        by_team = defaultdict(lambda: self.browse())
        for ticket in self:
            by_team[ticket.team_id] |= ticket
        for team, tickets in by_team.items():
            picked = team._pick_assignees(len(tickets))
            by_user = defaultdict(list)
            for ticket, user_id in zip(tickets, picked, strict=True):
                if user_id:
                    by_user[user_id].append(ticket.id)
            for user_id, ids in by_user.items():
                self.browse(ids).write({"user_id": user_id})

    # ------------------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------------------
    def _get_sla_calendar(self):
        self.ensure_one()
        return self.team_id.resource_calendar_id or self.company_id.resource_calendar_id

    @api.model
    def _sla_compute_deadlines(self, calendar, requests):
        """Deadlines of ``requests`` (list of (start naive UTC, hours)) on ``calendar``, in one batch.

        The working intervals of the calendar (its holidays removed) are fetched once over the window
        the batch needs with resource.calendar._work_intervals_batch, then lib.sla places every ticket.
        Returns naive UTC datetimes (None where hours is None).
        """
        valid = [(s, h) for s, h in requests if s and h is not None and h >= 0]
        if not valid:
            return [None] * len(requests)
        if not calendar:
            return [s + timedelta(hours=h) if s and h is not None and h >= 0 else None for s, h in requests]
        first = min(s for s, _h in valid)
        last = max(s for s, _h in valid)
        hours_per_day = calendar.hours_per_day or 8.0
        span = timedelta(days=14 + 2 * ceil(max(h for _s, h in valid) / hours_per_day))
        deadlines = [None] * len(requests)
        for _attempt in range(6):
            intervals = calendar._work_intervals_batch(
                utc.localize(first) - timedelta(days=1), utc.localize(last) + span
            )[False]
            naive = [
                (start.astimezone(utc).replace(tzinfo=None), stop.astimezone(utc).replace(tzinfo=None))
                for start, stop, _meta in intervals
            ]
            deadlines = sla.compute_deadlines(naive, requests)
            if all(
                d is not None for d, (s, h) in zip(deadlines, requests, strict=True) if s and h is not None
            ):
                break
            span *= 4
        return deadlines

    def _action_apply_sla(self):
        """Match the SLA policy of each ticket and compute both deadlines, batched per calendar."""
        tickets = self.filtered("team_id")
        (self - tickets).write(
            {"sla_policy_id": False, "sla_response_deadline": False, "sla_resolution_deadline": False}
        )
        if not tickets:
            return
        Policy = self.env["service.sla.policy"]
        policy_dicts = Policy._get_policy_dicts(tickets.team_id.ids)
        policies = Policy.browse([p["id"] for p in policy_dicts])
        policy_by_id = {p.id: p for p in policies}
        groups = defaultdict(list)  # calendar -> [(ticket, policy)]
        for ticket in tickets:
            pid = sla.match_policy(
                policy_dicts, ticket.team_id.id, ticket.ticket_type_id.id or None, ticket.priority
            )
            groups[ticket._get_sla_calendar()].append((ticket, policy_by_id.get(pid, Policy)))
        for calendar, pairs in groups.items():
            requests = []
            for ticket, policy in pairs:
                start = ticket.sla_start_date or ticket.create_date
                requests.append((start, policy.response_hours if policy and policy.response_hours else None))
                requests.append(
                    (start, policy.resolution_hours if policy and policy.resolution_hours else None)
                )
            deadlines = self._sla_compute_deadlines(calendar, requests)
            for k, (ticket, policy) in enumerate(pairs):
                ticket.write(
                    {
                        "sla_policy_id": policy.id,
                        "sla_response_deadline": deadlines[2 * k] or False,
                        "sla_resolution_deadline": deadlines[2 * k + 1] or False,
                    }
                )
        tickets._action_refresh_sla_breach()

    def _action_refresh_sla_breach(self, now=None):
        """Recompute the breach flags; one write per distinct flag pair."""
        now = now or fields.Datetime.now()
        groups = defaultdict(list)
        for ticket in self:
            flags = (
                sla.is_breached(ticket.sla_response_deadline, ticket.first_response_date, now),
                sla.is_breached(ticket.sla_resolution_deadline, ticket.close_date, now),
            )
            if flags != (ticket.sla_response_breached, ticket.sla_resolution_breached):
                groups[flags].append(ticket.id)
        for (response, resolution), ids in groups.items():
            self.browse(ids).write({"sla_response_breached": response, "sla_resolution_breached": resolution})

    @api.model
    def _get_sla_to_check_domain(self, now):
        return [
            ("is_closed", "=", False),
            "|",
            "&",
            "&",
            ("sla_response_breached", "=", False),
            ("first_response_date", "=", False),
            ("sla_response_deadline", "<", now),
            "&",
            ("sla_resolution_breached", "=", False),
            ("sla_resolution_deadline", "<", now),
        ]

    @api.model
    def _get_sla_to_escalate_domain(self):
        return [("is_closed", "=", False), ("sla_breached", "=", True), ("sla_escalated", "=", False)]

    def _prepare_escalation_activity_values(self):
        self.ensure_one()
        manager = self.team_id.user_id
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "user_id": manager.id,
            # in the manager's language: the job runs in none
            "summary": self.with_context(lang=manager.lang).env._(
                "SLA breached: %(ticket)s", ticket=self.display_name
            ),
            "date_deadline": fields.Date.context_today(self),
        }

    def _action_escalate(self):
        """One to-do activity per breached ticket for its team manager; flags the tickets as escalated."""
        tickets = self.filtered(lambda t: not t.sla_escalated and t.team_id.user_id)
        if tickets:
            self.env["mail.activity"].sudo().create(
                [t._prepare_escalation_activity_values() for t in tickets]
            )
        self.write({"sla_escalated": True})

    @api.model
    def _cron_sla_check(self, batch_size=500):
        """Flag breached tickets and escalate them, in batches committed one by one (resumable)."""
        commit = may_commit(self.env)
        now = fields.Datetime.now()
        last_id = 0
        while True:
            domain = [("id", ">", last_id)] + self._get_sla_to_check_domain(now)
            tickets = self.search(domain, limit=batch_size, order="id")
            if not tickets:
                break
            last_id = tickets[-1].id
            tickets._action_refresh_sla_breach(now)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(tickets) < batch_size:
                break
        while True:
            tickets = self.search(self._get_sla_to_escalate_domain(), limit=batch_size, order="id")
            if not tickets:
                break
            tickets._action_escalate()
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(tickets) < batch_size:
                break

    # ------------------------------------------------------------------------
    # close, first response, rating
    # ------------------------------------------------------------------------
    @api.model
    def _sla_working_hours(self, calendar, pairs):
        """Working hours between the ``(start, end)`` pairs (naive UTC) on ``calendar`` (one fetch)."""
        bounds = [d for pair in pairs if pair[0] and pair[1] for d in pair]
        if not bounds:
            return [None] * len(pairs)
        if not calendar:
            return [(e - s).total_seconds() / 3600.0 if s and e else None for s, e in pairs]
        intervals = calendar._work_intervals_batch(utc.localize(min(bounds)), utc.localize(max(bounds)))[
            False
        ]
        naive = [
            (start.astimezone(utc).replace(tzinfo=None), stop.astimezone(utc).replace(tzinfo=None))
            for start, stop, _meta in intervals
        ]
        return sla.working_hours_batch(naive, pairs)

    def _action_store_worked_hours(self, date_field, hours_field):
        """Store the working hours from the SLA start to ``date_field``, batched per calendar."""
        groups = defaultdict(lambda: self.browse())
        for ticket in self:
            groups[ticket._get_sla_calendar()] |= ticket
        for calendar, tickets in groups.items():
            pairs = [(t.sla_start_date or t.create_date, t[date_field]) for t in tickets]
            for ticket, hours in zip(tickets, self._sla_working_hours(calendar, pairs), strict=True):
                ticket[hours_field] = hours or 0.0

    def _action_mark_closed(self):
        self.write({"close_date": fields.Datetime.now()})
        self._action_store_worked_hours("close_date", "resolution_hours_worked")
        template = self.env.ref("crm_service.mail_template_ticket_rating", raise_if_not_found=False)
        to_rate = self.filtered(
            lambda t: t.team_id.rating_on_close and t.partner_id and t.stage_id.request_rating
        )
        if template:
            for ticket in to_rate:
                ticket.rating_send_request(template, lang=ticket.partner_id.lang, force_send=False)

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        author = message.author_id
        if (
            message.message_type in ("comment", "email")
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author.user_ids
            and not all(author.user_ids.mapped("share"))
        ):
            waiting = self.filtered(lambda t: not t.first_response_date)
            if waiting:
                waiting.sudo().write({"first_response_date": message.date or fields.Datetime.now()})
                waiting.sudo()._action_store_worked_hours("first_response_date", "response_hours_worked")
                waiting.sudo()._action_refresh_sla_breach()
        return res

    # ------------------------------------------------------------------------
    # mail gateway
    # ------------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        self = self.with_context(default_user_id=False)
        values = {
            "name": msg_dict.get("subject") or self.env._("No Subject"),
            "email_from": msg_dict.get("email_from") or msg_dict.get("from"),
            "partner_id": msg_dict.get("author_id", False),
            "description": msg_dict.get("body"),
        }
        values.update(custom_values or {})
        return super().message_new(msg_dict, custom_values=values)

    def message_update(self, msg_dict, update_vals=None):
        emails = email_split((msg_dict.get("to") or "") + "," + (msg_dict.get("cc") or ""))
        partners = self._mail_find_partner_from_emails(emails, records=self, force_create=False)
        self.message_subscribe([p.id for p in partners if p])
        return super().message_update(msg_dict, update_vals=update_vals)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Customer")
            )
        return recipients

    # ------------------------------------------------------------------------
    # actions (buttons)
    # ------------------------------------------------------------------------
    def action_assign_to_me(self):
        self.write({"user_id": self.env.user.id})

    def action_open_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("service_ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.billing_order_ids.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------------
    # spare parts and billing
    # ------------------------------------------------------------------------
    def _get_parts_location(self):
        self.ensure_one()
        warehouse = self.team_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        if not warehouse:
            raise UserError(self.env._("No warehouse found to take the spare parts from."))
        return warehouse.lot_stock_id

    def _get_consumption_location(self):
        self.ensure_one()
        return self.partner_id.property_stock_customer or self.env.ref("stock.stock_location_customers")

    def action_consume_parts(self):
        """Take the spare parts not consumed yet out of stock, with done stock moves (one batch)."""
        lines = self.line_ids.filtered(lambda line: line.line_type == "part" and not line.move_id)
        if not lines:
            raise UserError(self.env._("There are no spare parts left to consume on these tickets."))
        by_location = defaultdict(lambda: self.env["service.ticket.line"])
        for line in lines:
            by_location[line.ticket_id._get_parts_location()] |= line
        for location, loc_lines in by_location.items():
            loc_lines._check_parts_available(location)
            moves = self.env["stock.move"].create(
                [
                    line._prepare_part_move_values(location, line.ticket_id._get_consumption_location())
                    for line in loc_lines
                ]
            )
            moves._action_confirm()
            moves._action_assign()
            for move in moves:
                move.quantity = move.product_uom_qty
            moves.picked = True
            moves._action_done()
            for line, move in zip(loc_lines, moves, strict=True):
                line.move_id = move
        return True

    def _prepare_sale_order_values(self, lines):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "origin": self.number,
            "client_order_ref": self.number,
            "team_id": False,
            "order_line": [Command.create(line._prepare_sale_line_values()) for line in lines],
        }

    def action_create_sale_order(self):
        """Put the billable time and parts not billed yet on a confirmed sale order (no new delivery)."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Set the customer of the ticket before billing it."))
        lines = self.line_ids.filtered(lambda line: line.billable and not line.sale_line_id)
        if not lines:
            raise UserError(self.env._("There is nothing billable left on this ticket."))
        if lines.filtered(lambda line: line.line_type == "part" and not line.move_id):
            self.action_consume_parts()
        order = self.env["sale.order"].create(self._prepare_sale_order_values(lines))
        # the parts already left stock through the ticket's moves: no delivery must be created
        order.with_context(skip_procurement=True).action_confirm()
        for line, sale_line in zip(lines, order.order_line.sorted("id"), strict=True):
            line.sale_line_id = sale_line
            if line.move_id:
                line.move_id.sale_line_id = sale_line
            else:
                sale_line.qty_delivered = line.quantity
        self.billing_order_ids = [Command.link(order.id)]
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
        }

    def action_create_invoice(self):
        """Invoice the ticket's billing orders through sale (_create_invoices)."""
        orders = self.billing_order_ids.filtered(lambda o: o.invoice_status == "to invoice")
        if not orders:
            raise UserError(self.env._("Nothing to invoice: create the billing sale order first."))
        invoices = orders._create_invoices()
        return self._get_invoice_action(invoices)

    def _get_invoice_action(self, invoices):
        """Open the invoices made, as Odoo's sale does after invoicing."""
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        if len(invoices) == 1:
            action.update(views=[(False, "form")], res_id=invoices.id)
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action
