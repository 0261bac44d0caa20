from datetime import date

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestSfa(CrmSalesFlowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")
        cls.todo_type = cls.env.ref("mail.mail_activity_data_todo")
        cls.plan = cls.env["mail.activity.plan"].create(
            {
                "name": "Qualification steps",
                "res_model": "crm.lead",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": cls.call_type.id,
                            "summary": "Call the decision maker",
                            "delay_count": 2,
                            "delay_unit": "days",
                            "delay_from": "after_plan_date",
                            "responsible_type": "on_demand",
                        }
                    ),
                    Command.create(
                        {
                            "activity_type_id": cls.todo_type.id,
                            "summary": "Send the brochure",
                            "delay_count": 1,
                            "delay_unit": "weeks",
                            "delay_from": "after_plan_date",
                            "responsible_type": "on_demand",
                        }
                    ),
                ],
            }
        )
        cls.stage_new = cls.env["crm.stage"].create({"name": "SFA New", "sequence": 1})
        cls.stage_qualified = cls.env["crm.stage"].create(
            {"name": "SFA Qualified", "sequence": 2, "activity_plan_id": cls.plan.id}
        )

    def _activities(self, lead):
        return self.env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])

    @freeze_time("2026-05-04")
    def test_entering_stage_schedules_plan_for_owner(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user)
            .create(
                {
                    "name": "SFA deal",
                    "type": "opportunity",
                    "stage_id": self.stage_new.id,
                    "user_id": self.user.id,
                }
            )
        )
        self.assertFalse(self._activities(lead))
        lead.with_user(self.user).write({"stage_id": self.stage_qualified.id})
        activities = self._activities(lead)
        self.assertEqual(len(activities), 2)
        self.assertEqual(set(activities.mapped("user_id")), {self.user})
        call = activities.filtered(lambda a: a.activity_type_id == self.call_type)
        self.assertEqual(call.date_deadline, date(2026, 5, 6))
        self.assertEqual(call.summary, "Call the decision maker")
        # writing the same stage again or coming back does not duplicate open to-dos
        lead.write({"stage_id": self.stage_qualified.id})
        lead.write({"stage_id": self.stage_new.id})
        lead.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(len(self._activities(lead)), 2)

    def test_create_in_plan_stage_and_fixed_responsible(self):
        self.plan.template_ids[1].write({"responsible_type": "other", "responsible_id": self.manager.id})
        lead = self.env["crm.lead"].create(
            {
                "name": "Direct",
                "type": "opportunity",
                "stage_id": self.stage_qualified.id,
                "user_id": self.user.id,
            }
        )
        activities = self._activities(lead)
        self.assertEqual(len(activities), 2)
        self.assertEqual(
            activities.filtered(lambda a: a.activity_type_id == self.todo_type).user_id, self.manager
        )

    def test_stage_form_sets_plan(self):
        with Form(self.stage_new) as form:
            form.activity_plan_id = self.plan
        self.assertEqual(self.stage_new.activity_plan_id, self.plan)

    def test_batch_stage_change(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"B{i}",
                    "type": "opportunity",
                    "stage_id": self.stage_new.id,
                    "user_id": self.user.id,
                }
                for i in range(5)
            ]
        )
        leads.write({"stage_id": self.stage_qualified.id})
        count = self.env["mail.activity"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)]
        )
        self.assertEqual(count, 10)

    def test_overdue_inbox(self):
        with freeze_time("2026-05-01"):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Late",
                    "type": "opportunity",
                    "stage_id": self.stage_qualified.id,
                    "user_id": self.user.id,
                }
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_flow.action_crm_sales_flow_todo")
        self.assertEqual(action["res_model"], "mail.activity")
        overdue = (
            self.env["mail.activity"]
            .with_user(self.user)
            .search(
                [
                    ("res_model", "in", ["crm.lead", "res.partner", "sale.order"]),
                    ("user_id", "=", self.user.id),
                    ("date_deadline", "<", "2026-05-20"),
                ]
            )
        )
        self.assertEqual(set(overdue.mapped("res_id")), {lead.id})

    @freeze_time("2026-11-25 09:00:00")
    def test_stage_todos_count_forward_with_odoo_default_plan(self):
        # issue 11: with Odoo's default "Before Plan Date" a 1-day step was due 11-24 and a 3-day step
        # 11-22, overdue on arrival; the to-dos count forward from the day the stage is entered
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "Default plan",
                "res_model": "crm.lead",
                "template_ids": [
                    Command.create(
                        {"activity_type_id": self.call_type.id, "summary": "Call back", "delay_count": 1}
                    ),
                    Command.create(
                        {"activity_type_id": self.todo_type.id, "summary": "Send offer", "delay_count": 3}
                    ),
                ],
            }
        )
        self.assertEqual(set(plan.template_ids.mapped("delay_from")), {"before_plan_date"}, "Odoo's default")
        stage = self.env["crm.stage"].create(
            {"name": "SFA Default", "sequence": 3, "activity_plan_id": plan.id}
        )
        lead = (
            self.env["crm.lead"]
            .with_user(self.user)
            .create({"name": "Forward", "type": "opportunity", "stage_id": self.stage_new.id})
        )
        lead.with_user(self.user).write({"stage_id": stage.id})
        activities = self._activities(lead).with_user(self.user)
        self.assertEqual(
            sorted((a.summary, a.date_deadline, a.state) for a in activities),
            [("Call back", date(2026, 11, 26), "planned"), ("Send offer", date(2026, 11, 28), "planned")],
        )
        # the Overdue Follow-ups inbox of the salesman stays empty
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_flow.action_crm_sales_flow_todo")
        domain = safe_eval(
            action["domain"], {"uid": self.user.id, "context_today": lambda: date(2026, 11, 25)}
        )
        self.assertFalse(self.env["mail.activity"].with_user(self.user).search(domain))

    def test_stage_todos_count_from_stage_entry_date(self):
        with freeze_time("2026-11-20 10:00:00"):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Entered",
                    "type": "opportunity",
                    "stage_id": self.stage_new.id,
                    "user_id": self.user.id,
                }
            )
            lead.write({"stage_id": self.stage_qualified.id})
        lead._action_schedule_stage_plan()  # later: the already open to-dos are kept as they are
        call = self._activities(lead).filtered(lambda a: a.activity_type_id == self.call_type)
        self.assertEqual(call.date_deadline, date(2026, 11, 22))
