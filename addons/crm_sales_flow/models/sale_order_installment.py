from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import allocation as allocation_lib

STATES = [
    ("not_due", "Not due"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("overdue", "Overdue"),
]


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
    paid_amount = fields.Monetary("Paid", readonly=True, copy=False)
    residual = fields.Monetary("To Collect", compute="_compute_state", store=True)
    state = fields.Selection(STATES, compute="_compute_state", store=True, index=True)

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

    @api.depends("amount", "paid_amount", "due_date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for inst in self:
            inst.residual = inst.amount - inst.paid_amount
            inst.state = allocation_lib.installment_state(inst.amount, inst.paid_amount, inst.due_date, today)

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
    def _cron_installment_reminders(self):
        """Refresh due states and schedule one reminder to-do per installment due within its reminder days."""
        today = fields.Date.context_today(self)
        late = self.search([("state", "in", ("not_due", "partial")), ("due_date", "<", today)])
        late._compute_state()
        due = self.search(self._get_reminder_domain(today)).filtered(
            lambda i: (i.due_date - today).days <= i.reminder_days
        )
        if not due:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id("sale.order")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": inst.order_id.id,
                "activity_type_id": activity_type.id,
                "summary": self.env._("Collect installment %(name)s", name=inst.display_name),
                "note": self.env._("%(amount)s due on %(date)s", amount=inst.residual, date=inst.due_date),
                "user_id": (inst.order_id.user_id or self.env.ref("base.user_admin")).id,
                "date_deadline": inst.due_date,
            }
            for inst in due
        ]
        due.write({"reminder_done": True})
        return self.env["mail.activity"].sudo().create(vals_list)
