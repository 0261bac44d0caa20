from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import CrmLeadsCommon

INCOMING_EMAIL = """Return-Path: <buyer@customer.example.com>
From: Bea Buyer <buyer@customer.example.com>
To: sales@company.example.com
Subject: Re: your offer
Message-ID: <{msgid}@customer.example.com>
Date: Wed, 25 Nov 2026 09:00:00 +0000
Content-Type: text/plain; charset="utf-8"

Can you send the price list?
"""


@tagged("post_install", "-at_install")
class TestScoringEngagement(CrmLeadsCommon):
    """Issue 11: engagement from Odoo's own activity, bounded events on own leads, no stale scores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_lead = cls.Lead.create({"name": "Own", "user_id": cls.user.id})
        cls.unassigned = cls.Lead.create({"name": "Nobody's", "user_id": False})
        cls.other_lead = cls.Lead.create({"name": "Other's", "user_id": cls.user2.id})

    def _events(self, lead):
        return self.env["crm.lead.score.event"].search([("lead_id", "=", lead.id)])

    # --- events can be faked --------------------------------------------------------------------------
    def test_salesman_cannot_fake_events(self):
        Event = self.env["crm.lead.score.event"].with_user(self.user)
        for lead in (self.unassigned, self.other_lead):
            with self.assertRaises(AccessError):
                Event.create({"lead_id": lead.id, "name": "Huge", "points": 20})
        with self.assertRaises(AccessError):
            self.unassigned.with_user(self.user).write(
                {"score_event_ids": [Command.create({"name": "Huge", "points": 20})]}
            )
        with self.assertRaises(ValidationError):
            Event.create({"lead_id": self.own_lead.id, "name": "Huge", "points": 1000000})
        self.assertEqual((self.unassigned.lead_score, self.unassigned.lead_grade), (0, "D"))
        self.assertEqual(self.own_lead.with_user(self.user).lead_score, 0)
        # a real event on one's own lead counts; it cannot be moved to another lead
        event = Event.create({"lead_id": self.own_lead.id, "name": "Visit", "points": 30})
        self.assertEqual(self.own_lead.with_user(self.user).lead_score, 30)
        with self.assertRaises(AccessError):
            event.write({"lead_id": self.unassigned.id})

    def test_manager_records_events_on_any_lead(self):
        self.env["crm.lead.score.event"].with_user(self.manager).create(
            {"lead_id": self.unassigned.id, "name": "Fair", "points": 40}
        )
        self.assertEqual(self.unassigned.with_user(self.manager).lead_score, 40)
        with self.assertRaises(ValidationError):
            self.env["crm.lead.score.event"].with_user(self.manager).create(
                {"lead_id": self.unassigned.id, "name": "Huge", "points": 101}
            )

    # --- engagement from Odoo's own activity --------------------------------------------------------
    def _done(self, lead, xmlid, summary, user=None):
        user = user or self.user
        activity = lead.with_user(user).activity_schedule(xmlid, summary=summary, user_id=user.id)
        activity.with_user(user).action_feedback(feedback="done")

    def test_done_call_meeting_email_are_engagement(self):
        self._done(self.own_lead, "mail.mail_activity_data_call", "Discovery call")
        self._done(self.own_lead, "mail.mail_activity_data_meeting", "Demo")
        self._done(self.own_lead, "mail.mail_activity_data_email", "Send the deck")
        self._done(self.own_lead, "mail.mail_activity_data_todo", "Internal to-do")  # not engagement
        lead = self.own_lead.with_user(self.user)
        self.assertEqual(lead.lead_score, 35, "call 10 + meeting 20 + email 5")
        self.assertEqual(
            sorted((e.event_type, e.points) for e in lead.score_event_ids),
            [("call", 10), ("email", 5), ("meeting", 20)],
        )
        self.assertIn("Discovery call", lead.lead_score_html)

    def test_engagement_points_are_settings(self):
        settings = self.env["res.config.settings"].create(
            {"crm_leads_engagement_call": 25, "crm_leads_engagement_meeting": 0}
        )
        settings.execute()
        self._done(self.own_lead, "mail.mail_activity_data_call", "Call")
        self._done(self.own_lead, "mail.mail_activity_data_meeting", "Meeting not counted")
        self.assertEqual(self.own_lead.with_user(self.user).lead_score, 25)
        self.assertEqual(self._events(self.own_lead).mapped("event_type"), ["call"])
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"crm_leads_engagement_call": 1000000})

    def test_email_received_is_engagement(self):
        self.env["mail.thread"].message_process(
            "crm.lead", INCOMING_EMAIL.format(msgid="offer-1"), thread_id=self.unassigned.id
        )
        event = self._events(self.unassigned)
        self.assertEqual((event.event_type, event.points), ("email_in", 10))
        self.assertIn("your offer", event.name)
        self.assertEqual(self.unassigned.lead_score, 10)
        # a note or a message of an employee is no engagement of the customer
        self.unassigned.with_user(self.user).message_post(body="Internal", message_type="comment")
        self.unassigned.message_post(body="By mail", message_type="email", author_id=self.user.partner_id.id)
        self.assertEqual(len(self._events(self.unassigned)), 1)

    # --- stale scores ------------------------------------------------------------------------------------
    def test_pls_change_rescores(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_leads.pls_blend", 50)
        lead = self.Lead.create({"name": "PLS", "email_from": "a@b.com", "user_id": self.user.id})
        self.env.cr.flush()
        team = self.env["crm.team"].create({"name": "PLS team"})
        with patch.object(
            type(self.Lead),
            "_pls_get_naive_bayes_probabilities",
            lambda leads, batch_mode=False: {lead.id: 80.0},
        ):
            lead.with_user(self.user).write({"team_id": team.id})
            self.env.cr.flush()
        self.assertEqual(lead.automated_probability, 80.0)
        self.assertEqual(lead.with_user(self.user).lead_score, 50, "(20 + 80) / 2")
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead.with_user(self.user).write({"stage_id": won.id})
        self.assertEqual(lead.with_user(self.user).lead_score, 60, "won: probability 100")

    def test_rule_change_shows_rescoring_pending(self):
        lead = self.Lead.create({"name": "L", "email_from": "c@x.com", "user_id": self.user.id})
        self.env["crm.lead.score.event"].create({"lead_id": lead.id, "name": "Call", "points": 5})
        self.Lead._cron_lead_score()
        form = Form(lead.with_user(self.user))
        self.assertEqual((form.lead_score, form.lead_score_pending), (25, False))
        self.email_rule.with_user(self.manager).write({"points": 10})
        form = Form(lead.with_user(self.user))
        self.assertEqual(form.lead_score, 25, "the stored score until the cron runs")
        self.assertTrue(form.lead_score_pending)
        self.assertEqual(form.lead_score_preview, 15)
        self.assertEqual(sum(item["points"] for item in lead.lead_score_breakdown), 15, "the new rules")
        self.Lead._cron_lead_score()
        form = Form(lead.with_user(self.user))
        self.assertEqual((form.lead_score, form.lead_score_pending), (15, False))

    def test_pending_only_where_the_score_changes(self):
        lead = self.Lead.create({"name": "No email", "user_id": self.user.id})
        self.Lead._cron_lead_score()
        self.email_rule.write({"points": 10})
        self.assertFalse(lead.lead_score_pending, "the new rules give it the same score")


@tagged("post_install", "-at_install")
class TestDefaultScoringRules(CrmLeadsCommon):
    """Issue 11: the default rules gave at most 45 points, so grades A and B could not be reached."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.country_rule | cls.email_rule).action_archive()
        cls.defaults = (
            cls.env["crm.lead.score.rule"]
            .with_context(active_test=False)
            .search(
                [
                    (
                        "id",
                        "in",
                        [
                            r.res_id
                            for r in cls.env["ir.model.data"].search(
                                [("module", "=", "crm_leads"), ("model", "=", "crm.lead.score.rule")]
                            )
                        ],
                    )
                ]
            )
        )
        cls.defaults.action_unarchive()

    def test_default_fit_reaches_grade_a(self):
        best = sum(points for points in self.defaults.mapped("points") if points > 0)
        self.assertGreaterEqual(best, 75)

    def test_realistic_leads_spread_over_a_to_d(self):
        search = self.env.ref("utm.utm_source_search_engine")
        cold, contact, qualified, engaged = self.Lead.with_user(self.user).create(
            [
                {"name": "Cold", "email_from": "someone", "user_id": self.user.id},
                {
                    "name": "Contact",
                    "email_from": "a@b.com",
                    "phone": "+32 2 555 12 34",
                    "user_id": self.user.id,
                },
                {
                    "name": "Qualified",
                    "email_from": "c@d.com",
                    "phone": "+32 2 555 12 35",
                    "employee_count": 200,
                    "user_id": self.user.id,
                },
                {
                    "name": "Engaged",
                    "email_from": "e@f.com",
                    "phone": "+32 2 555 12 36",
                    "employee_count": 300,
                    "source_id": search.id,
                    "user_id": self.user.id,
                },
            ]
        )
        activity = engaged.activity_schedule("mail.mail_activity_data_meeting", user_id=self.user.id)
        activity.with_user(self.user).action_feedback(feedback="Demo done")
        grades = [lead.lead_grade for lead in (cold, contact, qualified, engaged)]
        self.assertEqual(grades, ["D", "C", "B", "A"])
