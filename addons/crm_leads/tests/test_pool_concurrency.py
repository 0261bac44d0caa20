from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestPoolConcurrency(CrmLeadsCommon):
    """Two salespeople claim the same lead at the same time, on two database connections."""

    def test_two_concurrent_claims_one_wins(self):
        admin = self.env.ref("base.user_admin").id
        demo = self.env.ref("base.user_demo").id
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pool = env["crm.lead.pool"].create({"name": "Concurrency pool", "res_model": "crm.lead"})
            lead = env["crm.lead"].create({"name": "Contested lead", "pool_id": pool.id, "user_id": False})
            pool_id, lead_id = pool.id, lead.id
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                lead1, lead2 = env1["crm.lead"].browse(lead_id), env2["crm.lead"].browse(lead_id)
                lead2.read(["user_id"])  # the second salesperson has the form open
                lead1._action_pool_claim(env1["res.users"].browse(admin))  # first claim, not committed yet
                with self.assertRaisesRegex(UserError, "right now"):
                    lead2._action_pool_claim(env2["res.users"].browse(demo))
                cr2.rollback()
                cr1.commit()
                env2.invalidate_all()
                with self.assertRaisesRegex(UserError, "already been claimed"):
                    lead2._action_pool_claim(env2["res.users"].browse(demo))
                cr2.rollback()
            with self.registry.cursor() as cr:
                cr.execute("SELECT user_id FROM crm_lead WHERE id = %s", [lead_id])
                self.assertEqual(cr.fetchone()[0], admin, "exactly one claim won")
                cr.execute(
                    "SELECT count(*) FROM crm_lead_pool_log WHERE res_id = %s AND action = 'claim'", [lead_id]
                )
                self.assertEqual(cr.fetchone()[0], 1)
        finally:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["crm.lead.pool.log"].search([("pool_id", "=", pool_id)]).unlink()
                env["crm.lead"].with_context(active_test=False).browse(lead_id).unlink()
                env["crm.lead.pool"].browse(pool_id).unlink()

    def _make_pool_with_leads(self, **pool_values):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pool = env["crm.lead.pool"].create(
                dict({"name": "Cap pool", "res_model": "crm.lead", "auto_recycle": False}, **pool_values)
            )
            leads = env["crm.lead"].create(
                [{"name": f"Cap lead {i}", "pool_id": pool.id, "user_id": False} for i in range(2)]
            )
            return pool.id, leads.ids

    def _cleanup(self, pool_id, lead_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["crm.lead.pool.log"].search([("pool_id", "=", pool_id)]).unlink()
            env["crm.lead"].with_context(active_test=False).browse(lead_ids).unlink()
            env["crm.lead.pool"].browse(pool_id).unlink()

    def _held(self, pool_id, user_id):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM crm_lead WHERE pool_id = %s AND user_id = %s", [pool_id, user_id]
            )
            return cr.fetchone()[0]

    def test_parallel_claims_keep_max_held(self):
        """Two claims of the same salesperson at once, of two different leads: the cap of 1 holds."""
        demo = self.env.ref("base.user_demo").id
        pool_id, lead_ids = self._make_pool_with_leads(max_held=1)
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                user1, user2 = env1["res.users"].browse(demo), env2["res.users"].browse(demo)
                env2["crm.lead"].browse(lead_ids[1]).read(["user_id"])  # second request under way
                env1["crm.lead"].browse(lead_ids[0])._action_pool_claim(user1)  # not committed yet
                with self.assertRaisesRegex(UserError, "claiming other records right now"):
                    env2["crm.lead"].browse(lead_ids[1])._action_pool_claim(user2)
                cr2.rollback()
                cr1.commit()
                env2.invalidate_all()
                with self.assertRaisesRegex(UserError, "the limit is 1"):
                    env2["crm.lead"].browse(lead_ids[1])._action_pool_claim(user2)
                cr2.rollback()
            self.assertEqual(self._held(pool_id, demo), 1)
        finally:
            self._cleanup(pool_id, lead_ids)

    def test_claim_committed_after_snapshot_keeps_daily_limit(self):
        """The other claim committed after this transaction began: refused, not counted from a stale view."""
        demo = self.env.ref("base.user_demo").id
        pool_id, lead_ids = self._make_pool_with_leads(max_claims_per_day=1)
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                user1, user2 = env1["res.users"].browse(demo), env2["res.users"].browse(demo)
                env2["crm.lead"].browse(lead_ids[1]).read(["user_id"])  # snapshot of the second request
                env1["crm.lead"].browse(lead_ids[0])._action_pool_claim(user1)
                cr1.commit()
                with self.assertRaisesRegex(UserError, "right now; try again"):
                    env2["crm.lead"].browse(lead_ids[1])._action_pool_claim(user2)
                cr2.rollback()
                env2.invalidate_all()
                with self.assertRaisesRegex(UserError, "allows 1 a day"):
                    env2["crm.lead"].browse(lead_ids[1])._action_pool_claim(user2)
                cr2.rollback()
            self.assertEqual(self._held(pool_id, demo), 1)
        finally:
            self._cleanup(pool_id, lead_ids)
