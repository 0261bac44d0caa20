import datetime

from psycopg2 import errors as pg_errors

from odoo import api, fields
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import pool as pool_lib


class PoolMixin:
    """Pool (公海) behaviour shared by leads (crm.lead) and customers (res.partner): claim, release, recycle.

    A plain Python mixin of the two model extensions (their ``pool_*`` fields are declared on each of
    them), so that both stay simple ``_inherit`` extensions.
    """

    __slots__ = ()  # same layout as the Odoo model classes it is mixed into

    @api.depends("pool_id", "user_id")
    def _compute_pool_in_pool(self):
        for record in self:
            record.pool_in_pool = bool(record.pool_id and not record.user_id)

    def _search_pool_in_pool(self, operator, value):
        positive = (operator == "=") == bool(value)
        if positive:
            return [("pool_id", "!=", False), ("user_id", "=", False)]
        return ["|", ("pool_id", "=", False), ("user_id", "!=", False)]

    # ------------------------------------------------------------------
    # Facts for the recycle rules (overridden per model)
    # ------------------------------------------------------------------
    def _pool_get_recycle_facts(self):
        """``{id: {claim_date, last_followup, has_opportunity, is_won, locked}}`` in a few queries."""
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # Claim
    # ------------------------------------------------------------------
    def action_pool_claim(self):
        self._action_pool_claim(self.env.user)
        return True

    def _get_pool_held_domain(self, pool, user):
        return [("pool_id", "=", pool.id), ("user_id", "=", user.id)]

    def _pool_check_claim(self, user, now):
        """Raise a clear UserError when ``user`` may not claim these records."""
        env = self.env
        if any(not record.pool_id for record in self):
            raise UserError(env._("Only records that sit in a pool can be claimed."))
        for pool, records in self.grouped("pool_id").items():
            pool = pool.sudo()  # non-members may not read the pool: tell them why instead
            if not pool._is_member(user):
                raise UserError(env._("You are not a member of the pool %(pool)s.", pool=pool.display_name))
            held_elsewhere = records.filtered(lambda r: r.user_id)
            if held_elsewhere:
                raise UserError(
                    env._(
                        "%(record)s has already been claimed by %(user)s.",
                        record=held_elsewhere[0].display_name,
                        user=held_elsewhere[0].user_id.name,
                    )
                )
            blocked = 0
            if pool.reclaim_block_days:
                since = now - datetime.timedelta(days=pool.reclaim_block_days)
                blocked = len(
                    records.filtered(
                        lambda r, since=since: r.pool_former_user_id == user
                        and r.pool_released_date
                        and r.pool_released_date > since
                    )
                )
            held = self.sudo().search_count(self._get_pool_held_domain(pool, user))
            claims_today = env["crm.lead.pool.log"]._count_claims_today(pool, user, now)
            refusal = pool_lib.claim_refusal(
                held=held,
                max_held=pool.max_held,
                claims_today=claims_today,
                max_claims_per_day=pool.max_claims_per_day,
                asked=len(records),
                blocked=blocked,
            )
            if refusal == "blocked":
                raise UserError(
                    env._(
                        "You returned this record to the pool less than %(days)s days ago: "
                        "you may not claim it back yet.",
                        days=pool.reclaim_block_days,
                    )
                )
            if refusal == "max_held":
                raise UserError(
                    env._(
                        "You already hold %(held)s records of the pool %(pool)s; the limit is %(max)s.",
                        held=held,
                        pool=pool.display_name,
                        max=pool.max_held,
                    )
                )
            if refusal == "max_claims":
                raise UserError(
                    env._(
                        "You have claimed %(count)s records today; the pool %(pool)s allows %(max)s a day.",
                        count=claims_today,
                        pool=pool.display_name,
                        max=pool.max_claims_per_day,
                    )
                )

    def _action_pool_claim(self, user):
        """Claim for ``user``: one conditional UPDATE, so that of two concurrent claims exactly one wins."""
        if not self:
            return self
        now = fields.Datetime.now()
        self._pool_check_claim(user, now)
        self.flush_recordset()
        cr = self.env.cr
        table = SQL.identifier(self._table)
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL("SELECT id FROM %s WHERE id IN %s FOR UPDATE NOWAIT", table, tuple(self.ids)),
                    log_exceptions=False,
                )
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
            raise UserError(
                self.env._("Someone else is claiming these records right now; try again.")
            ) from None
        cr.execute(
            SQL(
                """UPDATE %s SET user_id = %s, pool_claim_date = %s, pool_warned_date = NULL,
                          write_uid = %s, write_date = %s
                    WHERE id IN %s AND user_id IS NULL AND pool_id IS NOT NULL
                RETURNING id""",
                table,
                user.id,
                now,
                self.env.uid,
                now,
                tuple(self.ids),
            )
        )
        claimed = {row[0] for row in cr.fetchall()}
        self.invalidate_recordset(["user_id", "pool_claim_date", "pool_warned_date"])
        if len(claimed) != len(self):
            raise UserError(self.env._("Another salesperson claimed this record first."))
        self._pool_after_claim(user)
        self.env["crm.lead.pool.log"]._log(self, "claim", user)
        return self

    def _pool_after_claim(self, user):
        """Hook after a successful claim: re-apply the owner through the ORM for its side effects."""
        self.modified(["user_id"])

    # ------------------------------------------------------------------
    # Release / recycle
    # ------------------------------------------------------------------
    def action_pool_release(self):
        for record in self:
            if record.user_id != self.env.user and not self.env.user.has_group(
                "crm_leads.group_crm_leads_manager"
            ):
                raise UserError(self.env._("You can only return your own records to the pool."))
        self._action_pool_release("release")
        return True

    def _prepare_pool_release_values(self, record, now):
        return {
            "user_id": False,
            "pool_former_user_id": record.user_id.id,
            "pool_released_date": now,
            "pool_claim_date": False,
            "pool_warned_date": False,
            "pool_id": record.pool_id.id or self.env["crm.lead.pool"]._get_default_pool(self._name).id,
        }

    def _action_pool_release(self, action):
        now = fields.Datetime.now()
        missing = self.filtered(lambda r: not r.pool_id)
        if missing and not self.env["crm.lead.pool"]._get_default_pool(self._name):
            raise UserError(self.env._("There is no pool to return these records to."))
        logs = []
        for (user, _pool_id), records in self.grouped(lambda r: (r.user_id, r.pool_id.id)).items():
            values = self._prepare_pool_release_values(records[0], now)
            logs.append((records, user))
            records.sudo().write(values)
        for records, user in logs:
            self.env["crm.lead.pool.log"]._log(records, action, user)
        return True

    def _pool_warn(self, due_by_id):
        """Schedule the "about to return to the pool" to-do for the owners, once per claim."""
        if not due_by_id:
            return
        records = self.browse(list(due_by_id))
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": record.id,
                "user_id": record.user_id.id,
                "activity_type_id": activity_type.id if activity_type else False,
                "summary": self.env._("Follow up or it returns to the pool"),
                "date_deadline": fields.Date.to_date(due_by_id[record.id]),
            }
            for record in records
            if record.user_id
        ]
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        records.sudo().write({"pool_warned_date": fields.Datetime.now()})

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "comment" or message.mail_activity_type_id:
            if self.user_id and self.pool_id and not self.env.user.share:
                self.sudo().write({"pool_last_followup": fields.Datetime.now()})
        return res
