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
