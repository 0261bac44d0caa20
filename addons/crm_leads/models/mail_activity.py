from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _get_lead_engagement_kind(self):
        """Engagement kind of a done activity on a lead: ``call``, ``meeting``, ``email`` or None."""
        self.ensure_one()
        activity_type = self.activity_type_id
        if activity_type == self.env.ref("mail.mail_activity_data_email", raise_if_not_found=False):
            return "email"
        if activity_type.category == "phonecall":
            return "call"
        if activity_type.category == "meeting" or activity_type == self.env.ref(
            "mail.mail_activity_data_meeting", raise_if_not_found=False
        ):
            return "meeting"
        return None

    def _action_done(self, feedback=False, attachment_ids=None):
        """Done calls, meetings and emails on a lead are engagement (points of the settings)."""
        engaged = []
        for activity in self:
            if activity.res_model == "crm.lead" and activity.res_id:
                kind = activity._get_lead_engagement_kind()
                if kind:
                    engaged.append(
                        (activity.res_id, kind, activity.summary or activity.activity_type_id.name)
                    )
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if engaged:
            self.env["crm.lead"]._lead_score_add_engagement(engaged)
        return res
