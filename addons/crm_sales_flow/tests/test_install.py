from odoo.tests import tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestInstall(CrmSalesFlowCommon):
    def test_groups(self):
        self.assertTrue(
            self.manager.has_group("crm_sales_flow.group_crm_sales_flow_user"), "managers are users too"
        )
        self.assertFalse(self.user.has_group("crm_sales_flow.group_crm_sales_flow_manager"))

    def test_zh_cn_translation(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_sales_flow"], ["zh_CN"], overwrite=True)
        field = self.env["ir.model.fields"]._get("res.partner", "customer_stage")
        self.assertEqual(field.with_context(lang="zh_CN").field_description, "客户阶段")
        menu = self.env.ref("crm_sales_flow.menu_crm_sales_flow_contract_report")
        self.assertEqual(menu.with_context(lang="zh_CN").name, "合同回款")
