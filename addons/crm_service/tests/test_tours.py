from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    """Browser tours of the service flows, on data of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["service.team"].create({"name": "Tour after-sales", "rating_on_close": True})
        cls.company_partner = cls.env["res.partner"].create(
            {"name": "Tour Labels Inc", "is_company": True, "email": "labels@example.com"}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tina Tour", "parent_id": cls.company_partner.id, "email": "tina@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="crm_service_tour_portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.ticket = cls.env["service.ticket"].create(
            {
                "name": "Tour: label printer jams",
                "team_id": cls.team.id,
                "partner_id": cls.customer.id,
                "description": "<p>The label printer jams after ten labels.</p>",
            }
        )
        # solved: the portal offers the rating of a closed ticket only
        cls.ticket.stage_id = cls.env.ref("crm_service.stage_solved")

    def test_portal_customer_replies_and_rates(self):
        self.assertTrue(self.ticket.is_closed)
        self.start_tour("/my/tickets", "crm_service_portal_ticket_tour", login="crm_service_tour_portal")
        reply = self.ticket.message_ids.filtered(
            lambda m: "The printer works again, thank you!" in (m.body or "")
        )
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.customer)
        self.assertEqual(reply.message_type, "comment")
        rating = self.ticket.rating_ids.filtered("consumed")
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.partner_id, self.customer)
        self.assertEqual(rating.feedback, "Quick and friendly service")
        self.assertEqual(self.ticket.rating_last_value, 5)
