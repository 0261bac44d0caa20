from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestTicketCompany(CrmServiceCommon):
    """A ticket lives in its team's company; links to another company's records are refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_sf = cls.team.company_id
        cls.company_chicago = cls.env["res.company"].create({"name": "Chicago Service Test"})
        cls.team_chicago = cls.env["service.team"].create(
            {"name": "Chicago desk", "company_id": cls.company_chicago.id}
        )
        # an agent of both companies (salesman only), working in Chicago
        cls.agent_mc = new_test_user(
            cls.env,
            login="crm_service_agent_mc",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_chicago.id,
            company_ids=[(6, 0, (cls.company_chicago | cls.company_sf).ids)],
        )
        cls.team.member_ids = [(4, cls.agent_mc.id)]
        cls.order_chicago = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "company_id": cls.company_chicago.id}
        )

    def _as_agent(self, *companies):
        return self.Ticket.with_user(self.agent_mc).with_context(
            allowed_company_ids=[c.id for c in companies]
        )

    def test_ticket_takes_its_teams_company(self):
        """QA: an agent working in Chicago logged tickets on the SF team: they got Chicago's company."""
        ticket = self._as_agent(self.company_chicago, self.company_sf).create(
            {"name": "SF printer", "team_id": self.team.id, "partner_id": self.customer.id}
        )
        self.assertEqual(ticket.company_id, self.company_sf)
        sf_sequence = self.env["ir.sequence"].with_company(self.company_sf).next_by_code("service.ticket")
        self.assertEqual(len(ticket.number), len(sf_sequence), "numbered by the team's company")
        form = Form(self._as_agent(self.company_chicago, self.company_sf))
        form.name = "From the form"
        form.team_id = self.team
        self.assertEqual(form.company_id, self.company_sf)

    def test_company_other_than_the_teams_refused(self):
        with self.assertRaisesRegex(UserError, "company"):
            self._as_agent(self.company_chicago, self.company_sf).create(
                {"name": "Mixed", "team_id": self.team.id, "company_id": self.company_chicago.id}
            )
        Ticket = self._as_agent(self.company_sf, self.company_chicago)
        for ticket_as, values in (
            (Ticket, {"company_id": self.company_chicago.id}),
            (Ticket, {"team_id": self.team_chicago.id}),
            (Ticket.sudo(), {"team_id": self.team_chicago.id}),
        ):
            ticket = Ticket.create({"name": "SF", "team_id": self.team.id})
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "company"):
                ticket.with_env(ticket_as.env).write(values)

    def test_other_companys_sale_order_refused(self):
        """QA: a Chicago sale order was linked to a San Francisco ticket."""
        Ticket = self._as_agent(self.company_sf, self.company_chicago)
        with self.assertRaisesRegex(UserError, "company"):
            Ticket.create({"name": "Linked", "team_id": self.team.id, "sale_order_id": self.order_chicago.id})
        ticket = Ticket.create({"name": "SF", "team_id": self.team.id})
        with self.assertRaisesRegex(UserError, "company"):
            ticket.write({"sale_order_id": self.order_chicago.id})
        # the same order on a Chicago ticket is fine
        chicago = Ticket.create(
            {"name": "Chicago", "team_id": self.team_chicago.id, "sale_order_id": self.order_chicago.id}
        )
        self.assertEqual(chicago.company_id, self.company_chicago)

    def test_other_companys_customer_refused(self):
        chicago_only = self.env["res.partner"].create(
            {"name": "Chicago only", "company_id": self.company_chicago.id}
        )
        with self.assertRaisesRegex(UserError, "company"):
            self._as_agent(self.company_sf, self.company_chicago).create(
                {"name": "Customer", "team_id": self.team.id, "partner_id": chicago_only.id}
            )

    def test_picking_of_another_company_cannot_point_at_the_ticket(self):
        """A transfer of Chicago is not the return of an SF ticket (check_company on the picking's link)."""
        ticket = self._create_ticket(name="SF return", team_id=self.team.id, partner_id=self.customer.id)
        warehouses = self.env["stock.warehouse"]
        warehouse = warehouses.search([("company_id", "=", self.company_chicago.id)], limit=1)
        warehouse = warehouse or self.env["stock.warehouse"].create(
            {"name": "Chicago WH", "code": "CHIWH", "company_id": self.company_chicago.id}
        )
        picking = self.env["stock.picking"].create(
            {"picking_type_id": warehouse.in_type_id.id, "partner_id": self.customer.id}
        )
        self.assertEqual(picking.company_id, self.company_chicago)
        with self.assertRaisesRegex(UserError, "Service Ticket: .* belongs to"):
            picking.service_ticket_id = ticket
