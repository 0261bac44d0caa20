from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmServiceCommon(TransactionCase):
    """Base class of the crm_service tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.user = new_test_user(
            cls.env, login="crm_service_user", groups="crm_service.group_crm_service_user"
        )
        cls.manager = new_test_user(
            cls.env, login="crm_service_manager", groups="crm_service.group_crm_service_manager"
        )
        cls.other_user = new_test_user(
            cls.env, login="crm_service_other", groups="crm_service.group_crm_service_user"
        )
        cls.agent = new_test_user(
            cls.env,
            login="crm_service_agent",
            groups="crm_service.group_crm_service_user,stock.group_stock_user,sales_team.group_sale_salesman",
        )
        # a service agent as deployed: a salesman only (salesman implies the service user group)
        cls.salesman = new_test_user(
            cls.env, login="crm_service_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.calendar = cls.env["resource.calendar"].create({"name": "Service 8-12 13-17 UTC", "tz": "UTC"})
        cls.team = cls.env["service.team"].create(
            {
                "name": "After-sales",
                "alias_name": "aftersales-test",
                "user_id": cls.manager.id,
                "member_ids": [(6, 0, [cls.user.id, cls.agent.id])],
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.other_team = cls.env["service.team"].create(
            {
                "name": "Field service",
                "member_ids": [(6, 0, [cls.other_user.id])],
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.type_incident = cls.env.ref("crm_service.type_incident")
        cls.policy_default = cls.env["service.sla.policy"].create(
            {
                "name": "Standard",
                "team_id": cls.team.id,
                "response_hours": 4,
                "resolution_hours": 16,
            }
        )
        cls.policy_urgent = cls.env["service.sla.policy"].create(
            {
                "name": "Urgent incident",
                "team_id": cls.team.id,
                "ticket_type_id": cls.type_incident.id,
                "priority": "3",
                "response_hours": 1,
                "resolution_hours": 4,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Acme Repairs", "email": "acme@example.com"})
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Ann Acme",
                "parent_id": cls.customer.id,
                "email": "ann@example.com",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Corp", "email": "other@example.com"}
        )
        cls.Ticket = cls.env["service.ticket"]
        cls.stage_solved = cls.env.ref("crm_service.stage_solved")
        cls.stage_progress = cls.env.ref("crm_service.stage_in_progress")

    @classmethod
    def _open_team_alias(cls):
        """The team's email alias on a domain of its own, open to everyone (the mail gateway tests)."""
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": "service-test.example.com"})
        cls.team.alias_id.alias_domain_id = cls.alias_domain
        cls.team.alias_contact = "everyone"

    @classmethod
    def _create_ticket(cls, **values):
        vals = {"name": "Printer broken", "team_id": cls.team.id, "partner_id": cls.customer.id}
        vals.update(values)
        return cls.Ticket.create(vals)
