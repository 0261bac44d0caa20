from odoo import api, fields, models

from ..lib import pool as pool_lib
from .cron_batch import may_commit


class CrmLeadPool(models.Model):
    _name = "crm.lead.pool"
    _description = "Lead and Customer Pool (公海)"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    res_model = fields.Selection(
        [("crm.lead", "Leads"), ("res.partner", "Customers")], required=True, default="crm.lead"
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    member_ids = fields.Many2many(
        "res.users",
        "crm_lead_pool_member_rel",
        "pool_id",
        "user_id",
        string="Members",
        help="Salespeople who may claim from this pool; empty means every lead user.",
    )
    admin_ids = fields.Many2many(
        "res.users", "crm_lead_pool_admin_rel", "pool_id", "user_id", string="Admins"
    )
    auto_recycle = fields.Boolean("Automatic recycling", default=True, tracking=True)
    rule_ids = fields.One2many("crm.lead.pool.rule", "pool_id", string="Recycle rules")
    warn_days = fields.Integer("Warn days before recycling", default=3)
    reclaim_block_days = fields.Integer("Former owner may not reclaim for (days)", default=7)
    max_held = fields.Integer("Maximum held per salesperson", help="0 means no limit.")
    max_claims_per_day = fields.Integer("Maximum claims a day", help="0 means no limit.")
    lead_count = fields.Integer(compute="_compute_counts")
    held_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "limits_positive",
            "CHECK(warn_days >= 0 AND reclaim_block_days >= 0 AND max_held >= 0 AND max_claims_per_day >= 0)",
            "Pool limits cannot be negative.",
        ),
    ]

    def _compute_counts(self):
        for res_model in set(self.mapped("res_model")):
            pools = self.filtered(lambda p, m=res_model: p.res_model == m)
            groups = (
                self.env[res_model]
                .sudo()
                ._read_group([("pool_id", "in", pools.ids)], ["pool_id", "user_id"], ["__count"])
            )
            free, held = {}, {}
            for pool, user, count in groups:
                target = held if user else free
                target[pool.id] = target.get(pool.id, 0) + count
            for pool in pools:
                pool.lead_count = free.get(pool.id, 0)
                pool.held_count = held.get(pool.id, 0)

    def _is_member(self, user):
        self.ensure_one()
        if user.has_group("crm_leads.group_crm_leads_manager") or user in self.admin_ids:
            return True
        return not self.member_ids or user in self.member_ids

    @api.model
    def _get_default_pool(self, res_model):
        return self.search([("res_model", "=", res_model)], limit=1)

    def _get_recycle_candidates_domain(self):
        self.ensure_one()
        return [("pool_id", "=", self.id), ("user_id", "!=", False), ("pool_locked", "=", False)]

    def action_open_records(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self.res_model,
            "view_mode": "list,form",
            "domain": [("pool_id", "=", self.id)],
            "context": {"default_pool_id": self.id, "search_default_filter_in_pool": 1},
        }

    def _action_recycle(self, now=None):
        """Apply the recycle rules of these pools: return overdue records, warn those due soon."""
        now = now or fields.Datetime.now()
        for pool in self.filtered(lambda p: p.auto_recycle and p.rule_ids):
            model = self.env[pool.res_model].sudo()
            records = model.search(pool._get_recycle_candidates_domain())
            if not records:
                continue
            facts = records._pool_get_recycle_facts()
            rules = [rule._prepare_recycle_rule() for rule in pool.rule_ids]
            recycle, warn = pool_lib.recycle_plan(facts, rules, now, pool.warn_days)
            model.browse(recycle)._action_pool_release("recycle")
            already = {r.id for r in model.browse(list(warn)) if r.pool_warned_date}
            model.browse([i for i in warn if i not in already])._pool_warn(
                {i: d for i, d in warn.items() if i not in already}
            )
            if may_commit(self.env):
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_recycle(self):
        self.search([("auto_recycle", "=", True)])._action_recycle()
