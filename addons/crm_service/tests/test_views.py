from odoo.tests import Form, tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestViews(CrmServiceCommon):
    def test_ticket_views_load_for_users(self):
        ticket = self._create_ticket(user_id=self.user.id)
        for user in (self.user, self.manager):
            Ticket = self.env["service.ticket"].with_user(user)
            views = Ticket.get_views(
                [(False, v) for v in ("kanban", "list", "form", "pivot", "graph", "activity", "search")]
            )
            self.assertEqual(
                set(views["views"]), {"kanban", "list", "form", "pivot", "graph", "activity", "search"}
            )
            spec = {"name": {}, "stage_id": {"fields": {"display_name": {}}}, "sla_breached": {}}
            self.assertTrue(Ticket.web_search_read([("id", "=", ticket.id)], spec)["records"])
            groups = Ticket.web_read_group([("id", "=", ticket.id)], ["sla_breached"], ["team_id"])
            self.assertEqual(groups["length"], 1)

    def test_config_views_for_manager(self):
        env = self.env(user=self.manager)
        for model in ("service.team", "service.sla.policy", "service.ticket.stage", "service.ticket.type"):
            self.assertIn("list", env[model].get_views([(False, "list")])["views"])
        with Form(self.team.with_user(self.manager)) as form:
            form.assignment_method = "least_open"
        self.assertEqual(self.team.assignment_method, "least_open")

    def test_partner_and_order_buttons(self):
        self._create_ticket()
        partner_view = self.env["res.partner"].with_user(self.user).get_views([(False, "form")])
        self.assertIn("service_ticket_count", partner_view["views"]["form"]["arch"])
        self.assertEqual(self.customer.with_user(self.user).service_ticket_count, 1)
