from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestTicket(CrmServiceCommon):
    def test_number_stage_and_display_name(self):
        t1 = self._create_ticket()
        t2 = self._create_ticket(name="Second")
        self.assertTrue(t1.number.startswith("TK"))
        self.assertNotEqual(t1.number, t2.number)
        self.assertEqual(t1.stage_id, self.env.ref("crm_service.stage_new"))
        self.assertEqual(t1.display_name, f"{t1.number} Printer broken")
        self.assertEqual(t1.email_from, "acme@example.com")
        self.assertEqual(t1.access_url, f"/my/tickets/{t1.id}")
        self.assertEqual(self.Ticket.name_search(t1.number)[0][0], t1.id)

    def test_form_onchange_partner_email(self):
        form = Form(self.Ticket)
        form.name = "Noise"
        form.team_id = self.team
        form.partner_id = self.customer_contact
        self.assertEqual(form.email_from, "ann@example.com")
        ticket = form.save()
        self.assertEqual(ticket.commercial_partner_id, self.customer)

    def test_close_and_reopen(self):
        ticket = self._create_ticket()
        with freeze_time("2026-03-02 10:00:00"):
            ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.is_closed)
        self.assertEqual(str(ticket.close_date), "2026-03-02 10:00:00")
        ticket.stage_id = self.stage_progress
        self.assertFalse(ticket.close_date)

    def test_rating_request_on_close(self):
        ticket = self._create_ticket()
        ticket.stage_id = self.stage_solved
        rating = ticket.rating_ids
        self.assertEqual(len(rating), 1, "closing asks the customer for a rating")
        self.assertEqual(rating.partner_id, self.customer)
        mail = self.env["mail.mail"].search(
            [("model", "=", "service.ticket"), ("res_id", "=", ticket.id), ("body_html", "ilike", "/rate/")]
        )
        self.assertIn(f"/rate/{rating.access_token}/5", mail.body_html)
        ticket.rating_apply(5, token=rating.access_token, feedback="Quick and kind")
        self.assertEqual(ticket.rating_last_value, 5)
        # the satisfaction report shows the consumed ratings of tickets only
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_service_rating_report")
        domain = safe_eval(action["domain"])
        report = self.env["rating.rating"].search(domain)
        self.assertIn(rating, report)
        self.assertEqual(set(report.mapped("res_model")), {"service.ticket"})
        avg = self.env["rating.rating"]._read_group(domain + [("res_id", "=", ticket.id)], [], ["rating:avg"])
        self.assertEqual(avg[0][0], 5)

    def test_cancelled_ticket_sends_no_survey(self):
        ticket = self._create_ticket()
        ticket.stage_id = self.env.ref("crm_service.stage_cancelled")
        self.assertTrue(ticket.is_closed)
        self.assertFalse(ticket.rating_ids, "only solved tickets ask how we did")

    def test_new_ticket_display_name(self):
        self.assertEqual(self.Ticket.new({}).display_name, "New")
        self.assertEqual(self.Ticket.new({"name": "Noise"}).display_name, "Noise")
        self.assertEqual(self.Ticket._fields["sla_escalated"].string, "SLA Escalated")

    def test_any_service_user_logs_a_ticket_for_another_team(self):
        ticket = self.Ticket.with_user(self.user).create(
            {"name": "Seen at a customer", "team_id": self.other_team.id}
        )
        self.assertEqual(ticket.with_user(self.user).read(["name"])[0]["name"], "Seen at a customer")
        self.assertNotIn(
            ticket, self.Ticket.with_user(self.user).search([("create_uid", "!=", self.user.id)])
        )

    def test_no_rating_when_team_does_not_ask(self):
        self.team.rating_on_close = False
        ticket = self._create_ticket()
        ticket.stage_id = self.stage_solved
        self.assertFalse(ticket.rating_ids)

    def test_first_response_by_agent_not_by_customer(self):
        ticket = self._create_ticket()
        ticket.message_post(
            body="Still broken",
            author_id=self.customer.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(ticket.first_response_date, "the customer's message is no response")
        ticket.with_user(self.user).message_post(body="Internal note", subtype_xmlid="mail.mt_note")
        self.assertFalse(ticket.first_response_date, "an internal note is no response")
        with freeze_time("2026-03-02 09:30:00"):
            ticket.with_user(self.user).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(str(ticket.first_response_date), "2026-03-02 09:30:00")
