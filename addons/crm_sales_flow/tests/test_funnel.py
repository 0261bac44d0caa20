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
