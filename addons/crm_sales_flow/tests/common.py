from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmSalesFlowCommon(TransactionCase):
    """Base class of the crm_sales_flow tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.user = new_test_user(
            cls.env, login="crm_sales_flow_user", groups="crm_sales_flow.group_crm_sales_flow_user"
        )
        cls.manager = new_test_user(
            cls.env, login="crm_sales_flow_manager", groups="crm_sales_flow.group_crm_sales_flow_manager"
        )
