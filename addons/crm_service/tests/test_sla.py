from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import CrmServiceCommon

MONDAY = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestSla(CrmServiceCommon):
    def _plan(self, calendar, start, hours):
        return calendar.plan_hours(hours, start, compute_leaves=True)

    def _assert_close(self, a, b):
        self.assertTrue(a and b, f"{a} / {b}")
        self.assertLess(abs((a - b).total_seconds()), 1, f"{a} != {b}")

    def test_policy_matching(self):
        default = self._create_ticket(sla_start_date=MONDAY)
        urgent = self._create_ticket(
            sla_start_date=MONDAY, ticket_type_id=self.type_incident.id, priority="3"
        )
        other = self._create_ticket(sla_start_date=MONDAY, team_id=self.other_team.id)
        self.assertEqual(default.sla_policy_id, self.policy_default)
        self.assertEqual(urgent.sla_policy_id, self.policy_urgent)
        self.assertFalse(other.sla_policy_id)
        self.assertFalse(other.sla_resolution_deadline)
        default.write({"ticket_type_id": self.type_incident.id, "priority": "3"})
        self.assertEqual(
            default.sla_policy_id, self.policy_urgent, "a change of priority re-matches the policy"
        )
        self.assertEqual(default.sla_resolution_deadline, urgent.sla_resolution_deadline)

    def test_deadlines_equal_plan_hours(self):
        cases = [
            (MONDAY, 4),  # same day
            (MONDAY.replace(hour=16), 16),  # across nights
            (MONDAY + timedelta(days=4, hours=7), 3),  # Friday 16:00 -> Monday
            (MONDAY + timedelta(days=5), 1),  # Saturday
            (MONDAY.replace(hour=12, minute=30), 2.5),  # lunch break
        ]
        deadlines = self.Ticket._sla_compute_deadlines(self.calendar, cases)
        for (start, hours), deadline in zip(cases, deadlines, strict=True):
            self._assert_close(deadline, self._plan(self.calendar, start, hours))

    def test_holiday_counts(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 3, 0, 0),
                "date_to": datetime(2026, 3, 3, 23, 59),
            }
        )
        ticket = self._create_ticket(sla_start_date=MONDAY.replace(hour=16))
        expected = self._plan(self.calendar, MONDAY.replace(hour=16), 16)
        self._assert_close(ticket.sla_resolution_deadline, expected)
        # Monday 16-17 (1h), Tuesday off, Wed 8h, Thu 7h -> Thursday 16:00
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 5, 16, 0))
        self._assert_close(ticket.sla_response_deadline, datetime(2026, 3, 4, 11, 0))

    def test_timezone_calendar(self):
        calendar = self.env["resource.calendar"].create({"name": "Shanghai", "tz": "Asia/Shanghai"})
        self.team.resource_calendar_id = calendar
        ticket = self._create_ticket(sla_start_date=datetime(2026, 3, 2, 3, 0))  # 11:00 in Shanghai
        self._assert_close(
            ticket.sla_resolution_deadline, self._plan(calendar, datetime(2026, 3, 2, 3, 0), 16)
        )
        self._assert_close(ticket.sla_response_deadline, self._plan(calendar, datetime(2026, 3, 2, 3, 0), 4))

    def test_long_target_extends_window(self):
        deadline = self.Ticket._sla_compute_deadlines(self.calendar, [(MONDAY, 400)])[0]
        self._assert_close(deadline, self._plan(self.calendar, MONDAY, 400))

    def test_batch_fetches_intervals_once_per_calendar(self):
        calendar_cls = type(self.env["resource.calendar"])
        original = calendar_cls._work_intervals_batch
        calls = []

        def spy(calendar, *args, **kwargs):
            calls.append(calendar.id)
            return original(calendar, *args, **kwargs)

        vals = [
            {"name": f"T{i}", "team_id": self.team.id, "sla_start_date": MONDAY + timedelta(hours=7 * i)}
            for i in range(40)
        ]
        with patch.object(calendar_cls, "_work_intervals_batch", spy):
            tickets = self.Ticket.create(vals)
        self.assertEqual(calls, [self.calendar.id], "one interval fetch for the whole batch")
        for ticket in tickets[:5] | tickets[-5:]:
            self._assert_close(
                ticket.sla_resolution_deadline, self._plan(self.calendar, ticket.sla_start_date, 16)
            )

    def test_breach_flags_and_escalation(self):
        with freeze_time(MONDAY):
            late = self._create_ticket()
            answered = self._create_ticket()
            answered.with_user(self.user).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            closed = self._create_ticket()
            closed.stage_id = self.stage_solved
        self.assertFalse(late.sla_breached)
        with freeze_time(MONDAY + timedelta(hours=6)):  # 15:00, response target was 13:00+1h lunch
            self.Ticket._cron_sla_check()
        self.assertTrue(late.sla_response_breached)
        self.assertFalse(late.sla_resolution_breached)
        self.assertFalse(answered.sla_breached)
        self.assertFalse(closed.sla_breached)
        activities = late.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.manager)
        self.assertTrue(late.sla_escalated)
        with freeze_time(MONDAY + timedelta(days=3)):
            self.Ticket._cron_sla_check()
        self.assertTrue(late.sla_resolution_breached)
        self.assertEqual(len(late.activity_ids), 1, "no duplicate escalation")
        self.assertTrue(answered.sla_resolution_breached)

    def test_solved_late_is_breached(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket(ticket_type_id=self.type_incident.id, priority="3")
        with freeze_time(MONDAY + timedelta(days=1)):
            ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.sla_resolution_breached)
        report = self.Ticket._read_group([("team_id", "=", self.team.id)], ["sla_breached"], ["__count"])
        self.assertIn((True, 1), report)

    def test_team_counters(self):
        with freeze_time(MONDAY):
            self._create_ticket()
        with freeze_time(MONDAY + timedelta(days=7)):
            self.Ticket._cron_sla_check()
        self.assertEqual(self.team.open_ticket_count, 1)
        self.assertEqual(self.team.breached_ticket_count, 1)

    def test_cron_in_small_batches(self):
        with freeze_time(MONDAY):
            tickets = self.Ticket.create([{"name": f"T{i}", "team_id": self.team.id} for i in range(5)])
        with freeze_time(MONDAY + timedelta(days=7)):
            self.Ticket._cron_sla_check(batch_size=2)
            self.Ticket._cron_sla_check(batch_size=2)  # a second run (e.g. after a crash) changes nothing
        self.assertTrue(all(tickets.mapped("sla_resolution_breached")))
        self.assertTrue(all(tickets.mapped("sla_escalated")))
        self.assertEqual(len(tickets.activity_ids), 5)
        self.assertEqual(tickets.activity_ids.user_id, self.manager)

    def _breach_one(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
        with freeze_time(MONDAY + timedelta(days=7)):
            self.Ticket._cron_sla_check()
        self.assertTrue(ticket.sla_breached)
        self.assertTrue(ticket.sla_escalated)
        return ticket

    def test_escalation_goes_to_the_team_manager(self):
        ticket = self._breach_one()
        self.assertEqual(ticket.activity_ids.user_id, self.manager)
        self.assertEqual(ticket.sla_escalation_user_ids, self.manager)
        note = ticket.message_ids.filtered(lambda m: "escalated to" in (m.body or ""))
        self.assertIn(self.manager.name, note.body, "the ticket says whom it went to")

    def test_escalation_without_manager_goes_to_the_fallback(self):
        fallback = new_test_user(
            self.env, login="crm_service_fallback", groups="crm_service.group_crm_service_user"
        )
        self.team.write({"user_id": False, "escalation_user_id": fallback.id})
        ticket = self._breach_one()
        self.assertEqual(ticket.activity_ids.user_id, fallback)
        self.assertEqual(ticket.sla_escalation_user_ids, fallback)

    def test_escalation_without_manager_nor_fallback_goes_to_service_managers(self):
        company = self.env["res.company"].create({"name": "Other service company"})
        self.foreign_manager = new_test_user(
            self.env,
            login="crm_service_foreign_manager",
            groups="crm_service.group_crm_service_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        self.team.user_id = False
        ticket = self._breach_one()
        managers = ticket.activity_ids.user_id
        self.assertIn(self.manager, managers, "the service managers get the to-do")
        self.assertNotIn(self.user, managers)
        self.assertTrue(all(u.has_group("crm_service.group_crm_service_manager") for u in managers))
        self.assertEqual(ticket.sla_escalation_user_ids, managers)
        self.assertNotIn(self.foreign_manager, managers, "not a manager of another company")
        with freeze_time(MONDAY + timedelta(days=8)):
            self.Ticket._cron_sla_check()
        self.assertEqual(ticket.activity_ids.user_id, managers, "escalated once")

    def test_worked_hours_for_report(self):
        with freeze_time(MONDAY):  # Monday 09:00
            ticket = self._create_ticket()
        with freeze_time(MONDAY + timedelta(hours=4)):  # 13:00: 3 working hours (lunch 12-13)
            ticket.with_user(self.user).message_post(
                body="Looking into it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time(MONDAY + timedelta(days=1, hours=1)):  # Tuesday 10:00: 7 + 2 hours
            ticket.stage_id = self.stage_solved
        self.assertAlmostEqual(ticket.response_hours_worked, 3.0, places=3)
        self.assertAlmostEqual(ticket.resolution_hours_worked, 9.0, places=3)
        ticket.stage_id = self.stage_progress
        self.assertFalse(ticket.resolution_hours_worked)
        report = self.Ticket._read_group([("id", "=", ticket.id)], [], ["response_hours_worked:avg"])
        self.assertAlmostEqual(report[0][0], 3.0, places=3)

    def test_sla_queries_do_not_grow_with_the_batch(self):
        def count_queries(tickets):
            tickets.invalidate_recordset()
            self.env.flush_all()
            before = self.cr.sql_log_count
            tickets.write({"sla_start_date": MONDAY + timedelta(hours=1)})
            self.env.flush_all()
            return self.cr.sql_log_count - before

        small = self.Ticket.create([{"name": f"S{i}", "team_id": self.team.id} for i in range(5)])
        large = self.Ticket.create([{"name": f"L{i}", "team_id": self.team.id} for i in range(50)])
        count_queries(small)  # warm the caches of the calendar, policies...
        self.assertLessEqual(count_queries(large), count_queries(small) + 2)
