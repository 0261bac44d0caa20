from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmServiceCommon

RAW = """Return-Path: <{email_from}>
To: {to}
From: {email_from}
Subject: {subject}
Message-ID: {msg_id}
{extra}Date: Mon, 02 Mar 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestMailGateway(CrmServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._open_team_alias()

    def _process(self, **kw):
        values = {
            "email_from": "ann@example.com",
            "to": "aftersales-test@service-test.example.com",
            "subject": "My printer is on fire",
            "msg_id": "<first-1@example.com>",
            "extra": "",
            "body": "Please come quickly.",
        }
        values.update(kw)
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            return self.env["mail.thread"].message_process(False, RAW.format(**values))

    def test_alias_creates_ticket_and_threads_replies(self):
        self.assertEqual(self.team.alias_id.alias_model_id.model, "service.ticket")
        ticket_id = self._process()
        ticket = self.Ticket.browse(ticket_id)
        self.assertEqual(ticket.name, "My printer is on fire")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, self.customer_contact, "the known contact is the customer")
        self.assertTrue(ticket.sla_resolution_deadline, "the team's SLA applies")
        self.assertFalse(ticket.user_id, "the gateway user is not assigned")
        # the reply threads into the same ticket
        reply_id = self._process(
            subject="Re: My printer is on fire",
            msg_id="<reply-2@example.com>",
            extra="In-Reply-To: <first-1@example.com>\nReferences: <first-1@example.com>\n",
            body="Now it smokes.",
        )
        self.assertEqual(reply_id, ticket.id)
        self.assertEqual(self.Ticket.search_count([("team_id", "=", self.team.id)]), 1)
        self.assertTrue(ticket.message_ids.filtered(lambda m: "smokes" in (m.body or "")))

    def test_unknown_sender_keeps_email(self):
        ticket = self.Ticket.browse(
            self._process(email_from="stranger@example.org", msg_id="<s-1@example.org>")
        )
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.email_from, "stranger@example.org")
