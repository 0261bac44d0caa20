from odoo.tests import tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestInstall(CrmSalesFlowCommon):
    def test_groups(self):
        self.assertTrue(
            self.manager.has_group("crm_sales_flow.group_crm_sales_flow_user"), "managers are users too"
        )
        self.assertFalse(self.user.has_group("crm_sales_flow.group_crm_sales_flow_manager"))
