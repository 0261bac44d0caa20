from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestSecurity(CrmLeadsCommon):
    def test_intake_sources_are_for_managers(self):
        source = self.env["crm.lead.intake.source"].create({"name": "Form"})
        with self.assertRaises(AccessError):
            source.with_user(self.user).read(["name"])
        self.assertTrue(source.with_user(self.manager).token)

    def test_engagement_events_follow_lead_owner(self):
        mine = self.Lead.create({"name": "Mine", "user_id": self.user.id})
        theirs = self.Lead.create({"name": "Theirs", "user_id": self.user2.id})
        Event = self.env["crm.lead.score.event"]
        Event.create([{"lead_id": lead.id, "name": "Call", "points": 5} for lead in mine | theirs])
        visible = Event.with_user(self.user).search([("lead_id", "in", (mine | theirs).ids)])
        self.assertEqual(visible.lead_id, mine)
        self.assertEqual(
            len(Event.with_user(self.manager).search([("lead_id", "in", (mine | theirs).ids)])), 2
        )

    def test_pool_config_is_for_managers(self):
        pool = self._create_pool()
        with self.assertRaises(AccessError):
            pool.with_user(self.user).write({"max_held": 1})
        pool.with_user(self.manager).write({"max_held": 1})
