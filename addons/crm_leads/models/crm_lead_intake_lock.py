from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger


class CrmLeadIntakeLock(models.Model):
    """One row per normalized contact key (company, email, phone, VAT) that the web intake saw lately.

    Two submissions of the same contact write the same rows: the second waits for the first and, in
    Odoo's repeatable-read transactions, fails with a serialization error that Odoo's request handling
    retries in a new transaction, which then sees the lead the first one created. So exactly one lead is
    created however many identical posts arrive at once."""

    _name = "crm.lead.intake.lock"
    _description = "Web Intake Contact Lock"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [("key_unique", "UNIQUE(key)", "One lock row per contact key.")]

    @api.model
    def _acquire(self, keys):
        """Lock ``keys`` (sorted, so that two posts never wait on each other crosswise) until the end of
        the transaction; raises a serialization error when a concurrent post wrote one of them first."""
        if not keys:
            return
        values = SQL(", ").join(SQL("(%s, %s)", key, fields.Datetime.now()) for key in keys)
        # a concurrent post is expected here, not a bad query: the request is retried
        with mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                SQL(
                    """INSERT INTO crm_lead_intake_lock (key, date) VALUES %s
                       ON CONFLICT (key) DO UPDATE SET date = EXCLUDED.date""",
                    values,
                )
            )

    @api.autovacuum
    def _gc_old_locks(self):
        """A lock only matters while its post runs: forget those older than a day."""
        limit = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute(SQL("DELETE FROM crm_lead_intake_lock WHERE date < %s", limit))
