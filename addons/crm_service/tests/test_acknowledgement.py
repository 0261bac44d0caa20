from odoo.tests import Form, tagged

from .common import CrmServiceCommon
from .test_mail_gateway import TestMailGateway


@tagged("post_install", "-at_install")
class TestAcknowledgement(CrmServiceCommon):
    """The customer is told his ticket was received, whichever way it was created (portal: test_portal)."""

    _process = TestMailGateway._process

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._open_team_alias()

    def _ack_mails(self, ticket):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "service.ticket"),
                ("res_id", "=", ticket.id),
                ("subject", "ilike", "we received your request"),
            ]
        )

    def test_template_is_editable_data(self):
        template = self.env.ref("crm_service.mail_template_ticket_received")
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm_service"), ("name", "=", "mail_template_ticket_received")]
        )
        self.assertTrue(data.noupdate, "the users' edits survive an update")
        self.assertEqual(template.model, "service.ticket")

    def test_back_office_create_by_agent(self):
        ticket = self.Ticket.with_user(self.agent).create(
            {"name": "Screen flickers", "team_id": self.team.id, "partner_id": self.customer_contact.id}
        )
        mail = self._ack_mails(ticket)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer_contact)
        self.assertIn(ticket.number, mail.subject)
        self.assertIn("Screen flickers", mail.body_html)
        self.assertFalse(ticket.first_response_date, "the acknowledgement is no first response")

    def test_create_from_sale_order_form(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        action = order.action_create_service_ticket()
        with Form(self.Ticket.with_user(self.agent).with_context(**action["context"])) as form:
            form.name = "After-sales call"
            form.team_id = self.team
        ticket = form.record
        self.assertEqual(ticket.sale_order_id, order)
        self.assertEqual(len(self._ack_mails(ticket)), 1)

    def test_mail_gateway_unknown_sender(self):
        ticket = self.Ticket.browse(self._process(email_from="stranger@example.org", msg_id="<ack-1@x.org>"))
        mail = self._ack_mails(ticket)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "stranger@example.org")
        # a reply in the thread sends no new acknowledgement
        self._process(
            email_from="stranger@example.org",
            subject="Re: My printer is on fire",
            msg_id="<ack-2@x.org>",
            extra="In-Reply-To: <ack-1@x.org>\nReferences: <ack-1@x.org>\n",
        )
        self.assertEqual(len(self._ack_mails(ticket)), 1)

    def test_mail_gateway_known_contact(self):
        ticket = self.Ticket.browse(self._process(msg_id="<ack-3@x.org>"))
        self.assertEqual(self._ack_mails(ticket).recipient_ids, self.customer_contact)

    def test_no_address_no_mail(self):
        nobody = self.env["res.partner"].create({"name": "No email"})
        ticket = self._create_ticket(partner_id=nobody.id)
        self.assertFalse(self._ack_mails(ticket))

    def test_customer_without_email_gets_it_at_the_typed_email(self):
        """QA: a customer without email and a typed email: the mail goes to that email, never an empty To."""
        nobody = self.env["res.partner"].create({"name": "No email"})
        template = self.env.ref("crm_service.mail_template_ticket_received")
        # the template as shipped, and as kept (noupdate) by a database installed before the fix
        for partner_to, email_to in (
            (template.partner_to, template.email_to),
            ("{{ object.partner_id.id or '' }}", "{{ (not object.partner_id and object.email_from) or '' }}"),
        ):
            template.write({"partner_to": partner_to, "email_to": email_to})
            with self.subTest(partner_to=partner_to):
                ticket = self.Ticket.with_user(self.salesman).create(
                    {
                        "name": "Typed address",
                        "team_id": self.team.id,
                        "partner_id": nobody.id,
                        "email_from": "typed@example.org",
                    }
                )
                mail = self._ack_mails(ticket)
                self.assertEqual(len(mail), 1)
                self.assertEqual(mail.email_to, "typed@example.org")
                self.assertFalse(mail.recipient_ids)

    def test_chinese_customer_gets_it_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_service"], ["zh_CN"], overwrite=True)
        self.customer_contact.lang = "zh_CN"
        ticket = self._create_ticket(partner_id=self.customer_contact.id)
        mail = self._ack_mails(ticket) or self.env["mail.mail"].search(
            [("model", "=", "service.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("我们已收到您的请求", mail.subject)
        self.assertIn(ticket.number, mail.subject)
