from odoo import api, fields, models

from ..lib import pool as pool_lib


class CrmLeadPoolLog(models.Model):
    _name = "crm.lead.pool.log"
    _description = "Pool Claim and Release Log"
    _order = "date desc, id desc"

    pool_id = fields.Many2one("crm.lead.pool", ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", index="btree_not_null", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", required=True, index=True)
    actor_id = fields.Many2one(
        "res.users", string="Done by", readonly=True, help="The user who claimed, returned or assigned."
    )
    res_model = fields.Char("Model", required=True)
    res_id = fields.Integer("Record ID", required=True)
    res_name = fields.Char("Record", readonly=True)
    action = fields.Selection(
        [("claim", "Claimed"), ("assign", "Assigned"), ("release", "Released"), ("recycle", "Recycled")],
        required=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _prepare_log_values(self, record, action, user):
        return {
            "pool_id": record.pool_id.id,
            "company_id": record.pool_id.sudo().company_id.id,
            "user_id": user.id or self.env.uid,
            "actor_id": self.env.uid,
            "res_model": record._name,
            "res_id": record.id,
            "res_name": record.sudo().display_name,
            "action": action,
        }

    @api.model
    def _log(self, records, action, user):
        self.sudo().create([self._prepare_log_values(record, action, user) for record in records])

    @api.model
    def _count_claims_today(self, pool, user, now):
        """Claims of ``user`` in ``pool`` since the start of his day, in his time zone."""
        start = pool_lib.day_start_utc(now, user.tz)
        return self.sudo().search_count(
            [
                ("pool_id", "=", pool.id),
                ("user_id", "=", user.id),
                ("action", "=", "claim"),
                ("date", ">=", start),
            ]
        )

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
