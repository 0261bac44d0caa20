from odoo.tests import new_test_user, tagged
from odoo.tools.convert import convert_file

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestInstall(CrmLeadsCommon):
    def test_groups(self):
        self.assertTrue(self.manager.has_group("crm_leads.group_crm_leads_user"), "managers are users too")
        self.assertFalse(self.user.has_group("crm_leads.group_crm_leads_manager"))

    def test_install_scores_existing_leads(self):
        """Leads that exist when the module is installed are scored by its post-install hook."""
        from .. import post_init_hook

        lead = self.Lead.create({"name": "Before install", "email_from": "before@example.com"})
        self.env.cr.flush()
        self.env.cr.execute("DELETE FROM crm_lead_score WHERE id = %s", [lead.id])
        self.Lead._lead_score_invalidate()
        self.assertFalse(lead.lead_grade, "as before the installation")
        post_init_hook(self.env)
        self.assertEqual((lead.lead_score, lead.lead_grade), (20, "D"))

    def test_existing_users_get_the_rights_at_install(self):
        """Salespeople and sales administrators who exist before the installation get the suite's
        rights when its security data is loaded, without an administrator step."""
        seller = new_test_user(
            self.env, login="before_install_seller", groups="sales_team.group_sale_salesman"
        )
        boss = new_test_user(self.env, login="before_install_boss", groups="sales_team.group_sale_manager")
        suite = self.env.ref("crm_leads.group_crm_leads_user") | self.env.ref(
            "crm_leads.group_crm_leads_manager"
        )
        self.env.cr.execute(
            "DELETE FROM res_groups_users_rel WHERE gid = ANY(%s) AND uid = ANY(%s)",
            [suite.ids, (seller | boss).ids],
        )  # as before the installation
        self.env.invalidate_all()
        self.assertFalse(seller.has_group("crm_leads.group_crm_leads_user"))
        convert_file(self.env, "crm_leads", "security/crm_leads_security.xml", {}, mode="init")
        self.env.invalidate_all()
        self.assertTrue(seller.has_group("crm_leads.group_crm_leads_user"))
        self.assertFalse(seller.has_group("crm_leads.group_crm_leads_manager"))
        self.assertTrue(boss.has_group("crm_leads.group_crm_leads_manager"))
        pooled = (
            self.env["crm.lead"].with_user(seller).create({"name": "After install", "user_id": seller.id})
        )
        self.assertEqual(pooled.user_id, seller, "the salesperson works with the suite at once")
