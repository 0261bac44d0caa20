from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import dedupe
from .crm_pool_mixin import PoolMixin


class ResPartner(PoolMixin, models.Model):
    _inherit = "res.partner"

    # Pool (公海) fields, used by PoolMixin
    pool_id = fields.Many2one("crm.lead.pool", index="btree_not_null", copy=False)
    pool_claim_date = fields.Datetime("Claimed on", copy=False, readonly=True)
    pool_last_followup = fields.Datetime("Last follow-up", copy=False, readonly=True)
    pool_former_user_id = fields.Many2one("res.users", string="Former owner", copy=False, readonly=True)
    pool_released_date = fields.Datetime("Returned to pool on", copy=False, readonly=True)
    pool_warned_date = fields.Datetime("Recycle warning sent on", copy=False, readonly=True)
    pool_locked = fields.Boolean("Locked", copy=False, help="Locked records are never recycled to the pool.")
    pool_in_pool = fields.Boolean("In pool", compute="_compute_pool_in_pool", search="_search_pool_in_pool")
    pool_can_manage = fields.Boolean("Manages the pool", compute="_compute_pool_can_manage")

    dedupe_phone = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")
    dedupe_vat = fields.Char(compute="_compute_dedupe_keys", store=True, index="btree_not_null")

    @api.depends("phone", "mobile", "vat")
    def _compute_dedupe_keys(self):
        for partner in self:
            partner.dedupe_phone = dedupe.normalize_phone(partner.phone or partner.mobile) or False
            partner.dedupe_vat = dedupe.normalize_vat(partner.vat) or False

    @api.model
    def _dedupe_search(self, keys, limit=None):
        """Partners sharing one of the normalized keys, oldest first."""
        domain = self.env["crm.lead"]._get_dedupe_domain(keys, phone_fields=("dedupe_phone",))
        return self.search(domain, order="id", limit=limit)

    def _dedupe_find(self):
        self.ensure_one()
        keys = dedupe.dedupe_keys(self.email, self.phone or self.mobile, self.vat)
        return self._dedupe_search(keys) - self

    def action_dedupe_merge(self):
        """Merge each partner's duplicates into the oldest of them with Odoo's partner merge."""
        if not self.env.user.has_group("crm_leads.group_crm_leads_manager"):
            raise UserError(self.env._("Only lead managers can merge customers."))
        wizard = self.env["base.partner.merge.automatic.wizard"].sudo()  # group checked above
        kept = self.browse()
        for partner in self:
            if not partner.exists():
                continue
            group = (partner | partner._dedupe_find()).sorted("id")[:3]
            if len(group) > 1:
                wizard._merge(group.ids, group[0], extra_checks=False)
            kept |= group[0]
        return kept

    def _pool_get_recycle_facts(self):
        if not self:
            return {}
        self.flush_model()
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT p.id, COALESCE(p.pool_claim_date, p.create_date), p.pool_last_followup,
                          EXISTS(SELECT 1 FROM crm_lead l WHERE l.partner_id = p.id AND l.active
                                    AND l.type = 'opportunity'),
                          EXISTS(SELECT 1 FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                                  WHERE l.partner_id = p.id AND s.is_won),
                          p.pool_locked
                     FROM res_partner p WHERE p.id = ANY(%s)""",
                self.ids,
            )
        )
        return {
            row[0]: {
                "claim_date": row[1],
                "last_followup": row[2],
                "has_opportunity": row[3],
                "is_won": row[4],
                "locked": row[5],
            }
            for row in self.env.cr.fetchall()
        }
