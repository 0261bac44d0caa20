from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestAccess(CrmServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_team = cls._create_ticket(name="Team ticket")
        cls.ticket_other_team = cls._create_ticket(
            name="Other team ticket", team_id=cls.other_team.id, partner_id=cls.other_customer.id
        )
        cls.ticket_contact = cls._create_ticket(name="Contact ticket", partner_id=cls.customer_contact.id)
        cls.portal_user = new_test_user(
            cls.env,
            login="crm_service_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )

    def test_user_sees_his_teams_tickets(self):
        visible = self.Ticket.with_user(self.user).search([])
        self.assertIn(self.ticket_team, visible)
        self.assertNotIn(self.ticket_other_team, visible)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.ticket_other_team.with_user(self.user).read(["name"])
        # assigned personally: visible even outside his teams
        self.ticket_other_team.user_id = self.user
        self.assertIn(self.ticket_other_team, self.Ticket.with_user(self.user).search([]))

    def test_team_manager_sees_team_tickets(self):
        lead = new_test_user(self.env, login="crm_service_lead", groups="crm_service.group_crm_service_user")
        self.other_team.user_id = lead
        self.assertIn(self.ticket_other_team, self.Ticket.with_user(lead).search([]))

    def test_manager_sees_all(self):
        visible = self.Ticket.with_user(self.manager).search([])
        self.assertTrue((self.ticket_team | self.ticket_other_team | self.ticket_contact) <= visible)

    def test_user_cannot_delete_manager_can(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.ticket_team.with_user(self.user).unlink()
        self.ticket_team.with_user(self.manager).unlink()
        self.assertFalse(self.ticket_team.exists())

    def test_user_cannot_configure(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["service.sla.policy"].with_user(self.user).create(
                {"name": "Mine", "team_id": self.team.id, "resolution_hours": 1}
            )

    def test_portal_user_only_his_own(self):
        Ticket = self.Ticket.with_user(self.portal_user)
        visible = Ticket.search([])
        self.assertIn(self.ticket_contact, visible)
        self.assertIn(self.ticket_team, visible, "tickets of his company are his own too")
        self.assertNotIn(self.ticket_other_team, visible)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Ticket.browse(self.ticket_other_team.id).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Ticket.browse(self.ticket_contact.id).write({"name": "Hacked"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Ticket.create({"name": "From portal"})

    def test_line_rules(self):
        product = self.env["product.product"].create({"name": "Hour", "type": "service"})
        line_other = self.env["service.ticket.line"].create(
            {"ticket_id": self.ticket_other_team.id, "product_id": product.id}
        )
        line_own = self.env["service.ticket.line"].create(
            {"ticket_id": self.ticket_team.id, "product_id": product.id}
        )
        visible = self.env["service.ticket.line"].with_user(self.user).search([])
        self.assertIn(line_own, visible)
        self.assertNotIn(line_other, visible)

    def test_user_creates_ticket_in_his_team(self):
        form = Form(self.Ticket.with_user(self.other_user))
        form.name = "Phone call: noisy fan"
        form.partner_id = self.other_customer
        self.assertEqual(form.team_id, self.other_team, "his team by default")
        ticket = form.save()
        self.assertEqual(ticket.team_id, self.other_team)
        # a plain service user (no stock, sales or invoicing rights) opens and edits the form
        with Form(ticket) as edit:
            edit.priority = "2"
        self.assertEqual(ticket.priority, "2")
        # he logs a ticket for another team too (as in Helpdesk) and keeps seeing it, not the team's others
        logged = self.Ticket.with_user(self.other_user).create(
            {"name": "Into another team", "team_id": self.team.id}
        )
        self.assertEqual(logged.with_user(self.other_user).team_id, self.team)
        theirs = self._create_ticket()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            theirs.with_user(self.other_user).read(["name"])
