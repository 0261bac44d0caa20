from odoo.tests import tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestActivityInbox(CrmSalesFlowCommon):
    def test_follow_up_opens_its_record(self):
        """A follow-up of the inboxes opens the opportunity it is about, not a bare activity form."""
        lead = self.env["crm.lead"].create(
            {"name": "Inbox deal", "type": "opportunity", "user_id": self.user.id}
        )
        activity = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.user.id)
        for xmlid in (
            "crm_sales_flow.action_crm_sales_flow_todo",
            "crm_sales_flow.action_crm_sales_flow_todo_all",
        ):
            action = self.env["ir.actions.act_window"].with_user(self.user)._for_xml_id(xmlid)
            self.assertEqual(action["view_mode"], "list")
            view_id = action["views"][0][0]
            arch = self.env["mail.activity"].with_user(self.user).get_views([(view_id, "list")])
            self.assertIn('action="action_open_document"', arch["views"]["list"]["arch"])
        opened = activity.with_user(self.user).action_open_document()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("crm.lead", lead.id))
