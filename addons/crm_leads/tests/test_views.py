from odoo.tests import Form, tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestViews(CrmLeadsCommon):
    def test_lead_form_shows_score(self):
        with Form(self.env["crm.lead"].with_user(self.user)) as form:
            form.name = "Form lead"
            form.email_from = "form@example.com"
            form.employee_count = 12
        lead = form.record
        self.assertEqual(lead.lead_score, 20)
        self.assertEqual(lead.lead_grade, "D")
        arch = self.env["crm.lead"].get_view(view_type="form")["arch"]
        for fname in ("lead_score", "lead_grade", "lead_score_html", "score_event_ids", "pool_id", "vat"):
            self.assertIn(f'name="{fname}"', arch)

    def test_actions_and_views_load(self):
        for xmlid in (
            "crm_leads.action_crm_lead_scored",
            "crm_leads.action_crm_lead_pool_leads",
            "crm_leads.action_crm_partner_pool",
            "crm_leads.action_crm_lead_pool",
            "crm_leads.action_crm_lead_score_rule",
            "crm_leads.action_crm_lead_intake_source",
            "crm_leads.action_crm_lead_import_wizard",
        ):
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].with_user(self.manager)
            for view_type in action.view_mode.split(","):
                self.assertTrue(model.get_view(view_type=view_type)["arch"])
        pivot = self.env["crm.lead"].get_view(self.env.ref("crm_leads.crm_lead_view_pivot_grade").id, "pivot")
        self.assertIn("lead_grade", pivot["arch"])
        groups = self.env["crm.lead"]._read_group([], ["lead_grade"], ["__count"])
        self.assertTrue(groups)

    def test_pool_form_and_settings(self):
        with Form(self.env["crm.lead.pool"].with_user(self.manager)) as form:
            form.name = "East China"
            form.max_held = 50
            with form.rule_ids.new() as rule:
                rule.rule_type = "not_won"
                rule.days = 60
        self.assertEqual(form.record.rule_ids.days, 60)
        settings = Form(self.env["res.config.settings"])
        settings.crm_leads_half_life_days = 14
        settings.save().execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("crm_leads.half_life_days"), "14")
