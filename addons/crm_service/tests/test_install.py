from odoo.tests import tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestInstall(CrmServiceCommon):
    def test_groups(self):
        self.assertTrue(
            self.manager.has_group("crm_service.group_crm_service_user"), "managers are users too"
        )
        self.assertFalse(self.user.has_group("crm_service.group_crm_service_manager"))
