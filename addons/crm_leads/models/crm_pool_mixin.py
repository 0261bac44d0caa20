import datetime

from psycopg2 import errors as pg_errors

from odoo import api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib import pool as pool_lib

# Fields only pool managers (leads managers, admins of the pool) may set; the transitions write them.
POOL_MANAGED_FIELDS = (
    "pool_id",
    "pool_locked",
    "pool_claim_date",
    "pool_last_followup",
    "pool_former_user_id",
    "pool_released_date",
    "pool_warned_date",
)


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

    @api.depends_context("uid")
    def _compute_pool_can_manage(self):
        for record in self:
            record.pool_can_manage = record._pool_user_manages(record.pool_id)

    def _pool_user_manages(self, pools):
        """Whether the current user manages ``pools`` (all of them): leads managers and pool admins."""
        if self.env.su or self.env.user.has_group("crm_leads.group_crm_leads_manager"):
            return True
        return all(self.env.user in pool.sudo().admin_ids for pool in pools)

    # ------------------------------------------------------------------
    # Guards: whatever the door (form, RPC, import, mass edit, merge), the owner of a pooled record
    # changes through _pool_change_owner and the pool fields are written by pool managers only.
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        defaults = self.default_get(["pool_id", "user_id"])
        owners, new_list = [], []
        for vals in vals_list:
            self._pool_check_create_values(vals)
            owner = False
            if vals.get("pool_id", defaults.get("pool_id")):
                owner = vals.get("user_id", defaults.get("user_id")) or False
                vals = dict(vals, user_id=False)  # the owner is set by the transition below
            owners.append(owner)
            new_list.append(vals)
        records = super().create(new_list)
        by_owner = {}
        for record, owner in zip(records, owners, strict=True):
            if owner:
                by_owner.setdefault(owner, []).append(record.id)
            elif record.pool_id:
                record._pool_check_member(self.env.user)
        for owner, ids in by_owner.items():
            self.browse(ids)._pool_change_owner(self.env["res.users"].browse(owner))
        return records

    def _pool_check_create_values(self, vals):
        """A salesperson may create a record in a pool he belongs to; the other pool fields are managed."""
        managed = [f for f in POOL_MANAGED_FIELDS if f != "pool_id" and vals.get(f)]
        pool = self.env["crm.lead.pool"].browse(vals.get("pool_id") or [])
        if managed and not self._pool_user_manages(pool):
            raise AccessError(self._pool_managed_fields_message(managed))

    def _pool_managed_fields_message(self, fnames):
        return self.env._(
            "Only pool managers can change %(fields)s.",
            fields=", ".join(self._fields[f].get_description(self.env)["string"] for f in fnames),
        )

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        self._pool_check_write_values(vals)
        if "user_id" not in vals:
            return super().write(vals)
        owner = self.env["res.users"].browse(vals["user_id"] or [])
        new_pool = vals.get("pool_id", None)
        pooled = self.filtered(lambda r: (r.pool_id if new_pool is None else new_pool) and r.user_id != owner)
        if not pooled:
            return super().write(vals)
        others = self - pooled
        if others:
            super(PoolMixin, others).write(vals)
        rest = {k: v for k, v in vals.items() if k != "user_id"}
        if rest:
            super(PoolMixin, pooled).write(rest)
        pooled._pool_change_owner(owner)
        return True

    def _pool_check_write_values(self, vals):
        """Refuse a change of the pool fields by someone who does not manage the pools concerned."""
        managed = [f for f in POOL_MANAGED_FIELDS if f in vals]
        if not managed:
            return
        pools = self.pool_id | self.env["crm.lead.pool"].browse(vals.get("pool_id") or [])
        if self._pool_user_manages(pools):
            return
        changed = [fname for fname in managed if self._pool_changes(fname, vals[fname])]
        if changed:
            raise AccessError(self._pool_managed_fields_message(changed))

    def _pool_changes(self, fname, value):
        """Records of ``self`` whose field ``fname`` would change if ``value`` were written."""
        if not self:
            return self
        field = self._fields[fname]
        new = field.convert_to_record(field.convert_to_cache(value, self[:1]), self[:1])
        return self.filtered(lambda r: r[fname] != new)

    def _pool_change_owner(self, user):
        """The one transition of the owner of pooled records, whatever the door that asks for it.

        Nobody: the owner returns them to the pool. The current user: a claim, with every check of the
        Claim button. Someone else: an assignment, for pool managers only.
        """
        if not user:
            return self.action_pool_release()
        if self._pool_user_manages(self.pool_id):
            return self._action_pool_assign(user)
        if user != self.env.user:
            raise UserError(
                self.env._(
                    "Only pool managers can give a record of a pool to someone else; "
                    "claim it for yourself or ask a pool manager."
                )
            )
        return self.action_pool_claim()

    def _prepare_pool_assign_values(self, user, now):
        return {"user_id": user.id, "pool_claim_date": now, "pool_warned_date": False}

    def _action_pool_assign(self, user):
        """A pool manager gives these records to ``user``: logged, and the recycle clock starts."""
        now = fields.Datetime.now()
        self.sudo().write(self._prepare_pool_assign_values(user, now))
        self._pool_after_claim(user)
        self.env["crm.lead.pool.log"]._log(self, "assign", user)
        return True

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

    def _pool_check_member(self, user):
        """Raise a clear UserError when ``user`` is not a member of the pools of these records."""
        for pool in self.sudo().pool_id:  # non-members may not read the pool: tell them why instead
            if pool.company_id and pool.company_id not in user.company_ids:
                raise UserError(
                    self.env._(
                        "The pool %(pool)s belongs to the company %(company)s.",
                        pool=pool.display_name,
                        company=pool.company_id.name,
                    )
                )
            if not pool._is_member(user):
                raise UserError(
                    self.env._("You are not a member of the pool %(pool)s.", pool=pool.display_name)
                )

    def _pool_check_claim(self, user, now):
        """Raise a clear UserError when ``user`` may not claim these records."""
        env = self.env
        # read as superuser: a non-member may not read the records of a restricted pool; tell him why
        if any(not record.pool_id for record in self.sudo()):
            raise UserError(env._("Only records that sit in a pool can be claimed."))
        for pool, records in self.sudo().grouped("pool_id").items():
            records._pool_check_member(user)
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
        self.flush_recordset()
        self._pool_lock_claimer(user)
        self._pool_check_claim(user, now)
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

    def _pool_lock_claimer(self, user):
        """Lock the claiming user until the end of the transaction, so that his caps hold.

        The row of the user is updated (not only locked): a claim of his committed after this
        transaction began is then a serialization failure, under REPEATABLE READ, instead of a count
        that misses it.
        """
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE NOWAIT", user.id),
                    log_exceptions=False,
                )
                cr.execute(
                    SQL("UPDATE res_users SET write_date = write_date WHERE id = %s", user.id),
                    log_exceptions=False,
                )
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
            raise UserError(
                self.env._("%(user)s is claiming other records right now; try again.", user=user.name)
            ) from None

    def _pool_after_claim(self, user):
        """Hook after a successful claim: re-apply the owner through the ORM for its side effects."""
        self.modified(["user_id"])

    # ------------------------------------------------------------------
    # Release / recycle
    # ------------------------------------------------------------------
    def action_pool_release(self):
        self._pool_check_release()
        for record in self:
            if record.user_id != self.env.user and not self.env.user.has_group(
                "crm_leads.group_crm_leads_manager"
            ):
                raise UserError(self.env._("You can only return your own records to the pool."))
        self._action_pool_release("release")
        return True

    def _pool_check_release(self):
        """Hook: raise a clear UserError for records that may not go back to the pool."""

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
                # in the owner's language: the job runs in nobody's
                "summary": record.with_context(lang=record.user_id.lang).env._(
                    "Follow up or it returns to the pool"
                ),
                "date_deadline": fields.Date.to_date(due_by_id[record.id]),
            }
            for record in records
            if record.user_id
        ]
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        records.sudo().write({"pool_warned_date": fields.Datetime.now()})

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if self.user_id and self.pool_id and not self.env.user.share and self._pool_is_followup(message):
            self.sudo().write({"pool_last_followup": fields.Datetime.now()})
        return res

    def _pool_is_followup(self, message):
        """An email, a call, a meeting or a logged note; not a to-do marked as done."""
        activity_type = message.sudo().mail_activity_type_id
        kind = False
        if activity_type:
            email = self.env.ref("mail.mail_activity_data_email", raise_if_not_found=False)
            kind = "email" if activity_type == email else activity_type.category or "default"
        return pool_lib.is_followup(message.message_type, kind)
