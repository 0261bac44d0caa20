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
