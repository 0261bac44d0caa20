from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestDedupe(CrmLeadsCommon):
    def test_keys_are_normalized(self):
        lead = self.Lead.create({"name": "L", "phone": "+86 138-1234-5678", "vat": "de 123 456 789"})
        self.assertEqual(lead.dedupe_phone, "3812345678")
        self.assertEqual(lead.dedupe_vat, "DE123456789")

    def test_find_and_merge_into_existing(self):
        old = self.Lead.create({"name": "Old", "email_from": "Zhang@Example.com", "type": "lead"})
        new = self.Lead.create(
            {"name": "New", "email_from": '"Zhang" <zhang@example.COM>', "employee_count": 80}
        )
        other = self.Lead.create({"name": "Other", "phone": "0086 13812345678"})
        same_phone = self.Lead.create({"name": "Same phone", "phone": "138 1234 5678"})
        self.env["crm.lead.score.event"].create({"lead_id": new.id, "name": "Visit", "points": 5})
        self.assertEqual(new._dedupe_find(), old)
        self.assertEqual(same_phone._dedupe_find(), other)
        action = new.action_dedupe_merge()
        self.assertEqual(action["res_model"], "crm.merge.opportunity", "a preview, not a merge")
        self.assertTrue(old.exists() and new.exists())
        wizard = self.env["crm.merge.opportunity"].with_context(**action["context"]).create({})
        self.assertEqual(wizard.opportunity_ids, old | new)
        wizard.action_merge()
        survivors = (old | new).exists()
        self.assertEqual(len(survivors), 1, "merged into one lead")
        self.assertEqual(survivors.employee_count, 80)
        self.assertEqual(survivors.score_event_ids.name, "Visit", "engagement follows the merge")

    def test_mobile_and_unicode_digits_are_keys(self):
        lead = self.Lead.create({"name": "Full width", "mobile": "１３８ １２３４ ５６７８"})
        other = self.Lead.create({"name": "Phone", "phone": "+86 138 1234 5678"})
        self.assertEqual(lead.dedupe_mobile, "3812345678")
        self.assertEqual(lead._dedupe_find(), other, "a mobile matches a phone")
        self.assertEqual(other._dedupe_find(), lead)

    def test_preview_leaves_out_won_lost_and_other_owners(self):
        mine = self.Lead.create({"name": "Mine", "email_from": "dup@example.com", "user_id": self.user.id})
        also_mine = self.Lead.create(
            {"name": "Also", "email_from": "dup@example.com", "user_id": self.user.id}
        )
        self.Lead.create({"name": "Theirs", "email_from": "dup@example.com", "user_id": self.user2.id})
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.Lead.create(
            {
                "name": "Won",
                "email_from": "dup@example.com",
                "user_id": self.user.id,
                "stage_id": won_stage.id,
            }
        )
        lost = self.Lead.create({"name": "Lost", "email_from": "dup@example.com", "user_id": self.user.id})
        lost.action_set_lost()
        action = mine.with_user(self.manager).action_dedupe_merge()
        wizard = self.env["crm.merge.opportunity"].with_context(**action["context"]).create({})
        self.assertEqual(wizard.opportunity_ids, mine | also_mine)

    def test_salesman_told_who_holds_a_duplicate_he_cannot_read(self):
        self.Lead.create({"name": "Colleague's", "email_from": "held@example.com", "user_id": self.user2.id})
        mine = self.Lead.create({"name": "Mine", "email_from": "held@example.com", "user_id": self.user.id})
        warning = mine.with_user(self.user).dedupe_warning
        self.assertIn(self.user2.name, warning)
        self.assertIn("1 other record", warning)
        self.assertFalse(
            self.Lead.with_user(self.user).search(
                [("email_from", "=", "held@example.com"), ("user_id", "=", self.user2.id)]
            )
        )

    def test_managers_have_a_partner_merge_menu(self):
        menu = self.env.ref("crm_leads.menu_crm_leads_merge_partners")
        self.assertEqual(menu.action.res_model, "base.partner.merge.automatic.wizard")
        visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.user)._visible_menu_ids())
        self.env["base.partner.merge.automatic.wizard"].with_user(self.manager).create({})

    def test_link_existing_partner_by_vat(self):
        partner = self.env["res.partner"].create({"name": "ACME", "vat": "BE0477472701", "is_company": True})
        lead = self.Lead.create({"name": "L", "vat": "be 0477.472.701"})
        lead.action_dedupe_merge()
        self.assertEqual(lead.partner_id, partner)

    def test_partner_merge(self):
        Partner = self.env["res.partner"]
        first = Partner.create({"name": "Wang Co", "email": "wang@example.com"})
        second = Partner.create(
            {"name": "Wang Company", "email": "WANG@example.com", "phone": "+86 10 1234 5678"}
        )
        lead = self.Lead.create({"name": "L", "partner_id": second.id})
        with self.assertRaisesRegex(UserError, "managers"):
            second.with_user(self.user).action_dedupe_merge()
        kept = second.with_user(self.manager).action_dedupe_merge()
        self.assertEqual(kept, first)
        self.assertFalse(second.exists())
        self.assertEqual(lead.partner_id, first)
