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
        new.action_dedupe_merge()
        survivors = (old | new).exists()
        self.assertEqual(len(survivors), 1, "merged into one lead")
        self.assertEqual(survivors.employee_count, 80)
        self.assertEqual(survivors.score_event_ids.name, "Visit", "engagement follows the merge")

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
