from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.team = cls.env["service.team"].create({"name": "Portal team", "rating_on_close": False})
        cls.customer = cls.env["res.partner"].create({"name": "Portal Customer", "email": "pc@example.com"})
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Someone Else", "email": "se@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="crm_service_portal_http", groups="base.group_portal", partner_id=cls.customer.id
        )
        Ticket = cls.env["service.ticket"]
        cls.own = Ticket.create(
            {"name": "Own ticket about a scanner", "team_id": cls.team.id, "partner_id": cls.customer.id}
        )
        cls.foreign = Ticket.create(
            {"name": "Secret foreign ticket", "team_id": cls.team.id, "partner_id": cls.other_customer.id}
        )

    def test_list_shows_only_own_tickets(self):
        self.authenticate("crm_service_portal_http", "crm_service_portal_http")
        res = self.url_open("/my/tickets")
        self.assertEqual(res.status_code, 200)
        self.assertIn("Own ticket about a scanner", res.text)
        self.assertNotIn("Secret foreign ticket", res.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/tickets", home.text)

    def _post_in_chatter(self, ticket, body):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "service.ticket",
                "thread_id": ticket.id,
                "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
            },
        )

    def test_other_customer_ticket_by_id_not_found(self):
        self.authenticate("crm_service_portal_http", "crm_service_portal_http")
        res = self.url_open(f"/my/tickets/{self.foreign.id}", allow_redirects=False)
        self.assertEqual(res.status_code, 404, "a clear page, no silent redirect")
        self.assertIn("Ticket not found", res.text)
        self.assertIn("not one of yours", res.text)
        self.assertNotIn("Secret foreign ticket", res.text)
        res = self.url_open("/my/tickets/999999999", allow_redirects=False)
        self.assertEqual(res.status_code, 404)
        # a reply to the foreign ticket through the chatter is refused too
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._post_in_chatter(self.foreign, "Let me in")
        self.assertFalse(self.foreign.message_ids.filtered(lambda m: "Let me in" in (m.body or "")))

    def test_own_ticket_page_one_reply_box_description(self):
        self.own.description = "<p>The scanner stops after two pages.</p>"
        self.authenticate("crm_service_portal_http", "crm_service_portal_http")
        res = self.url_open(f"/my/tickets/{self.own.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("The scanner stops after two pages.", res.text)
        self.assertEqual(res.text.count("<textarea"), 0, "the only reply box is the portal chatter's")
        self.assertNotIn("/reply", res.text)
        self.assertIn('id="discussion"', res.text)

    def test_own_ticket_reply_and_rating(self):
        self.authenticate("crm_service_portal_http", "crm_service_portal_http")
        res = self.url_open(f"/my/tickets/{self.own.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("Own ticket about a scanner", res.text)
        self.assertNotIn("/rate/", res.text, "no rating while open")
        self._post_in_chatter(self.own, "It still jams")
        message = self.own.message_ids.filtered(lambda m: "It still jams" in (m.body or ""))
        self.assertEqual(message.author_id, self.customer)
        self.assertFalse(self.own.first_response_date, "the customer's reply is no first response")
        self.own.stage_id = self.env.ref("crm_service.stage_solved")
        res = self.url_open(f"/my/tickets/{self.own.id}")
        self.assertIn("/rate/", res.text)
        self.assertIn("How satisfied are you", res.text)
        rating = self.own.rating_ids
        self.assertEqual(rating.partner_id, self.customer)
        self.url_open(f"/rate/{rating.access_token}/5")
        self.url_open(
            f"/rate/{rating.access_token}/submit_feedback",
            data={"rate": 5, "feedback": "Great", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(rating.rating, 5)
        self.assertEqual(self.own.rating_last_value, 5)
        res = self.url_open(f"/my/tickets/{self.own.id}")
        self.assertNotIn("How satisfied are you", res.text, "rated: no more question")
        self.assertIn("o_portal_ticket_rated", res.text)
        self.assertIn("Great", res.text)
        self.assertIn("rating_5.png", res.text)

    def test_access_token_for_anonymous(self):
        self.own._portal_ensure_token()
        res = self.url_open(f"/my/tickets/{self.own.id}?access_token={self.own.access_token}")
        self.assertIn("Own ticket about a scanner", res.text)
        res = self.url_open(
            f"/my/tickets/{self.foreign.id}?access_token={self.own.access_token}", allow_redirects=False
        )
        self.assertNotEqual(res.status_code, 200)

    def test_portal_new_request(self):
        self.authenticate("crm_service_portal_http", "crm_service_portal_http")
        res = self.url_open("/my/tickets")
        self.assertNotIn("/my/tickets/new", res.text, "no portal team: no button")
        self.team.use_portal = True
        res = self.url_open("/my/tickets")
        self.assertIn("/my/tickets/new", res.text)
        self.assertEqual(self.url_open("/my/tickets/new").status_code, 200)
        Ticket = self.env["service.ticket"]
        before = Ticket.search_count([])
        res = self.url_open(
            "/my/tickets/new",
            data={"name": "  ", "description": "x", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertIn("subject", res.text)
        self.assertEqual(Ticket.search_count([]), before, "no ticket without a subject")
        res = self.url_open(
            "/my/tickets/new",
            data={
                "name": "Scanner makes noise",
                "description": "Since Monday",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        ticket = Ticket.search([("name", "=", "Scanner makes noise")])
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.team_id, self.team)
        self.assertIn("Since Monday", ticket.description)
        self.assertTrue(res.url.endswith(f"/my/tickets/{ticket.id}"))
        ack = self.env["mail.mail"].search(
            [("model", "=", "service.ticket"), ("res_id", "=", ticket.id), ("subject", "ilike", "received")]
        )
        self.assertEqual(ack.recipient_ids, self.customer, "the portal request is acknowledged")
