from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestPool(CrmLeadsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls._create_pool(
            member_ids=[Command.set((cls.user | cls.user2).ids)],
            reclaim_block_days=5,
            warn_days=3,
            rule_ids=[Command.create({"rule_type": "no_followup", "days": 10, "keep_won": True})],
        )
        cls.leads = cls.Lead.create(
            [
                {"name": f"Pool lead {i}", "pool_id": cls.pool.id, "user_id": False, "type": "lead"}
                for i in range(4)
            ]
        )

    def test_claim_and_release(self):
        lead = self.leads[0]
        self.assertTrue(lead.pool_in_pool)
        lead.with_user(self.user).action_pool_claim()
        self.assertEqual(lead.user_id, self.user)
        self.assertTrue(lead.pool_claim_date)
        self.assertFalse(lead.pool_in_pool)
        log = self.env["crm.lead.pool.log"].search([("res_id", "=", lead.id), ("res_model", "=", "crm.lead")])
        self.assertEqual((log.action, log.user_id), ("claim", self.user))
        with self.assertRaisesRegex(UserError, "already been claimed"):
            lead.with_user(self.user2).action_pool_claim()
        with self.assertRaisesRegex(UserError, "your own records"):
            lead.with_user(self.user2).action_pool_release()
        lead.with_user(self.user).action_pool_release()
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.pool_former_user_id, self.user)
        self.assertTrue(lead.pool_in_pool)

    def test_former_owner_blocked(self):
        lead = self.leads[0]
        with freeze_time("2026-05-01 09:00:00"):
            lead.with_user(self.user).action_pool_claim()
            lead.with_user(self.user).action_pool_release()
            with self.assertRaisesRegex(UserError, "less than 5 days"):
                lead.with_user(self.user).action_pool_claim()
        with freeze_time("2026-05-04 09:00:00"):
            lead.with_user(self.user2).action_pool_claim()  # someone else may
            lead.with_user(self.user2).action_pool_release()
        with freeze_time("2026-05-07 09:00:00"):
            lead.with_user(self.user).action_pool_claim()
        self.assertEqual(lead.user_id, self.user)

    def test_non_member_refused(self):
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "crm_leads_outsider",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "not a member"):
            self.leads[0].with_user(outsider).action_pool_claim()
        self.assertFalse(self.leads[0].user_id)
        # the pool itself is hidden from non-members by a record rule
        self.assertFalse(self.env["crm.lead.pool"].with_user(outsider).search([("id", "=", self.pool.id)]))
        self.assertTrue(self.env["crm.lead.pool"].with_user(self.user).search([("id", "=", self.pool.id)]))

    def test_claim_outside_pool_refused(self):
        lead = self.Lead.create({"name": "Free", "user_id": False})
        with self.assertRaisesRegex(UserError, "sit in a pool"):
            lead.with_user(self.user).action_pool_claim()

    def test_cap_on_held(self):
        self.pool.max_held = 2
        self.leads[:2].with_user(self.user).action_pool_claim()
        with self.assertRaisesRegex(UserError, "limit is 2"):
            self.leads[2].with_user(self.user).action_pool_claim()
        self.assertFalse(self.leads[2].user_id, "nothing claimed")

    def test_cap_on_claims_a_day(self):
        self.pool.max_claims_per_day = 1
        with freeze_time("2026-05-01 09:00:00"):
            self.leads[0].with_user(self.user).action_pool_claim()
            with self.assertRaisesRegex(UserError, "allows 1 a day"):
                self.leads[1].with_user(self.user).action_pool_claim()
        with freeze_time("2026-05-02 09:00:00"):
            self.leads[1].with_user(self.user).action_pool_claim()
        self.assertEqual(self.leads[1].user_id, self.user)

    def test_stale_claim_loses(self):
        """A claim that passed its checks before another one won is refused by the conditional UPDATE."""
        self.leads[0].with_user(self.user).action_pool_claim()
        with (
            patch.object(type(self.Lead), "_pool_check_claim", lambda self, user, now: None),
            self.assertRaisesRegex(UserError, "claimed this record first"),
        ):
            self.leads[0].with_user(self.user2)._action_pool_claim(self.user2)
        self.assertEqual(self.leads[0].user_id, self.user)

    def test_recycle_rules_warn_then_recycle(self):
        lead, followed, won, locked = self.leads
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        with freeze_time("2026-06-01 08:00:00"):
            self.leads.with_user(self.user).action_pool_claim()
            won.write({"type": "opportunity", "stage_id": won_stage.id})
            locked.pool_locked = True
        with freeze_time("2026-06-05 08:00:00"):
            followed.with_user(self.user).message_post(body="Called them", message_type="comment")
            self.assertTrue(followed.pool_last_followup)
        with freeze_time("2026-06-08 08:00:00"):
            self.pool._action_recycle()
            self.assertTrue(lead.pool_warned_date, "due on the 11th: warned 3 days before")
            self.assertTrue(lead.activity_ids.filtered(lambda a: a.user_id == self.user))
            self.assertFalse(followed.pool_warned_date)
            self.pool._action_recycle()
            self.assertEqual(len(lead.activity_ids), 1, "warned once")
        with freeze_time("2026-06-11 09:00:00"):
            self.env["crm.lead.pool"]._cron_recycle()
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.pool_former_user_id, self.user)
        self.assertEqual(followed.user_id, self.user, "followed up on the 5th: due on the 15th")
        self.assertEqual(won.user_id, self.user, "won customers are kept")
        self.assertEqual(locked.user_id, self.user, "locked records are never recycled")
        log = self.env["crm.lead.pool.log"].search([("res_id", "=", lead.id), ("action", "=", "recycle")])
        self.assertEqual(log.user_id, self.user)

    def test_pool_warning_in_the_owners_language(self):
        """The recycle job runs in no one's language: the warning to-do is in its owner's (zh_CN here)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_leads"], ["zh_CN"], overwrite=True)
        self.user.lang = "zh_CN"
        lead = self.leads[0]
        with freeze_time("2026-06-01 08:00:00"):
            lead.with_user(self.user).action_pool_claim()
        with freeze_time("2026-06-08 08:00:00"):
            self.pool.with_context(lang="en_US")._action_recycle()
        self.assertEqual(lead.activity_ids.summary, "请跟进，否则将退回公海")

    def test_recycle_no_opportunity_rule(self):
        self.pool.rule_ids = [
            Command.clear(),
            Command.create({"rule_type": "no_opportunity", "days": 5, "keep_won": False}),
        ]
        lead, opportunity = self.leads[:2]
        with freeze_time("2026-06-01 08:00:00"):
            (lead | opportunity).with_user(self.user).action_pool_claim()
            opportunity.type = "opportunity"
        with freeze_time("2026-06-07 08:00:00"):
            self.pool._action_recycle()
        self.assertFalse(lead.user_id)
        self.assertEqual(opportunity.user_id, self.user)

    def test_auto_recycle_off(self):
        self.pool.auto_recycle = False
        with freeze_time("2026-06-01 08:00:00"):
            self.leads[0].with_user(self.user).action_pool_claim()
        with freeze_time("2026-07-01 08:00:00"):
            self.env["crm.lead.pool"]._cron_recycle()
        self.assertEqual(self.leads[0].user_id, self.user)

    def test_customer_pool(self):
        pool = self._create_pool(
            name="Customers",
            res_model="res.partner",
            rule_ids=[Command.create({"rule_type": "not_won", "days": 30, "keep_won": True})],
        )
        partners = self.env["res.partner"].create(
            [{"name": "Cust A", "pool_id": pool.id}, {"name": "Cust B", "pool_id": pool.id}]
        )
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        with freeze_time("2026-06-01 08:00:00"):
            partners.with_user(self.user).action_pool_claim()
            self.Lead.create(
                {
                    "name": "Deal",
                    "type": "opportunity",
                    "partner_id": partners[1].id,
                    "stage_id": won_stage.id,
                }
            )
        self.assertEqual(partners.user_id, self.user)
        with freeze_time("2026-07-05 08:00:00"):
            pool._action_recycle()
        self.assertFalse(partners[0].user_id)
        self.assertEqual(partners[1].user_id, self.user, "won customer kept")

    def test_log_visibility(self):
        self.leads[0].with_user(self.user).action_pool_claim()
        self.leads[1].with_user(self.user2).action_pool_claim()
        Log = self.env["crm.lead.pool.log"]
        self.assertEqual(Log.with_user(self.user).search([]).user_id, self.user)
        self.assertEqual(len(Log.with_user(self.manager).search([("pool_id", "=", self.pool.id)])), 2)
        with self.assertRaises(AccessError):
            Log.with_user(self.user).search([]).unlink()

    def test_pool_counts(self):
        self.leads[0].with_user(self.user).action_pool_claim()
        self.assertEqual((self.pool.lead_count, self.pool.held_count), (3, 1))
        action = self.pool.action_open_records()
        self.assertEqual(action["res_model"], "crm.lead")
