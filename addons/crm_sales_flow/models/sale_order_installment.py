from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_is_zero, format_amount, format_date

from ..lib import allocation as allocation_lib

STATES = [
    ("not_due", "Not due"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("overdue", "Overdue"),
]
# Figures computed from the reconciled payments: never written through the ORM (write, create, import).
COLLECTION_FIELDS = {"paid_amount", "residual", "state"}
# Fields of an installment whose changes on a confirmed order are posted in the order's chatter.
TRACKED_FIELDS = ["name", "value_type", "percent", "fixed_amount", "amount", "due_date"]


class SaleOrderInstallment(models.Model):
    _name = "sale.order.installment"
    _description = "Contract Payment Installment"
    _order = "order_id, due_date, sequence, id"

    order_id = fields.Many2one("sale.order", "Contract", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Description")
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    user_id = fields.Many2one(related="order_id.user_id", store=True, string="Salesperson")
    currency_id = fields.Many2one(related="order_id.currency_id")
    value_type = fields.Selection(
        [("amount", "Fixed amount"), ("percent", "Percent of total")], default="percent", required=True
    )
    percent = fields.Float()
    fixed_amount = fields.Monetary()
    amount = fields.Monetary(compute="_compute_amount", store=True)
    due_date = fields.Date(required=True)
    reminder_days = fields.Integer("Remind Days Before", default=3)
    reminder_done = fields.Boolean(copy=False)
    paid_amount = fields.Monetary("Paid", compute="_compute_collection", store=True, copy=False)
    residual = fields.Monetary("To Collect", compute="_compute_collection", store=True)
    state = fields.Selection(STATES, compute="_compute_collection", store=True, index=True)

    @api.constrains("percent", "fixed_amount", "reminder_days", "value_type")
    def _check_values(self):
        for inst in self:
            if inst.value_type == "percent" and not 0 < inst.percent <= 100:
                raise ValidationError(self.env._("An installment percent must be above 0 and at most 100."))
            if inst.value_type == "amount" and inst.fixed_amount <= 0:
                raise ValidationError(self.env._("An installment amount must be positive."))
            if inst.reminder_days < 0:
                raise ValidationError(self.env._("Reminder days cannot be negative."))

    @api.depends(
        "value_type",
        "percent",
        "fixed_amount",
        "order_id.amount_total",
        "order_id.installment_ids.percent",
        "order_id.installment_ids.value_type",
        "order_id.installment_ids.fixed_amount",
    )
    def _compute_amount(self):
        for order in self.order_id:
            plan = order.installment_ids
            amounts = allocation_lib.resolve_amounts(
                [
                    {"percent": i.percent if i.value_type == "percent" else 0.0, "amount": i.fixed_amount}
                    for i in plan
                ],
                order.amount_total,
                order.currency_id.decimal_places or 2,
            )
            for inst, amount in zip(plan, amounts, strict=True):
                if inst in self:
                    inst.amount = amount
        for inst in self.filtered(lambda i: not i.order_id):
            inst.amount = inst.fixed_amount

    @api.depends(
        "amount",
        "due_date",
        "sequence",
        "order_id.installment_ids.amount",
        "order_id.installment_ids.due_date",
        "order_id.installment_ids.sequence",
    )
    def _compute_collection(self):
        """What each installment received: the order's collected money (reconciled payments only, see
        ``sale.order._get_contract_figures``) allocated to its plan in due-date order."""
        today = fields.Date.context_today(self)
        orders = self.order_id
        figures = orders._get_contract_figures()
        paid = {}
        for order in orders:
            collected = figures.get(order.id, {}).get("collected", 0.0)
            paid.update(
                allocation_lib.allocate(
                    order._prepare_allocation_installments(), collected, order.currency_id.decimal_places
                )
            )
        for inst in self:
            inst.paid_amount = paid.get(inst.id, 0.0)
            inst.residual = inst.amount - inst.paid_amount
            inst.state = allocation_lib.installment_state(inst.amount, inst.paid_amount, inst.due_date, today)

    def _recompute_collection(self):
        """Recompute paid amounts and states now (after a reconciliation, or when a due date passed)."""
        for fname in COLLECTION_FIELDS:
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset(list(COLLECTION_FIELDS))

    # --- rules whatever the door (form, JSON-RPC write/create, import, mass edit) --------------------
    def _check_collection_fields(self, vals_list):
        forged = COLLECTION_FIELDS & {fname for vals in vals_list for fname in vals}
        if forged:
            raise UserError(
                self.env._(
                    "%(fields)s of an installment come from the reconciled payments and cannot be set.",
                    fields=", ".join(sorted(self._get_field_label(f) for f in forged)),
                )
            )

    def _get_field_label(self, fname):
        return self._fields[fname].get_description(self.env)["string"]

    def _is_plan_manager(self):
        return self.env.su or self.env.user.has_group("crm_sales_flow.group_crm_sales_flow_manager")

    def _check_confirmed_plan_change(self, orders):
        if self._is_plan_manager():
            return
        confirmed = orders.filtered(lambda o: o.state == "sale")
        if confirmed:
            raise AccessError(
                self.env._(
                    "Only a sales manager can change the payment plan of the confirmed order %(orders)s.",
                    orders=", ".join(confirmed.mapped("name")),
                )
            )

    def _get_tracked_values(self):
        return {inst.id: {f: inst[f] for f in TRACKED_FIELDS} for inst in self}

    def _format_tracked_value(self, fname, value):
        field = self._fields[fname]
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value or "")
        if field.type == "monetary":
            return format_amount(self.env, value, self.currency_id)
        if field.type == "date":
            return format_date(self.env, value)
        return str(value or "")

    def _post_plan_message(self, order, title, lines):
        body = Markup("<p>%s</p>") % title
        if lines:
            items = Markup("").join(Markup("<li>%s</li>") % escape(line) for line in lines)
            body += Markup("<ul>%s</ul>") % items
        order.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _track_changes(self, before):
        for inst in self.filtered(lambda i: i.order_id.state == "sale"):
            old = before.get(inst.id, {})
            lines = []
            for fname in TRACKED_FIELDS:
                if fname in old and old[fname] != inst[fname]:
                    lines.append(
                        f"{self._get_field_label(fname)}: "
                        f"{self._format_tracked_value(fname, old[fname])} → "
                        f"{self._format_tracked_value(fname, inst[fname])}"
                    )
            if lines:
                title = self.env._("Installment %(name)s changed", name=inst.name or inst.due_date)
                self._post_plan_message(inst.order_id, title, lines)

    def _track_create_or_delete(self, title):
        for inst in self.filtered(lambda i: i.order_id.state == "sale"):
            lines = [
                f"{self._get_field_label(f)}: {self._format_tracked_value(f, inst[f])}"
                for f in ("amount", "due_date")
            ]
            self._post_plan_message(inst.order_id, title % (inst.name or inst.due_date), lines)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_collection_fields(vals_list)
        orders = self.env["sale.order"].browse({v["order_id"] for v in vals_list if v.get("order_id")})
        self._check_confirmed_plan_change(orders)
        installments = super().create(vals_list)
        installments._track_create_or_delete(self.env._("Installment %s added"))
        installments.order_id._action_warn_plan_mismatch()
        return installments

    def write(self, vals):
        self._check_collection_fields([vals])
        orders = self.order_id
        if "order_id" in vals:
            orders |= self.env["sale.order"].browse(vals["order_id"])
        if vals:
            self._check_confirmed_plan_change(orders)
        before = self._get_tracked_values()
        res = super().write(vals)
        self._track_changes(before)
        (orders | self.order_id)._action_warn_plan_mismatch()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_collected(self):
        digits = {inst.id: inst.currency_id.decimal_places or 2 for inst in self}
        collected = self.filtered(lambda i: not float_is_zero(i.paid_amount, precision_digits=digits[i.id]))
        if collected:
            raise UserError(
                self.env._(
                    "A paid or partly paid installment cannot be deleted (%(names)s).",
                    names=", ".join(collected.mapped("display_name")),
                )
            )
        self._check_confirmed_plan_change(self.order_id)

    def unlink(self):
        orders = self.order_id
        self._track_create_or_delete(self.env._("Installment %s removed"))
        res = super().unlink()
        orders.exists()._action_warn_plan_mismatch()
        return res

    @api.depends("order_id.name", "name", "due_date")
    def _compute_display_name(self):
        for inst in self:
            inst.display_name = f"{inst.order_id.name or ''} - {inst.name or inst.due_date or ''}"

    @api.model
    def _get_reminder_domain(self, today):
        return [
            ("state", "!=", "paid"),
            ("reminder_done", "=", False),
            ("order_id.state", "=", "sale"),
            ("due_date", "!=", False),
        ]

    @api.model
    def _prepare_reminder_activity_values(self, owner, model_id, activity_type):
        """The reminder to-do of this installment, written in its owner's language (the job runs in none)."""
        self.ensure_one()
        env = self.with_context(lang=owner.lang).env
        return {
            "res_model_id": model_id,
            "res_id": self.order_id.id,
            "activity_type_id": activity_type.id,
            "summary": env._("Collect installment %(name)s", name=self.display_name),
            "note": env._("%(amount)s due on %(date)s", amount=self.residual, date=self.due_date),
            "user_id": owner.id,
            "date_deadline": self.due_date,
        }

    def _cron_installment_reminders(self):
        """Refresh due states and schedule one reminder to-do per installment due within its reminder days."""
        today = fields.Date.context_today(self)
        late = self.search([("state", "in", ("not_due", "partial")), ("due_date", "<", today)])
        late._recompute_collection()
        due = self.search(self._get_reminder_domain(today)).filtered(
            lambda i: (i.due_date - today).days <= i.reminder_days
        )
        if not due:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id("sale.order")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        admin = self.env.ref("base.user_admin")
        vals_list = [
            inst._prepare_reminder_activity_values(inst.order_id.user_id or admin, model_id, activity_type)
            for inst in due
        ]
        due.write({"reminder_done": True})
        return self.env["mail.activity"].sudo().create(vals_list)
