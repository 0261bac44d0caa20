from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CrmSalesFlowCommon


@tagged("post_install", "-at_install")
class TestFunnel(CrmSalesFlowCommon):
    def test_weighted_forecast_by_stage(self):
        stage = self.env["crm.stage"].create({"name": "Funnel test stage", "sequence": 99})
        self.env["crm.lead"].create(
            [
                {
                    "name": "F1",
                    "type": "opportunity",
                    "stage_id": stage.id,
                    "expected_revenue": 1000,
                    "probability": 20,
                },
                {
                    "name": "F2",
                    "type": "opportunity",
                    "stage_id": stage.id,
                    "expected_revenue": 500,
                    "probability": 60,
                },
            ]
        )
        groups = (
            self.env["crm.lead"]
            .with_user(self.manager)
            ._read_group(
                [("stage_id", "=", stage.id)], ["stage_id"], ["expected_revenue:sum", "prorated_revenue:sum"]
            )
        )
        self.assertEqual(groups, [(stage, 1500.0, 500.0)])

    def test_actions_open(self):
        for xmlid in (
            "crm_sales_flow.action_crm_sales_funnel",
            "crm_sales_flow.action_crm_weighted_forecast",
            "crm_sales_flow.action_customer_lifecycle",
            "crm_sales_flow.action_customer_rfm",
            "crm_sales_flow.action_sale_order_installment",
        ):
            action = self.env["ir.actions.act_window"].with_user(self.user)._for_xml_id(xmlid)
            model = self.env[action["res_model"]].with_user(self.user)
            for view_id, view_type in action["views"]:
                model.get_view(view_id, view_type)

    def test_forms_render_for_each_group(self):
        for user in (self.user, self.manager):
            arch = self.env["res.partner"].with_user(user).get_view(view_type="form")["arch"]
            self.assertIn("customer_stage", arch)
            self.assertIn("action_open_timeline", arch)
            arch = self.env["sale.order"].with_user(user).get_view(view_type="form")["arch"]
            self.assertIn("installment_ids", arch)
            arch = self.env["crm.lead"].with_user(user).get_view(view_type="form")["arch"]
            self.assertIn("customer_stage", arch)
        self.assertNotIn(
            "action_release_customer_stage",
            self.env["res.partner"].with_user(self.user).get_view(view_type="form")["arch"],
        )

    def test_settings(self):
        with Form(self.env["res.config.settings"]) as form:
            form.crm_sales_flow_purchase_interval = 60
            form.crm_sales_flow_churn_factor = 2.0
        form.record.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("crm_sales_flow.default_purchase_interval"), "60")
        self.assertEqual(self.env["res.partner"]._get_default_purchase_interval(), 60.0)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"crm_sales_flow_churn_factor": -1})

    def test_funnel_in_pipeline_order_with_conversion_rates(self):
        team = self.env["crm.team"].create({"name": "Funnel team"})
        first, second, third = self.env["crm.stage"].create(
            [
                {"name": f"Funnel {name}", "sequence": 90 + i, "team_id": team.id}
                for i, name in enumerate("ABC")
            ]
        )
        values = [(first, 1000), (first, 1000), (first, 1000), (second, 90000), (second, 10), (third, 5)]
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"F{i}",
                    "type": "opportunity",
                    "team_id": team.id,
                    "stage_id": s.id,
                    "expected_revenue": r,
                }
                for i, (s, r) in enumerate(values)
            ]
        )
        leads[4].action_set_lost()  # a lost opportunity still reached its stage
        action = self.env["crm.sales.funnel"].with_user(self.manager).action_open()
        funnel = self.env["crm.sales.funnel"].browse(action["res_id"])
        funnel.team_id = team
        funnel.action_refresh()
        lines = funnel.line_ids.filtered(lambda line: line.stage_id in first | second | third)
        self.assertEqual(lines.stage_id, first | second | third, "pipeline order, not by amount")
        self.assertEqual(lines.mapped("reached_count"), [6, 3, 1])
        self.assertEqual(lines.mapped("conversion_rate"), [50.0, 33.3, 0.0])
        self.assertEqual(lines.mapped("has_conversion"), [True, True, False])
        self.assertEqual(lines[1].expected_revenue, 90010.0)

    def test_funnel_of_a_salesman_counts_only_what_he_may_read(self):
        """A salesman with 'Own Documents Only' gets the funnel of his own opportunities (record rules)."""
        team = self.env["crm.team"].create({"name": "Own funnel team"})
        stage = self.env["crm.stage"].create({"name": "Own funnel stage", "sequence": 95, "team_id": team.id})
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Own {i}",
                    "type": "opportunity",
                    "team_id": team.id,
                    "stage_id": stage.id,
                    "user_id": owner.id,
                    "expected_revenue": 100,
                }
                for i, owner in enumerate([self.user, self.user, self.other_user])
            ]
        )
        action = self.env["crm.sales.funnel"].with_user(self.user).action_open()
        funnel = self.env["crm.sales.funnel"].with_user(self.user).browse(action["res_id"])
        funnel.team_id = team
        funnel.action_refresh()
        line = funnel.line_ids.filtered(lambda line: line.stage_id == stage)
        self.assertEqual((line.current_count, line.expected_revenue), (2, 200.0))
