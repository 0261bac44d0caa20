from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CrmLeadsCommon


@tagged("post_install", "-at_install")
class TestScoring(CrmLeadsCommon):
    def test_create_scores_with_breakdown(self):
        lead = self.Lead.create({"name": "L", "country_id": self.belgium.id, "email_from": "a@b.com"})
        self.assertEqual(lead.lead_score, 50)
        self.assertEqual(lead.lead_grade, "B")
        self.assertEqual(
            sorted((b["name"], b["points"]) for b in lead.lead_score_breakdown),
            [("Belgium", 30), ("Valid email", 20)],
        )
        self.assertIn("Belgium", lead.lead_score_html)

    def test_write_rescores_incrementally(self):
        lead = self.Lead.create({"name": "L", "email_from": "not an email"})
        self.assertEqual((lead.lead_score, lead.lead_grade), (0, "D"))
        lead.write({"country_id": self.belgium.id, "email_from": "ok@example.com"})
        self.assertEqual(lead.lead_score, 50)
        lead.write({"description": "nothing relevant"})
        self.assertEqual(lead.lead_score, 50)

    def test_tag_size_source_industry_phone_rules(self):
        tag = self.env["crm.tag"].create({"name": "VIP"})
        source = self.env["utm.source"].create({"name": "Fair"})
        industry = self.env["res.partner.industry"].create({"name": "Robots"})
        Rule = self.env["crm.lead.score.rule"]
        Rule.create({"name": "VIP", "rule_type": "tag", "points": 10, "tag_ids": [Command.set(tag.ids)]})
        Rule.create(
            {"name": "Fair", "rule_type": "source", "points": 5, "source_ids": [Command.set(source.ids)]}
        )
        Rule.create(
            {
                "name": "Robots",
                "rule_type": "industry",
                "points": 7,
                "industry_ids": [Command.set(industry.ids)],
            }
        )
        Rule.create(
            {"name": "Size", "rule_type": "company_size", "points": 8, "size_min": 10, "size_max": 100}
        )
        Rule.create({"name": "Phone", "rule_type": "phone_valid", "points": -3})
        lead = self.Lead.create({"name": "L", "employee_count": 50, "phone": "+32 2 123 45 67"})
        self.assertEqual(lead.lead_score, 5)  # size 8, phone -3
        lead.write({"tag_ids": [Command.set(tag.ids)], "source_id": source.id, "industry_id": industry.id})
        self.assertEqual(lead.lead_score, 27)
        self.assertEqual(lead.lead_grade, "C")

    def test_engagement_decay(self):
        with freeze_time("2026-03-01 12:00:00"):
            lead = self.Lead.create({"name": "L"})
            self.env["crm.lead.score.event"].create(
                {"lead_id": lead.id, "name": "Demo", "points": 40, "date": datetime(2026, 1, 30, 12)}
            )
            self.assertEqual(lead.lead_score, 20, "30 days old = one half-life")
            self.assertEqual(lead.lead_score_breakdown[0]["kind"], "engagement")

    def test_blend_with_automated_probability(self):
        lead = self.Lead.create({"name": "L", "email_from": "a@b.com"})
        self.env.cr.flush()  # the transaction's end: computed fields and deferred scores are written
        self.env.cr.execute("UPDATE crm_lead SET automated_probability = 80 WHERE id = %s", [lead.id])
        self.env["ir.config_parameter"].sudo().set_param("crm_leads.pls_blend", 50)
        lead.action_lead_score_recompute()
        self.assertEqual(lead.lead_score, 50)

    def test_batch_query_count_does_not_grow(self):
        small = self.Lead.create([{"name": f"S{i}", "email_from": f"s{i}@x.com"} for i in range(2)])
        big = self.Lead.create([{"name": f"B{i}", "email_from": f"b{i}@x.com"} for i in range(60)])
        self.env.flush_all()

        def count(leads):
            before = self.env.cr.sql_log_count
            self.Lead._lead_score_ids(leads.ids)
            return self.env.cr.sql_log_count - before

        count(small)  # warm the caches of rules and parameters
        self.assertEqual(count(small), count(big))
        self.assertLessEqual(count(big), 8)

    def test_cron_batches_and_resumes(self):
        leads = self.Lead.create([{"name": f"C{i}", "email_from": f"c{i}@x.com"} for i in range(7)])
        self.env.cr.flush()
        self.env.cr.execute("DELETE FROM crm_lead_score WHERE id IN %s", [tuple(leads.ids)])
        self.Lead._lead_score_invalidate()
        self.assertEqual(set(leads.mapped("lead_grade")), {False}, "never scored")
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("crm_leads.score_cron_last_id", min(leads.ids) - 1)
        done = self.Lead._cron_lead_score(batch_size=3, limit_batches=1)
        self.assertEqual(done, 3)
        self.assertEqual(int(ICP.get_param("crm_leads.score_cron_last_id")), sorted(leads.ids)[2])
        self.assertFalse(leads.sorted("id")[3].lead_grade, "not reached yet")
        self.Lead._cron_lead_score(batch_size=3)
        self.assertEqual(set(leads.mapped("lead_score")), {20})
        self.assertEqual(set(leads.mapped("lead_grade")), {"D"})
        self.assertEqual(
            ICP.get_param("crm_leads.score_cron_last_id"), "0", "a full pass starts over next time"
        )

    def test_cron_writes_only_changed_scores(self):
        lead, tampered = self.Lead.create(
            [{"name": "Clean", "email_from": "c@x.com"}, {"name": "Tampered", "email_from": "t@x.com"}]
        )
        self.env.cr.flush()
        self.env.cr.execute(
            "UPDATE crm_lead_score SET scored_on = '2000-01-01' WHERE id IN %s", [(lead.id, tampered.id)]
        )
        self.env.cr.execute("UPDATE crm_lead_score SET score = 99, grade = 'A' WHERE id = %s", [tampered.id])
        self.Lead._lead_score_invalidate()
        self.assertEqual(tampered.lead_score, 99)
        self.Lead._cron_lead_score()
        self.assertEqual((tampered.lead_score, tampered.lead_grade), (20, "D"), "every lead is rescored")
        self.assertGreater(tampered.lead_score_date, datetime(2000, 1, 2))
        self.assertEqual(lead.lead_score_date, datetime(2000, 1, 1), "unchanged score: row not rewritten")

    def test_rules_change_rescored_by_cron(self):
        lead = self.Lead.create({"name": "L", "email_from": "c@x.com"})
        self.assertEqual(lead.lead_score, 20)
        self.email_rule.points = 10
        self.assertEqual(lead.lead_score, 20, "left to the cron the change triggers")
        self.Lead._cron_lead_score()
        self.assertEqual(lead.lead_score, 10)

    def test_settings_change_triggers_cron(self):
        cron = self.env.ref("crm_leads.ir_cron_lead_score")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        settings = self.env["res.config.settings"].create({"crm_leads_half_life_days": 7})
        settings.execute()
        self.assertGreater(Trigger.search_count([("cron_id", "=", cron.id)]), before)

    def test_rule_change_triggers_cron(self):
        cron = self.env.ref("crm_leads.ir_cron_lead_score")
        before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.country_rule.points = 40
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), before)

    def test_rule_points_bounds(self):
        from psycopg2 import IntegrityError

        from odoo.tools import mute_logger

        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["crm.lead.score.rule"].create({"name": "X", "rule_type": "email_valid", "points": 500})

    def test_user_cannot_edit_rules(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.country_rule.with_user(self.user).write({"points": 1})
        self.country_rule.with_user(self.manager).write({"points": 1})

    def test_event_points_after_time_passes(self):
        with freeze_time("2026-03-01"):
            lead = self.Lead.create({"name": "L"})
            self.env["crm.lead.score.event"].create({"lead_id": lead.id, "name": "Call", "points": 60})
            self.assertEqual(lead.lead_score, 60)
        with freeze_time(datetime(2026, 3, 1) + timedelta(days=60)):
            lead.action_lead_score_recompute()
            self.assertEqual(lead.lead_score, 15)
