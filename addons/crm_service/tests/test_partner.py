from odoo.tests import tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestPartner(CrmServiceCommon):
    def test_ticket_count_includes_contacts(self):
        self._create_ticket()
        self._create_ticket(partner_id=self.customer_contact.id)
        self._create_ticket(partner_id=self.other_customer.id)
        self.assertEqual(self.customer.service_ticket_count, 2)
        self.assertEqual(self.customer_contact.service_ticket_count, 1)
        self.assertEqual(self.other_customer.service_ticket_count, 1)
        action = self.customer.action_view_service_tickets()
        self.assertEqual(self.Ticket.search_count(action["domain"]), 2)

    def test_timeline_events(self):
        tickets = self.Ticket.create(
            [{"name": f"T{i}", "team_id": self.team.id, "partner_id": self.customer.id} for i in range(4)]
        )
        self._create_ticket(partner_id=self.other_customer.id)
        partners = self.customer | self.other_customer
        self.env.flush_all()
        with self.assertQueryCount(__system__=3):  # the partners and their contacts, then the tickets
            tickets_events = self.env["res.partner"]._timeline_collect_tickets(partners.ids, [], 3)
        events = self.env["res.partner"]._timeline_collect(partners.ids, 3)
        self.assertEqual(len([e for e in events if e["kind"] == "ticket"]), 4)
        self.assertEqual(len(tickets_events), 4, "3 newest of the customer + 1 of the other")
        mine = [e for e in tickets_events if e["partner_id"] == self.customer.id]
        self.assertEqual({e["res_id"] for e in mine}, set(tickets[1:].ids))
        self.assertTrue(all(e["model"] == "service.ticket" and e["state"] == "open" for e in mine))

    def test_timeline_respects_record_rules(self):
        self._create_ticket(team_id=self.other_team.id)
        events = self.env["res.partner"].with_user(self.user)._timeline_collect(self.customer.ids, 10)
        self.assertFalse([e for e in events if e["kind"] == "ticket"])
