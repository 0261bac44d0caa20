from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmLeadIntakeHit(models.Model):
    """One accepted web intake post: what the per-source and per-address rate limits count."""

    _name = "crm.lead.intake.hit"
    _description = "Web Intake Post"
    _log_access = False

    source_id = fields.Many2one("crm.lead.intake.source", required=True, ondelete="cascade", readonly=True)
    address = fields.Char("IP address", readonly=True)
    date = fields.Datetime(required=True, readonly=True)

    def _auto_init(self):
        res = super()._auto_init()
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS crm_lead_intake_hit_source_date_idx
                   ON crm_lead_intake_hit (source_id, date)"""
            )
        )
        return res

    @api.model
    def _get_recent_counts(self, source, address, since):
        """``(posts of the source, posts of the address to the source)`` since ``since``."""
        self.env.cr.execute(
            SQL(
                """SELECT count(*), count(*) FILTER (WHERE address = %s)
                     FROM crm_lead_intake_hit WHERE source_id = %s AND date >= %s""",
                address,
                source.id,
                since,
            )
        )
        return self.env.cr.fetchone()

    @api.autovacuum
    def _gc_old_hits(self):
        """The limits count the last minute: forget the posts older than a day."""
        limit = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute(SQL("DELETE FROM crm_lead_intake_hit WHERE date < %s", limit))
