from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmLeadsCommon


class PoolDoorsCommon(CrmLeadsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = cls._create_pool(
            member_ids=[Command.set((cls.user | cls.user2).ids)],
            reclaim_block_days=5,
            max_held=1,
            rule_ids=[Command.create({"rule_type": "no_followup", "days": 10, "keep_won": True})],
        )
        cls.leads = cls.Lead.create(
            [
                {"name": f"Door lead {i}", "pool_id": cls.pool.id, "user_id": False, "type": "lead"}
                for i in range(3)
            ]
        )
        cls.outsider = new_test_user(
            cls.env, login="crm_leads_pool_outsider", groups="sales_team.group_sale_salesman"
        )
        cls.Log = cls.env["crm.lead.pool.log"]

    def _logs(self, records):
        return self.Log.search([("res_model", "=", records._name), ("res_id", "in", records.ids)])


@tagged("post_install", "-at_install")
class TestPoolOwnerDoors(PoolDoorsCommon):
    """The owner of a pooled record changes through one guarded transition, whatever the door."""

    def test_write_salesperson_is_a_claim(self):
        lead = self.leads[0]
        lead.with_user(self.user).write({"user_id": self.user.id})
        self.assertEqual(lead.user_id, self.user)
        self.assertTrue(lead.pool_claim_date, "the recycle clock starts")
        log = self._logs(lead)
        self.assertEqual((log.action, log.user_id, log.actor_id), ("claim", self.user, self.user))

    def test_write_salesperson_over_cap_refused(self):
        self.leads[0].with_user(self.user).action_pool_claim()
        with self.assertRaisesRegex(UserError, "the limit is 1"):
            self.leads[1].with_user(self.user).write({"user_id": self.user.id})
        self.assertFalse(self.leads[1].user_id)
        self.assertFalse(self._logs(self.leads[1]))

    def test_form_salesperson_over_cap_refused(self):
        self.leads[0].with_user(self.user).action_pool_claim()
        form = Form(self.leads[1].with_user(self.user))
        form.user_id = self.user
        with self.assertRaisesRegex(UserError, "the limit is 1"):
            form.save()
        self.assertFalse(self.leads[1].user_id)

    def test_mass_edit_over_cap_refused(self):
        with self.assertRaisesRegex(UserError, "the limit is 1"):
            self.leads[:2].with_user(self.user).write({"user_id": self.user.id})
        self.assertFalse(self.leads[:2].user_id)

    def test_import_over_cap_refused(self):
        self.leads[0].with_user(self.user).action_pool_claim()
        result = self.Lead.with_user(self.user).load(
            [".id", "user_id/.id"], [[str(self.leads[1].id), str(self.user.id)]]
        )
        self.assertFalse(result["ids"])
        self.assertIn("the limit is 1", " ".join(m["message"] for m in result["messages"]))
        self.assertFalse(self.leads[1].user_id)

    def test_import_reclaim_block_refused(self):
        lead = self.leads[0]
        lead.with_user(self.user).action_pool_claim()
        lead.with_user(self.user).action_pool_release()
        rows = [[str(lead.id), str(self.user.id)]]
        result = self.Lead.with_user(self.user).load([".id", "user_id/.id"], rows)
        self.assertIn("less than 5 days", " ".join(m["message"] for m in result["messages"]))
        self.assertFalse(lead.user_id)

    def test_merge_reclaim_block_refused(self):
        pooled = self.leads[0]
        pooled.with_user(self.user).action_pool_claim()
        pooled.with_user(self.user).action_pool_release()
        pooled.type = "opportunity"  # the head of the merge
        own = self.Lead.with_user(self.user).create({"name": "My own lead", "type": "lead"})
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(self.user)
            .create({"opportunity_ids": [Command.set((pooled | own).ids)], "user_id": self.user.id})
        )
        with self.assertRaisesRegex(UserError, "less than 5 days"):
            wizard.action_merge()
        self.assertFalse(pooled.user_id)

    def test_salesman_cannot_give_away(self):
        lead = self.leads[0]
        lead.with_user(self.user).action_pool_claim()
        with self.assertRaisesRegex(UserError, "Only pool managers can give"):
            lead.with_user(self.user).write({"user_id": self.user2.id})
        with self.assertRaisesRegex(UserError, "already been claimed by"):
            lead.with_user(self.user2).write({"user_id": self.user2.id})
        self.assertEqual(lead.user_id, self.user)

    def test_owner_clearing_salesperson_returns_to_pool(self):
        lead = self.leads[0]
        lead.with_user(self.user).action_pool_claim()
        lead.with_user(self.user).write({"user_id": False})
        self.assertTrue(lead.pool_in_pool)
        self.assertEqual(lead.pool_former_user_id, self.user)
        self.assertEqual(self._logs(lead).mapped("action"), ["release", "claim"])

    def test_manager_assigns_logged_with_claim_date(self):
        lead = self.leads[0]
        self.leads[1].with_user(self.user).action_pool_claim()  # the cap is for claims, not assignments
        with freeze_time("2026-06-01 08:00:00"):
            lead.with_user(self.manager).write({"user_id": self.user.id})
        self.assertEqual(lead.user_id, self.user)
        self.assertEqual(lead.pool_claim_date, fields.Datetime.to_datetime("2026-06-01 08:00:00"))
        log = self._logs(lead)
        self.assertEqual((log.action, log.user_id, log.actor_id), ("assign", self.user, self.manager))
        with freeze_time("2026-06-12 08:00:00"):
            self.pool._action_recycle()
        self.assertFalse(lead.user_id, "assigned records are recycled like claimed ones")

    def test_create_in_pool_is_a_claim(self):
        lead = self.Lead.with_user(self.user).create({"name": "Created in the pool", "pool_id": self.pool.id})
        self.assertEqual(lead.user_id, self.user)
        self.assertTrue(lead.pool_claim_date)
        self.assertEqual(self._logs(lead).action, "claim")
        with self.assertRaisesRegex(UserError, "the limit is 1"):
            self.Lead.with_user(self.user).create({"name": "Second one", "pool_id": self.pool.id})

    def test_partner_salesperson_taken_by_colleague_refused(self):
        pool = self._create_pool(name="Customers", res_model="res.partner")
        partner = self.env["res.partner"].create({"name": "Pooled customer", "pool_id": pool.id})
        partner.with_user(self.user).action_pool_claim()
        form = Form(partner.with_user(self.user2))
        form.user_id = self.user2
        with self.assertRaisesRegex(UserError, "already been claimed by"):
            form.save()
        self.assertEqual(partner.user_id, self.user)
        partner.with_user(self.manager).write({"user_id": self.user2.id})
        self.assertEqual(partner.user_id, self.user2)
        self.assertEqual(self._logs(partner)[0].action, "assign")

    def test_leads_without_pool_untouched(self):
        """A salesperson who uses no pool keeps Odoo's own behaviour."""
        lead = self.Lead.with_user(self.outsider).create({"name": "Plain lead"})
        self.assertEqual(lead.user_id, self.outsider)
        lead.with_user(self.outsider).write({"user_id": False})
        lead.with_user(self.user).write({"user_id": self.user2.id})
        self.assertEqual(lead.user_id, self.user2)
        self.assertFalse(self._logs(lead))


@tagged("post_install", "-at_install")
class TestPoolFields(PoolDoorsCommon):
    """Pool fields are written by pool managers only; only a real follow-up resets the clock."""

    def test_salesman_cannot_write_pool_fields(self):
        lead = self.leads[0]
        lead.with_user(self.user).action_pool_claim()
        claimed_on = lead.pool_claim_date
        for vals in (
            {"pool_locked": True},
            {"pool_id": False},
            {"pool_claim_date": "2099-01-01 00:00:00"},
            {"pool_last_followup": "2099-01-01 00:00:00"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "Only pool managers"):
                lead.with_user(self.user).write(vals)
        self.assertEqual(
            (lead.pool_locked, lead.pool_id, lead.pool_claim_date, lead.pool_last_followup),
            (False, self.pool, claimed_on, False),
        )
        self.assertFalse(lead.with_user(self.user).pool_can_manage, "read-only in the form")
        # an unchanged value (an import of the whole row) is no change
        lead.with_user(self.user).write({"pool_id": self.pool.id, "pool_locked": False})

    def test_manager_writes_pool_fields(self):
        lead = self.leads[0]
        self.assertTrue(lead.with_user(self.manager).pool_can_manage)
        lead.with_user(self.manager).write({"pool_locked": True})
        self.assertTrue(lead.pool_locked)
        admin = new_test_user(self.env, login="crm_leads_pool_admin", groups="sales_team.group_sale_salesman")
        self.pool.admin_ids = admin
        lead.with_user(admin).write({"pool_locked": False})
        self.assertFalse(lead.pool_locked)

    def test_todo_done_is_no_followup(self):
        lead = self.leads[0]
        with freeze_time("2026-06-01 08:00:00"):
            lead.with_user(self.user).action_pool_claim()
        with freeze_time("2026-06-08 08:00:00"):
            self.pool.warn_days = 3
            self.pool._action_recycle()
            todo = lead.activity_ids
            self.assertEqual(todo.summary, "Follow up or it returns to the pool")
            todo.with_user(self.user).action_done()
            self.assertFalse(lead.pool_last_followup, "a to-do marked as done resets nothing")
            call = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.user.id)
            call.with_user(self.user).action_feedback(feedback="Spoke to the buyer")
            self.assertEqual(lead.pool_last_followup, fields.Datetime.now())
        with freeze_time("2026-06-09 08:00:00"):
            lead.with_user(self.user).message_post(body="Met at the fair", message_type="comment")
            self.assertEqual(lead.pool_last_followup, fields.Datetime.now(), "a logged note is a follow-up")
        with freeze_time("2026-06-12 08:00:00"):
            self.pool._action_recycle()
        self.assertEqual(lead.user_id, self.user)


@tagged("post_install", "-at_install")
class TestPoolBoundaries(PoolDoorsCommon):
    """Daily limit in the user's day, companies, restricted pools, recycling without claim date."""

    def test_daily_limit_in_user_time_zone(self):
        self.pool.write({"max_held": 0, "max_claims_per_day": 1})
        self.user.tz = "Asia/Shanghai"
        with freeze_time("2026-05-01 17:00:00"):  # 01:00 on May 2nd in Shanghai
            self.leads[0].with_user(self.user).action_pool_claim()
        with freeze_time("2026-05-02 01:00:00"), self.assertRaisesRegex(UserError, "allows 1 a day"):
            self.leads[1].with_user(self.user).action_pool_claim()  # 09:00 the same day in Shanghai
        with freeze_time("2026-05-02 16:30:00"):  # 00:30 on May 3rd in Shanghai
            self.leads[1].with_user(self.user).action_pool_claim()
        self.assertEqual(self.leads[1].user_id, self.user)

    def test_company_boundaries(self):
        company1 = self.env.company
        company2 = self.env["res.company"].create({"name": "Pool Company 2"})
        self.pool.write({"company_id": company1.id, "member_ids": [Command.clear()], "max_held": 0})
        web_lead = self.leads[0]
        web_lead.company_id = False
        user_c2 = new_test_user(
            self.env,
            login="crm_leads_pool_c2",
            groups="sales_team.group_sale_salesman",
            company_id=company2.id,
            company_ids=[Command.set(company2.ids)],
        )
        self.assertFalse(self.env["crm.lead.pool"].with_user(user_c2).search([("id", "=", self.pool.id)]))
        with self.assertRaisesRegex(UserError, "belongs to the company"):
            web_lead.with_user(user_c2).action_pool_claim()
        self.assertFalse(web_lead.user_id)
        # a user of both companies working in company 2: the lead stays in the company of its pool
        self.user.write({"company_ids": [Command.link(company2.id)]})
        web_lead.with_user(self.user).with_context(
            allowed_company_ids=[company2.id, company1.id]
        ).action_pool_claim()
        self.assertEqual(web_lead.company_id, company1)
        # the history of company 1's pool is not shown in company 2
        self.assertTrue(self._logs(web_lead).company_id == company1)
        self.assertFalse(
            self.Log.with_user(self.user).with_context(allowed_company_ids=company2.ids).search([])
        )
        self.assertTrue(
            self.Log.with_user(self.user).with_context(allowed_company_ids=company1.ids).search([])
        )

    def test_non_member_sees_nothing_of_restricted_pool(self):
        self.leads.write({"expected_revenue": 1000})
        plain = self.Lead.create({"name": "Lead in no pool", "user_id": False, "expected_revenue": 5})
        Lead = self.Lead.with_user(self.outsider)
        self.assertEqual(Lead.search_count([("pool_id", "=", self.pool.id)]), 0)
        mine = (self.leads | plain).ids
        self.assertEqual(Lead.search([("id", "in", mine)]), plain, "Odoo's own rules still apply")
        groups = Lead._read_group([("pool_id", "!=", False)], [], ["expected_revenue:sum"])
        self.assertFalse(groups[0][0])
        with self.assertRaises(AccessError):
            self.leads[0].with_user(self.outsider).read(["email_from", "expected_revenue"])
        self.assertEqual(self.Lead.with_user(self.user).search_count([("pool_id", "=", self.pool.id)]), 3)
        self.assertEqual(self.Lead.with_user(self.manager).search_count([("pool_id", "=", self.pool.id)]), 3)
        # customers of a restricted pool: no contact details for non-members
        customer_pool = self._create_pool(
            name="Key accounts", res_model="res.partner", member_ids=[Command.set(self.user.ids)]
        )
        partner = self.env["res.partner"].create(
            {"name": "Key account", "email": "key@example.com", "pool_id": customer_pool.id}
        )
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.with_user(self.outsider).search([("email", "=", "key@example.com")]))
        with self.assertRaises(AccessError):
            partner.with_user(self.outsider).read(["email", "phone"])
        self.assertEqual(partner.with_user(self.user).email, "key@example.com")

    def test_recycle_owned_without_claim_date(self):
        with freeze_time("2026-06-01 08:00:00"):
            lead = self.Lead.create(
                {"name": "Owned before the pool rules", "pool_id": self.pool.id, "user_id": self.user.id}
            )
        self.env.cr.execute(
            "UPDATE crm_lead SET pool_claim_date = NULL, create_date = '2026-06-01 08:00:00' WHERE id = %s",
            [lead.id],
        )
        lead.invalidate_recordset()
        with freeze_time("2026-06-12 08:00:00"):
            self.pool._action_recycle()
        self.assertFalse(lead.user_id)
        self.assertEqual(self._logs(lead)[0].action, "recycle")


@tagged("post_install", "-at_install")
class TestPoolScreens(PoolDoorsCommon):
    """What the salesperson sees: buttons where they belong, a readable history."""

    def _arch(self, model, view_type, user):
        return self.env[model].with_user(user).get_views([(False, view_type)])["views"][view_type]["arch"]

    def test_won_deal_not_returned(self):
        lead = self.leads[0]
        lead.with_user(self.user).action_pool_claim()
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead.write({"type": "opportunity", "stage_id": won.id})
        with self.assertRaisesRegex(UserError, "is won"):
            lead.with_user(self.user).action_pool_release()
        self.assertEqual(lead.user_id, self.user)
        arch = self._arch("crm.lead", "form", self.user)
        self.assertIn('name="action_pool_release"', arch)
        self.assertRegex(arch, r'name="action_pool_release"[^>]*invisible="[^"]*probability == 100')

    def test_history_names_the_record_and_actor(self):
        lead = self.leads[0]
        lead.with_user(self.manager).write({"user_id": self.user.id})
        log = self.Log.with_user(self.manager).search([("res_id", "=", lead.id)])
        self.assertEqual(log.res_name, "Door lead 0")
        self.assertEqual(log.actor_id, self.manager)
        action = log.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", lead.id))
        arch = self._arch("crm.lead.pool.log", "list", self.manager)
        for needle in ('name="res_name"', 'name="actor_id"', 'name="action_open_record"'):
            self.assertIn(needle, arch)

    def test_claim_buttons_visible(self):
        lead_list = self.env["crm.lead"].with_user(self.user).get_views([(False, "list")])["views"]["list"]
        self.assertRegex(lead_list["arch"], r'(?s)<header>.*name="action_pool_claim"')
        partner_form = self._arch("res.partner", "form", self.user)
        self.assertRegex(partner_form, r'(?s)<header>.*name="action_pool_claim".*name="action_pool_release"')
        stat = r"oe_stat_button[^>]*action_pool_claim|action_pool_claim[^>]*oe_stat"
        self.assertNotRegex(partner_form, stat)


@tagged("post_install", "-at_install")
class TestPoolTeamAssignment(PoolDoorsCommon):
    def test_team_assignment_leaves_pool_leads(self):
        """Odoo's lead assignment (a cron, not a superuser) gives no pooled lead to a team member."""
        team = self.env["crm.team"].create({"name": "Pool door team", "assignment_max": 30})
        self.env["crm.team.member"].create(
            {"crm_team_id": team.id, "user_id": self.user.id, "assignment_max": 30}
        )
        self.leads.write({"team_id": team.id})
        plain = self.Lead.create({"name": "Team lead", "team_id": team.id, "user_id": False})
        team.with_user(self.env.ref("base.user_root"))._action_assign_leads(force_quota=True)
        self.assertEqual(plain.user_id, self.user)
        self.assertFalse(self.leads.user_id, "pooled leads wait for a claim")
