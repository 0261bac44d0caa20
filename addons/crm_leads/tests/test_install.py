from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestInstall(CrmLeadsCommon):
    def test_groups(self):
        self.assertTrue(self.manager.has_group("crm_leads.group_crm_leads_user"), "managers are users too")
        self.assertFalse(self.user.has_group("crm_leads.group_crm_leads_manager"))
