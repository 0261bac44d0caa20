from odoo.tests import tagged

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
