from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmLeadsCommon(TransactionCase):
    """Base class of the crm_leads tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.user = new_test_user(cls.env, login="crm_leads_user", groups="crm_leads.group_crm_leads_user")
        cls.manager = new_test_user(
            cls.env, login="crm_leads_manager", groups="crm_leads.group_crm_leads_manager"
        )
