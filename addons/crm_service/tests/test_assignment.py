from odoo.tests import tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestAssignment(CrmServiceCommon):
    def test_only_members_with_the_service_group_are_picked(self):
        outsider = self.env["res.users"].create(
            {
                "name": "No service rights",
                "login": "crm_service_outsider",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        self.team.member_ids = [(4, outsider.id)]
        self.team.assignment_method = "round_robin"
        tickets = self.Ticket.create([{"name": f"T{i}", "team_id": self.team.id} for i in range(4)])
        self.assertNotIn(outsider, tickets.user_id)

    def test_manual(self):
        ticket = self._create_ticket()
        self.assertFalse(ticket.user_id)
        ticket.with_user(self.user).action_assign_to_me()
        self.assertEqual(ticket.user_id, self.user)

    def test_round_robin_batch_and_single(self):
        self.team.assignment_method = "round_robin"
        members = self.team.member_ids.sorted("id")
        tickets = self.Ticket.create([{"name": f"T{i}", "team_id": self.team.id} for i in range(3)])
        self.assertEqual(tickets.mapped("user_id").ids, members.ids)
        self.assertEqual([t.user_id for t in tickets], [members[0], members[1], members[0]])
        nxt = self._create_ticket()
        self.assertEqual(nxt.user_id, members[1])

    def test_least_open(self):
        self.team.assignment_method = "least_open"
        self._create_ticket(user_id=self.user.id)
        self._create_ticket(user_id=self.user.id)
        closed = self._create_ticket(user_id=self.agent.id)
        closed.stage_id = self.stage_solved
        tickets = self.Ticket.create([{"name": f"T{i}", "team_id": self.team.id} for i in range(2)])
        self.assertEqual(tickets.mapped("user_id"), self.agent, "the agent has no open ticket: he gets both")
        four = self._create_ticket()
        self.assertEqual(four.user_id, self.user, "2 open each: the first member wins the tie")

    def test_explicit_user_kept_and_team_change(self):
        self.other_team.assignment_method = "round_robin"
        ticket = self._create_ticket(user_id=self.agent.id)
        self.assertEqual(ticket.user_id, self.agent)
        unassigned = self._create_ticket()
        unassigned.team_id = self.other_team
        self.assertEqual(unassigned.user_id, self.other_user)

    def test_no_members(self):
        self.other_team.write({"assignment_method": "least_open", "member_ids": [(5,)]})
        ticket = self._create_ticket(team_id=self.other_team.id)
        self.assertFalse(ticket.user_id)
