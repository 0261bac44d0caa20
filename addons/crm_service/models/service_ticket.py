from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_split

TICKET_PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]


class ServiceTicket(models.Model):
    _name = "service.ticket"
    _description = "Service Ticket"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin", "rating.mixin"]
    _order = "priority desc, id desc"
    _rec_names_search = ["number", "name"]
    _mail_post_access = "read"
    _primary_email = "email_from"
    _check_company_auto = True

    number = fields.Char(string="Ticket Number", readonly=True, copy=False, default="New", index=True)
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html()
    active = fields.Boolean(default=True)
    # a new ticket takes its team's company (create, onchange); check_company refuses the others
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
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True, check_company=True
    )
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
        check_company=True,
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
        """The first team of the current user (member or manager) in the ticket's company."""
        user = self.env.user
        if user.share:
            return False
        company_id = self.env.context.get("default_company_id") or self.env.company.id
        return self.env["service.team"].search(
            [
                ("company_id", "in", [False, company_id]),
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

    @api.onchange("team_id")
    def _onchange_team_id_company(self):
        if self.team_id.company_id:
            self.company_id = self.team_id.company_id

    @api.model
    def _get_new_ticket_company(self, vals):
        """The company of a new ticket: the one given, else its team's, else the current one."""
        if vals.get("company_id"):
            return self.env["res.company"].browse(vals["company_id"])
        team_id = vals["team_id"] if "team_id" in vals else self.env.context.get("default_team_id")
        team = self.env["service.team"].browse(team_id)
        context_company = self.env["res.company"].browse(self.env.context.get("default_company_id"))
        return team.sudo().company_id or context_company or self.env.company

    # ------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company = self._get_new_ticket_company(vals)
            vals["company_id"] = company.id
            if vals.get("number", "New") == "New":
                vals["number"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("service.ticket") or "New"
                )
        tickets = super().create(vals_list)
        tickets.filtered(lambda t: t.team_id and not t.user_id)._action_assign()
        tickets.filtered("is_closed")._action_mark_closed()
        tickets._action_send_acknowledgement()
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
            # close_date is set by the closing transition only (see SLA_TRANSITION_FIELDS)
            reopening.sudo().write({"close_date": False})
        return res

    def _action_mark_closed(self):
        self.sudo().write({"close_date": fields.Datetime.now()})
        template = self.env.ref("crm_service.mail_template_ticket_rating", raise_if_not_found=False)
        to_rate = self.filtered(
            lambda t: t.team_id.rating_on_close and t.partner_id and t.stage_id.request_rating
        )
        if template:
            for ticket in to_rate:
                ticket.rating_send_request(template, lang=ticket.partner_id.lang, force_send=False)

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

    def _action_send_acknowledgement(self):
        """Email the customer that the ticket was received (template editable in Email Templates)."""
        template = self.env.ref("crm_service.mail_template_ticket_received", raise_if_not_found=False)
        if not template:
            return
        for ticket in self.filtered(lambda t: t.partner_id.email or t.email_from):
            template.sudo().send_mail(
                ticket.id,
                force_send=False,
                email_layout_xmlid="mail.mail_notification_light",
                email_values=ticket._prepare_acknowledgement_recipients(),
            )

    def _prepare_acknowledgement_recipients(self):
        """A customer without email is written to at the ticket's email: never a mail with an empty To."""
        self.ensure_one()
        if not self.partner_id or self.partner_id.email:
            return None
        return {"recipient_ids": [], "partner_ids": [], "email_to": self.email_from}

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

    # ------------------------------------------------------------------------
    # portal
    # ------------------------------------------------------------------------
    def _get_portal_rating(self):
        """The customer's rating of the ticket since its last closing (empty: not rated yet)."""
        self.ensure_one()
        ratings = self.sudo().rating_ids.filtered(
            lambda r: r.consumed and (not self.close_date or r.write_date >= self.close_date)
        )
        return ratings.sorted("write_date")[-1:]
