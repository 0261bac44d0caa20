from odoo.tests import tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestInstall(CrmInventoryLinkCommon):
    def test_groups(self):
        self.assertTrue(
            self.manager.has_group("crm_inventory_link.group_crm_inventory_link_user"),
            "managers are users too",
        )
        self.assertFalse(self.user.has_group("crm_inventory_link.group_crm_inventory_link_manager"))
