from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CrmInventoryLinkCommon(TransactionCase):
    """Base class of the crm_inventory_link tests: tracking off, one user per security group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.user = new_test_user(
            cls.env,
            login="crm_inventory_link_user",
            groups="crm_inventory_link.group_crm_inventory_link_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="crm_inventory_link_manager",
            groups="crm_inventory_link.group_crm_inventory_link_manager",
        )
