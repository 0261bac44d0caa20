import datetime

from odoo import api, fields, models


class CrmLeadPoolLog(models.Model):
    _name = "crm.lead.pool.log"
    _description = "Pool Claim and Release Log"
    _order = "date desc, id desc"

    pool_id = fields.Many2one("crm.lead.pool", ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", required=True, index=True)
    res_model = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    action = fields.Selection(
        [("claim", "Claimed"), ("release", "Released"), ("recycle", "Recycled")], required=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _log(self, records, action, user):
        self.sudo().create(
            [
                {
                    "pool_id": record.pool_id.id,
                    "user_id": user.id or self.env.uid,
                    "res_model": records._name,
                    "res_id": record.id,
                    "action": action,
                }
                for record in records
            ]
        )

    @api.model
    def _count_claims_today(self, pool, user, now):
        start = datetime.datetime.combine(now.date(), datetime.time.min)
        return self.sudo().search_count(
            [
                ("pool_id", "=", pool.id),
                ("user_id", "=", user.id),
                ("action", "=", "claim"),
                ("date", ">=", start),
            ]
        )
