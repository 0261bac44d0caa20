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

    def test_zh_cn_translation(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_inventory_link"], ["zh_CN"], overwrite=True)
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        fields_info = env["crm.inventory.gap"].fields_get(["gap", "order_qty"], ["string"])
        self.assertEqual(fields_info["gap"]["string"], "缺口")
        self.assertEqual(fields_info["order_qty"]["string"], "待订购")
        menu = env.ref("crm_inventory_link.menu_crm_inventory_gap")
        self.assertEqual(menu.name, "采购缺口")
        wizard = env["crm.order.import"]
        self.assertEqual(wizard._get_error_messages()["missing_customer"], "缺少客户")
