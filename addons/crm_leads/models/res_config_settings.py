from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_leads_half_life_days = fields.Integer(
        "Engagement half-life (days)", config_parameter="crm_leads.half_life_days", default=30
    )
    crm_leads_pls_blend = fields.Integer(
        "Blend of predictive scoring (%)", config_parameter="crm_leads.pls_blend", default=0
    )
    crm_leads_grade_a = fields.Integer("Grade A from", config_parameter="crm_leads.grade_a", default=75)
    crm_leads_grade_b = fields.Integer("Grade B from", config_parameter="crm_leads.grade_b", default=50)
    crm_leads_grade_c = fields.Integer("Grade C from", config_parameter="crm_leads.grade_c", default=25)
    crm_leads_vies_wsdl_url = fields.Char("VIES WSDL", config_parameter="crm_leads.vies_wsdl_url")
    crm_leads_vies_timeout = fields.Integer(
        "VIES timeout (seconds)", config_parameter="crm_leads.vies_timeout", default=10
    )

    def action_open_score_rules(self):
        return self.env["ir.actions.act_window"]._for_xml_id("crm_leads.action_crm_lead_score_rule")
