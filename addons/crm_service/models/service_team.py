from ast import literal_eval

from odoo import api, fields, models

from ..lib import assign


class ServiceTeam(models.Model):
    _name = "service.team"
    _description = "Service Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Team Manager", help="Receives the escalation activities of breached SLAs."
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalation Fallback",
        domain=[("share", "=", False)],
        help="Receives the escalation of breached SLAs when the team has no manager; "
        "empty: the service managers.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "service_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
    )
    assignment_method = fields.Selection(
        [("manual", "Manual"), ("round_robin", "Round Robin"), ("least_open", "Least Open Tickets")],
        default="manual",
        required=True,
    )
    last_assigned_user_id = fields.Many2one("res.users", readonly=True, copy=False)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        default=lambda self: self.env.company.resource_calendar_id,
        help="SLA targets count working hours on this calendar (its holidays included).",
    )
    sla_policy_ids = fields.One2many("service.sla.policy", "team_id", string="SLA Policies")
    ticket_ids = fields.One2many("service.ticket", "team_id", string="Tickets")
    open_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    breached_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    use_portal = fields.Boolean(
        string="Portal Requests", help="Customers can open tickets for this team from their portal."
    )
    rating_on_close = fields.Boolean(
        string="Ask Rating on Close",
        default=True,
        help="Email a satisfaction survey when a ticket is closed.",
    )
    time_product_id = fields.Many2one(
        "product.product",
        string="Service Time Product",
        domain=[("type", "=", "service")],
        help="Default product of billable time lines.",
    )
    warehouse_id = fields.Many2one("stock.warehouse", help="Spare parts are taken from its stock.")
    return_location_id = fields.Many2one(
        "stock.location",
        domain="[('usage', '=', 'internal'), ('company_id', 'in', [company_id, False])]",
        check_company=True,
        help="Products returned by customers through the team's tickets arrive here, out of the stock "
        "that is sold. Empty: an internal 'Returns' location of the company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        for team in teams.filtered(lambda t: not t.return_location_id):
            team.return_location_id = self._cs_default_return_location(team.company_id)
        return teams

    def _compute_ticket_counts(self):
        Ticket = self.env["service.ticket"]
        open_domain = [("team_id", "in", self.ids), ("is_closed", "=", False)]
        opened = dict(Ticket._read_group(open_domain, ["team_id"], ["__count"]))
        breached = dict(
            Ticket._read_group(
                open_domain
                + ["|", ("sla_response_breached", "=", True), ("sla_resolution_breached", "=", True)],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.open_ticket_count = opened.get(team, 0)
            team.breached_ticket_count = breached.get(team, 0)

    # returns ---------------------------------------------------------------
    @api.model
    def _cs_get_default_return_location_domain(self, company):
        return [
            ("usage", "=", "internal"),
            ("name", "=", "Returns"),
            ("location_id", "=", self.env.ref("stock.stock_location_locations").id),
            ("company_id", "=", company.id),
        ]

    @api.model
    def _cs_default_return_location(self, company):
        """The company's internal 'Returns' location, outside every warehouse's sellable stock."""
        Location = self.env["stock.location"].sudo()
        location = Location.search(self._cs_get_default_return_location_domain(company), limit=1)
        return location or Location.create(
            {
                "name": "Returns",
                "usage": "internal",
                "location_id": self.env.ref("stock.stock_location_locations").id,
                "company_id": company.id,
            }
        )

    def _cs_get_return_location(self, company):
        """Where the returns of this team's tickets go (the company's 'Returns' without a team)."""
        return self.return_location_id or self._cs_default_return_location(company)

    # alias -----------------------------------------------------------------
    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("service.ticket").id
        if self.id:
            values["alias_defaults"] = defaults = literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
        return values

    # assignment ------------------------------------------------------------
    def _get_assignable_members(self):
        self.ensure_one()
        # only members who may work tickets: a user without the service group could not open his ticket
        return self.member_ids.filtered(
            lambda u: u.active and u.has_group("crm_service.group_crm_service_user")
        ).sorted("id")

    def _get_open_ticket_counts(self, user_ids):
        rows = self.env["service.ticket"]._read_group(
            [("user_id", "in", list(user_ids)), ("is_closed", "=", False)], ["user_id"], ["__count"]
        )
        return {user.id: count for user, count in rows}

    def _pick_assignees(self, count):
        """User ids for ``count`` new tickets of this team, by its assignment method (False: none)."""
        self.ensure_one()
        members = self._get_assignable_members().ids
        if self.assignment_method == "manual" or not members:
            return [False] * count
        if self.assignment_method == "round_robin":
            picked = assign.round_robin(members, self.last_assigned_user_id.id, count)
        else:
            picked = assign.least_open(members, self._get_open_ticket_counts(members), count)
        if picked:
            self.sudo().last_assigned_user_id = picked[-1]
        return picked

    @api.model
    def _get_ticket_action(self):
        return self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_service_ticket")

    def action_open_tickets(self):
        self.ensure_one()
        action = self._get_ticket_action()
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_open": 1}
        return action
