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

    def test_install_stages_existing_customers(self):
        """A customer with 17 confirmed orders is signed right after installation (post-install hook)."""
        from .. import post_init_hook

        for _i in range(17):
            self._create_order(confirm=True)
        prospect = self.env["res.partner"].create({"name": "Prospect", "is_company": True})
        self.env["crm.lead"].create({"name": "Interest", "type": "opportunity", "partner_id": prospect.id})
        self.env.cr.flush()
        # as they were before the module existed: every customer at the column's default
        partners = self.customer | prospect
        self.env.cr.execute(
            "UPDATE res_partner SET customer_stage = 'potential' WHERE id = ANY(%s)", [partners.ids]
        )
        self.env["crm.customer.stage.history"].search([("partner_id", "in", partners.ids)]).unlink()
        self.env.invalidate_all()
        post_init_hook(self.env)
        self.assertEqual(self.customer.customer_stage, "signed")
        self.assertEqual(prospect.customer_stage, "intentional")
        self.assertEqual(self.customer.customer_stage_history_ids.new_stage, "signed")

    def test_core_insert_without_the_column(self):
        """Core code that does not know customer_stage inserts partners: the database fills it."""
        self.env.cr.execute(
            """INSERT INTO res_partner (name, active, autopost_bills)
               VALUES ('Raw insert', TRUE, 'ask') RETURNING id"""
        )
        partner = self.env["res.partner"].browse(self.env.cr.fetchone()[0])
        self.assertEqual(partner.customer_stage, "potential")
