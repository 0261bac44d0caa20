from lxml import etree

from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestLeadForm(CrmLeadsCommon):
    """What a salesperson sees of the score on the lead form."""

    def test_score_is_a_smart_button_that_rescores_and_says_so(self):
        lead = self.Lead.with_user(self.user).create(
            {"name": "Form", "country_id": self.belgium.id, "email_from": "f@example.com"}
        )
        arch = etree.fromstring(lead.get_views([(False, "form")])["views"]["form"]["arch"])
        button = arch.xpath("//div[@name='button_box']/button[@name='action_lead_score_recompute']")
        self.assertEqual(len(button), 1, "in the smart-button row, like the other smart buttons")
        self.assertIn("oe_stat_button", button[0].get("class"))
        action = lead.action_lead_score_recompute()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("50", action["params"]["message"])
        self.assertIn("B", action["params"]["message"])

    def test_breakdown_has_headers(self):
        lead = self.Lead.create({"name": "Table", "country_id": self.belgium.id})
        html = etree.fromstring(lead.lead_score_html)
        self.assertEqual([th.text for th in html.iter("th")], ["Kind", "Rule or event", "Points"])
        self.assertIn("Belgium", lead.lead_score_html)
