import importlib.util
from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger
from odoo.tools.misc import file_path
from odoo.tools.safe_eval import safe_eval

from ..models.service_ticket_sla import (
    SLA_COMPUTED_FIELDS,
    SLA_ESCALATION_FIELDS,
    SLA_MANAGER_FIELDS,
    SLA_TRANSITION_FIELDS,
)
from .common import CrmServiceCommon

MONDAY = datetime(2026, 3, 2, 9, 0)
FAR = datetime(2030, 1, 1, 12, 0)


@tagged("post_install", "-at_install")
class TestSlaRules(CrmServiceCommon):
    """Issue 12: who may move the SLA, the computed SLA facts, the paused stages, the report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_waiting = cls.env.ref("crm_service.stage_waiting")
        cls.stage_cancelled = cls.env.ref("crm_service.stage_cancelled")

    # who writes the SLA ------------------------------------------------------
    def test_agent_cannot_move_sla_start_or_deadlines(self):
        ticket = self._create_ticket(sla_start_date=MONDAY)
        before = {f: ticket[f] for f in SLA_MANAGER_FIELDS}
        for fname in SLA_MANAGER_FIELDS:
            for user in (self.agent, self.user):
                with self.subTest(field=fname, user=user.login), self.assertRaises(AccessError):
                    ticket.with_user(user).write({fname: FAR})
        self.assertEqual({f: ticket[f] for f in SLA_MANAGER_FIELDS}, before)
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.agent).create(
                {"name": "Back-dated", "team_id": self.team.id, "sla_start_date": FAR}
            )
        # the agent still works the ticket
        ticket.with_user(self.agent).write({"priority": "2", "stage_id": self.stage_progress.id})
        self.assertEqual(ticket.priority, "2")

    def test_agent_cannot_hide_an_escalation(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
        with freeze_time(MONDAY + timedelta(days=7)):
            self.Ticket._cron_sla_check()
        self.assertTrue(ticket.sla_escalated)
        for values in ({"sla_escalated": False}, {"sla_escalation_user_ids": [(5, 0, 0)]}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                ticket.with_user(self.agent).write(values)
        self.assertEqual(set(SLA_ESCALATION_FIELDS), {"sla_escalated", "sla_escalation_user_ids"})
        self.assertEqual(ticket.sla_escalation_user_ids, self.manager)
        ticket.with_user(self.manager).write({"sla_escalated": False})
        self.assertFalse(ticket.sla_escalated)

    def test_form_shows_sla_dates_read_only_to_agents(self):
        ticket = self._create_ticket(sla_start_date=MONDAY)
        with Form(ticket.with_user(self.agent)) as form:
            for fname in SLA_MANAGER_FIELDS:
                with self.subTest(field=fname), self.assertRaises(AssertionError):
                    setattr(form, fname, FAR)
            form.priority = "2"
        with Form(ticket.with_user(self.manager)) as form:
            form.sla_resolution_deadline = FAR
        self.assertEqual(ticket.sla_resolution_deadline, FAR)

    def test_manager_moves_deadlines_tracked(self):
        ticket = self._create_ticket(sla_start_date=MONDAY)
        ticket = ticket.with_context(tracking_disable=False)
        self.env.flush_all()
        self.cr.flush()  # as after the creating transaction: a record is tracked from then on
        ticket.with_user(self.manager).write({"sla_resolution_deadline": FAR})
        self.assertEqual(ticket.sla_resolution_deadline, FAR)
        ticket.with_user(self.manager).write({"sla_start_date": MONDAY + timedelta(hours=1)})
        self.env.flush_all()
        self.cr.flush()  # the tracking values are made on pre-commit
        ticket.invalidate_recordset(["message_ids"])
        tracked = ticket.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("sla_resolution_deadline", tracked)
        self.assertIn("sla_start_date", tracked)
        for fname in SLA_MANAGER_FIELDS:
            self.assertTrue(self.Ticket._fields[fname].tracking, fname)

    def test_sla_facts_cannot_be_written(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
        with freeze_time(MONDAY + timedelta(days=7)):
            self.Ticket._cron_sla_check()
        self.assertTrue(ticket.sla_breached)
        values = {
            "first_response_date": FAR,
            "sla_response_breached": False,
            "sla_resolution_breached": False,
            "sla_breached": False,
            "response_hours_worked": 0.5,
            "resolution_hours_worked": 0.5,
            "sla_success": 100.0,
        }
        self.assertEqual(set(values), set(SLA_COMPUTED_FIELDS))
        for fname, value in values.items():
            for ticket_as in (ticket.with_user(self.agent), ticket.with_user(self.manager), ticket):
                with self.subTest(field=fname, user=ticket_as.env.user.login):
                    with self.assertRaises(UserError):
                        ticket_as.write({fname: value})
            self.assertTrue(self.Ticket._fields[fname].compute, fname)
        self.assertTrue(ticket.sla_breached, "the breach stays")
        self.assertFalse(ticket.first_response_date)

    def test_first_response_is_computed_from_the_messages(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
        with freeze_time(MONDAY + timedelta(hours=1)):
            ticket.with_user(self.agent).message_post(body="Note", subtype_xmlid="mail.mt_note")
        self.assertFalse(ticket.first_response_date)
        with freeze_time(MONDAY + timedelta(hours=2)):
            ticket.with_user(self.agent).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.first_response_date, MONDAY + timedelta(hours=2))
        self.assertAlmostEqual(ticket.response_hours_worked, 2.0, places=3)

    # pause -------------------------------------------------------------------
    def test_waiting_for_customer_pauses_the_clock(self):
        self.assertTrue(self.stage_waiting.pause_sla)
        with freeze_time(MONDAY):  # Monday 9:00, targets 4h / 16h on 8-12 13-17
            ticket = self._create_ticket()
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 2, 14, 0))
        with freeze_time(MONDAY + timedelta(hours=1)):  # 10:00, 1 working hour used
            ticket.with_user(self.agent).stage_id = self.stage_waiting
        self.assertTrue(ticket.sla_paused)
        self.assertFalse(ticket.sla_response_deadline, "the clock is stopped")
        self.assertFalse(ticket.sla_resolution_deadline)
        with freeze_time(MONDAY + timedelta(days=1)):  # a day waiting: no breach
            self.Ticket._cron_sla_check()
        self.assertFalse(ticket.sla_breached)
        self.assertFalse(ticket.sla_escalated)
        with freeze_time(MONDAY + timedelta(days=1, hours=1)):  # Tuesday 10:00: resumes
            ticket.with_user(self.agent).stage_id = self.stage_progress
        self.assertFalse(ticket.sla_paused)
        self.assertEqual(len(ticket.sla_pause_ids), 1)
        # 3 hours left: Tuesday 10-12 and 13-14
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 3, 14, 0))
        # 15 hours left: Tuesday 6h, Wednesday 8h, Thursday 8-9
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 5, 9, 0))
        with freeze_time(datetime(2026, 3, 3, 11, 0)):
            ticket.with_user(self.agent).message_post(
                body="Thanks, we go on", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertAlmostEqual(ticket.response_hours_worked, 2.0, places=3, msg="Monday 9-10, Tuesday 10-11")
        with freeze_time(datetime(2026, 3, 5, 8, 30)):
            ticket.with_user(self.agent).stage_id = self.stage_solved
        self.assertFalse(ticket.sla_breached, "solved in time once the wait is left out")
        self.assertAlmostEqual(ticket.resolution_hours_worked, 1 + 6 + 8 + 0.5, places=3)
        self.assertEqual(ticket.sla_success, 100.0)

    def test_same_pause_twice_is_one_pause(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
            ticket.with_user(self.agent).stage_id = self.stage_waiting
        with freeze_time(MONDAY + timedelta(hours=2)):
            ticket.with_user(self.agent).write({"stage_id": self.stage_waiting.id})
        self.assertEqual(len(ticket.sla_pause_ids), 1)
        self.assertEqual(ticket.sla_pause_ids.date_start, MONDAY)
        with self.assertRaises(AccessError):
            ticket.sla_pause_ids.with_user(self.agent).date_start = MONDAY + timedelta(days=1)

    def test_created_in_a_paused_stage(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket(stage_id=self.stage_waiting.id)
        self.assertTrue(ticket.sla_paused)
        self.assertFalse(ticket.sla_resolution_deadline)
        with freeze_time(MONDAY + timedelta(days=1)):  # Tuesday 9:00: 16h from there
            ticket.stage_id = self.stage_progress
        # Tuesday 9-12 and 13-17 (7h), Wednesday 8h, Thursday 8-9
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 5, 9, 0))

    def test_pause_after_the_deadline_keeps_the_breach(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
        with freeze_time(MONDAY + timedelta(hours=6)):  # 15:00, response due at 14:00
            ticket.stage_id = self.stage_waiting
        self.assertTrue(ticket.sla_response_breached)
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 2, 14, 0))

    def test_closing_from_a_paused_stage_resumes(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
            ticket.stage_id = self.stage_waiting
        with freeze_time(MONDAY + timedelta(days=3)):
            ticket.stage_id = self.stage_solved
        self.assertFalse(ticket.sla_paused)
        self.assertFalse(ticket.sla_breached)
        self.assertAlmostEqual(ticket.resolution_hours_worked, 0.0, places=3)

    def test_migration_sets_the_stage_flags(self):
        path = file_path("crm_service/migrations/18.0.1.1.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_service_post_migrate_1_1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        (self.stage_waiting | self.stage_cancelled).write({"pause_sla": False, "is_cancelled": False})
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertTrue(self.stage_waiting.pause_sla)
        self.assertTrue(self.stage_cancelled.is_cancelled)

    def test_stage_pause_setting_only_by_managers(self):
        with self.assertRaises(AccessError):
            self.stage_progress.with_user(self.agent).pause_sla = True
        self.stage_progress.with_user(self.manager).pause_sla = True
        self.assertTrue(self.stage_progress.pause_sla)

    # report ------------------------------------------------------------------
    def test_report_success_rate_without_cancelled(self):
        with freeze_time(MONDAY):
            on_time, late, cancelled = (self._create_ticket(name=n) for n in ("On time", "Late", "Cancelled"))
            on_time.stage_id = self.stage_solved
        with freeze_time(MONDAY + timedelta(days=7)):
            late.stage_id = self.stage_solved
            cancelled.stage_id = self.stage_cancelled
        self.assertEqual(on_time.sla_success, 100.0)
        self.assertEqual(late.sla_success, 0.0)
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_service_ticket_sla_report")
        domain = safe_eval(action["domain"]) + [("team_id", "=", self.team.id)]
        rows = self.Ticket._read_group(
            domain,
            ["team_id", "sla_policy_id", "close_date:month"],
            ["sla_success:avg", "resolution_hours_worked:avg", "__count"],
        )
        self.assertEqual(sum(r[-1] for r in rows), 2, "the cancelled ticket is left out")
        by_month = {r[2].month: r for r in rows}
        self.assertEqual(by_month[3][1], self.policy_default)
        self.assertEqual(by_month[3][3], 50.0, "one of two on time")
        self.assertEqual(by_month[3][4], late.resolution_hours_worked / 2)
        self.assertGreater(cancelled.resolution_hours_worked, 0)

    def test_report_headers_name_their_field(self):
        view = self.env.ref("crm_service.service_ticket_view_pivot")
        arch = etree.fromstring(view.arch)
        for node in arch.iter("field"):
            field = self.Ticket._fields[node.get("name")]
            self.assertNotEqual(field.type, "boolean", "a boolean grouping is headed Yes/No")
        measures = [n.get("name") for n in arch.iter("field") if n.get("type") == "measure"]
        self.assertIn("sla_success", measures)
        self.assertEqual(self.Ticket._fields["sla_success"].aggregator, "avg")
        self.assertEqual(self.Ticket._fields["sla_success"].string, "SLA Success (%)")

    # kanban ------------------------------------------------------------------
    def test_sla_status_colours(self):
        with freeze_time(MONDAY):
            ticket = self._create_ticket()
            self.assertEqual((ticket.sla_status, ticket.sla_color), ("ok", 0))
        with freeze_time(MONDAY + timedelta(hours=4)):  # 13:00: response due at 14:00
            ticket.invalidate_recordset(["sla_status", "sla_color"])
            self.assertEqual((ticket.sla_status, ticket.sla_color), ("at_risk", 2))
        with freeze_time(MONDAY + timedelta(days=7)):
            self.Ticket._cron_sla_check()
            ticket.invalidate_recordset(["sla_status", "sla_color"])
            self.assertEqual((ticket.sla_status, ticket.sla_color), ("breached", 1))
        view = self.env.ref("crm_service.service_ticket_view_kanban")
        arch = etree.fromstring(view.arch)
        self.assertEqual(arch.get("highlight_color"), "sla_color")
        number = arch.xpath("//field[@name='number']")[0]
        self.assertIn("text-nowrap", number.get("class"))

    def test_close_date_set_by_the_closing_transition_only(self):
        """An agent cannot hide a breach by back-dating the closing (QA: close_date written by RPC)."""
        self.assertEqual(SLA_TRANSITION_FIELDS, ("close_date",))
        with freeze_time(MONDAY):
            ticket = self.Ticket.with_user(self.salesman).create({"name": "Late", "team_id": self.team.id})
        refused = "Close Date cannot be written: set when the ticket moves to a closing stage."
        with freeze_time(MONDAY + timedelta(days=7)):
            ticket._action_refresh_sla_breach()
            self.assertTrue(ticket.sla_resolution_breached)
            for user in (self.salesman, self.agent, self.manager):
                with self.subTest(user=user.login), self.assertRaisesRegex(UserError, refused):
                    ticket.with_user(user).write({"close_date": MONDAY + timedelta(hours=1)})
            with self.assertRaisesRegex(UserError, refused):
                self.Ticket.with_user(self.salesman).create(
                    {"name": "Closed long ago", "team_id": self.team.id, "close_date": MONDAY}
                )
            self.assertFalse(ticket.close_date)
            self.assertTrue(ticket.sla_resolution_breached, "the breach stays visible")
            # the closing transition sets it, as the agent, and reopening clears it
            ticket.with_user(self.salesman).write({"stage_id": self.stage_solved.id})
            self.assertEqual(ticket.close_date, MONDAY + timedelta(days=7))
            self.assertTrue(ticket.sla_resolution_breached)
            ticket.with_user(self.salesman).write({"stage_id": self.stage_progress.id})
            self.assertFalse(ticket.close_date)

    def test_context_defaults_cannot_set_protected_sla_fields(self):
        """default_<field> context keys follow the same rules as the values (QA: default_sla_escalated)."""
        values = {"name": "Context defaults", "team_id": self.team.id}
        manager_only, never = "Only service managers may change %s.", "%s cannot be written"
        cases = [
            ({"default_sla_escalated": True}, AccessError, manager_only % "SLA Escalated"),
            ({"default_sla_start_date": "2026-12-20 08:00:00"}, AccessError, manager_only % "SLA Start"),
            (
                {"default_sla_resolution_deadline": "2030-01-01 00:00:00"},
                AccessError,
                manager_only % "Resolution Deadline",
            ),
            ({"default_close_date": "2026-01-01 00:00:00"}, UserError, never % "Close Date"),
            ({"default_sla_breached": False}, UserError, never % "SLA Breached"),
        ]
        for context, error, message in cases:
            with self.subTest(context=context), self.assertRaisesRegex(error, message):
                self.Ticket.with_user(self.salesman).with_context(**context).create([values])
        self.assertFalse(self.Ticket.search([("name", "=", "Context defaults")]))
        # a service manager may start the SLA later from the context, as with a value
        ticket = (
            self.Ticket.with_user(self.manager).with_context(default_sla_start_date=MONDAY).create(values)
        )
        self.assertEqual(ticket.sla_start_date, MONDAY)


@tagged("post_install", "-at_install")
class TestSlaRulesJsonRpc(HttpCase):
    """The SLA rules hold for a JSON-RPC write, not only in the form."""

    def test_agent_json_rpc_write_refused(self):
        agent = new_test_user(
            self.env, login="crm_service_rpc_agent", groups="crm_service.group_crm_service_user"
        )
        team = self.env["service.team"].create({"name": "RPC team", "member_ids": [(6, 0, agent.ids)]})
        ticket = self.env["service.ticket"].create({"name": "RPC ticket", "team_id": team.id})
        deadline = ticket.sla_resolution_deadline
        self.authenticate("crm_service_rpc_agent", "crm_service_rpc_agent")
        cases = [
            ({"sla_resolution_deadline": "2030-01-01 00:00:00"}, "odoo.exceptions.AccessError"),
            ({"sla_start_date": "2030-01-01 00:00:00"}, "odoo.exceptions.AccessError"),
            ({"sla_breached": False}, "odoo.exceptions.UserError"),
            ({"first_response_date": "2026-01-01 00:00:00"}, "odoo.exceptions.UserError"),
            ({"close_date": "2026-01-01 00:00:00"}, "odoo.exceptions.UserError"),
        ]
        for values, error_name in cases:
            with (
                self.subTest(values=values),
                self.assertRaises(JsonRpcException) as error,
                mute_logger("odoo.http"),
            ):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw/service.ticket/write",
                    {
                        "model": "service.ticket",
                        "method": "write",
                        "args": [ticket.ids, values],
                        "kwargs": {},
                    },
                )
            self.assertEqual(str(error.exception), error_name)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.sla_resolution_deadline, deadline)
        self.assertFalse(ticket.close_date)

    def test_salesman_json_rpc_create_with_context_defaults_refused(self):
        """QA: create as an agent with default_sla_escalated / default_sla_start_date in the context."""
        salesman = new_test_user(
            self.env, login="crm_service_rpc_salesman", groups="sales_team.group_sale_salesman"
        )
        team = self.env["service.team"].create({"name": "RPC team", "member_ids": [(6, 0, salesman.ids)]})
        self.authenticate("crm_service_rpc_salesman", "crm_service_rpc_salesman")
        context = {"default_sla_escalated": True, "default_sla_start_date": "2026-12-20 08:00:00"}
        with self.assertRaises(JsonRpcException) as error, mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/service.ticket/create",
                {
                    "model": "service.ticket",
                    "method": "create",
                    "args": [[{"name": "RPC defaults", "team_id": team.id}]],
                    "kwargs": {"context": context},
                },
            )
        self.assertEqual(str(error.exception), "odoo.exceptions.AccessError")
        self.assertFalse(self.env["service.ticket"].search([("name", "=", "RPC defaults")]))
