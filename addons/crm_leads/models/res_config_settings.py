from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.scoring import EVENT_POINTS_MAX, EVENT_POINTS_MIN


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
    # engagement points of Odoo's own activity on a lead (0: not counted)
    crm_leads_engagement_call = fields.Integer(
        "Points of a done call", config_parameter="crm_leads.engagement_points_call"
    )
    crm_leads_engagement_meeting = fields.Integer(
        "Points of a done meeting", config_parameter="crm_leads.engagement_points_meeting"
    )
    crm_leads_engagement_email = fields.Integer(
        "Points of a done email activity", config_parameter="crm_leads.engagement_points_email"
    )
    crm_leads_engagement_email_in = fields.Integer(
        "Points of an email received", config_parameter="crm_leads.engagement_points_email_in"
    )
    crm_leads_vies_wsdl_url = fields.Char("VIES WSDL", config_parameter="crm_leads.vies_wsdl_url")
    crm_leads_vies_timeout = fields.Integer(
        "VIES timeout (seconds)", config_parameter="crm_leads.vies_timeout", default=10
    )

    @api.constrains(
        "crm_leads_engagement_call",
        "crm_leads_engagement_meeting",
        "crm_leads_engagement_email",
        "crm_leads_engagement_email_in",
    )
    def _check_engagement_points(self):
        for settings in self:
            for fname in (
                "crm_leads_engagement_call",
                "crm_leads_engagement_meeting",
                "crm_leads_engagement_email",
                "crm_leads_engagement_email_in",
            ):
                if not EVENT_POINTS_MIN <= settings[fname] <= EVENT_POINTS_MAX:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s.",
                            setting=self._fields[fname].string,
                            low=EVENT_POINTS_MIN,
                            high=EVENT_POINTS_MAX,
                        )
                    )

    def _get_lead_score_setting_params(self):
        icp = self.env["ir.config_parameter"].sudo()
        keys = ("half_life_days", "pls_blend", "grade_a", "grade_b", "grade_c")
        return {key: icp.get_param(f"crm_leads.{key}") for key in keys}

    def set_values(self):
        before = self._get_lead_score_setting_params()
        res = super().set_values()
        if self._get_lead_score_setting_params() != before:
            self.env["crm.lead"]._lead_score_mark_rules_changed()
        return res

    def action_open_score_rules(self):
        return self.env["ir.actions.act_window"]._for_xml_id("crm_leads.action_crm_lead_score_rule")
