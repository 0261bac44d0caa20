from lxml import etree

from odoo import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import TransactionCase

# role -> Odoo's own groups only: nobody is added to a suite group by hand
ROLES = {
    "sales_own": "sales_team.group_sale_salesman",
    "sales_all": "sales_team.group_sale_salesman_all_leads",
    "sales_admin": "sales_team.group_sale_manager",
    "stock_user": "stock.group_stock_user",
    "purchase_user": "purchase.group_purchase_user",
    "mrp_user": "mrp.group_mrp_user",
    "invoicing": "account.group_account_invoice",
    "accountant": "account.group_account_manager",
}
SALES_ROLES = ("sales_own", "sales_all", "sales_admin")
# the core forms each role works in
FORMS = {
    "crm.lead": SALES_ROLES,
    "sale.order": (*SALES_ROLES, "invoicing", "accountant"),
    "res.partner": tuple(ROLES),
    "stock.picking": ("stock_user",),
    "account.move": ("invoicing", "accountant"),
    "purchase.order": ("purchase_user",),
    "mrp.production": ("mrp_user",),
}


@tagged("post_install", "-at_install")
class TestCoreRoles(TransactionCase):
    """Users of Odoo's own groups, never added to the suite's groups, do their usual work with the suite
    installed: they open the core forms as the web client does and the salespeople merge, copy and
    convert leads. Each sees the suite's data of its role through the groups Odoo's imply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.users = {
            role: new_test_user(cls.env, login=f"core_{role}", groups=groups)
            for role, groups in ROLES.items()
        }
        cls.customer = cls.env["res.partner"].create({"name": "Core Customer", "email": "core@example.com"})
        cls.product = cls.env["product.product"].create(
            {"name": "Core Product", "is_storable": True, "list_price": 50.0, "standard_price": 20.0}
        )
        cls.records = cls._make_records()

    @classmethod
    def _make_records(cls):
        owner = cls.users["sales_own"]
        lead = cls.env["crm.lead"].create(
            {
                "name": "Core deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": owner.id,
                "lead_line_ids": [Command.create({"product_id": cls.product.id, "product_uom_qty": 2})],
            }
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": owner.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [Command.create({"product_id": cls.product.id, "price_unit": 50.0})],
            }
        )
        purchase = cls.env["purchase.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_qty": 1})],
            }
        )
        bom_product = cls.env["product.product"].create({"name": "Core Kit", "is_storable": True})
        production = cls.env["mrp.production"].create({"product_id": bom_product.id, "product_qty": 1})
        return {
            "crm.lead": lead,
            "sale.order": order,
            "res.partner": cls.customer,
            "stock.picking": order.picking_ids[:1],
            "account.move": invoice,
            "purchase.order": purchase,
            "mrp.production": production,
        }

    def _web_read_form(self, record):
        """Read RECORD as the web client opens its form: the fields of the default form view for this
        user, relational ones with their display name, one2many lines included."""
        view = record.get_views([(False, "form")])["views"]["form"]
        spec = {}
        for node in etree.fromstring(view["arch"]).iter("field"):
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue
            field = record._fields[node.get("name")]
            if field.type == "one2many" or field.type == "many2many":
                spec[field.name] = {"fields": {"display_name": {}}}
            elif field.type == "many2one":
                spec[field.name] = {"fields": {"display_name": {}}}
            else:
                spec[field.name] = {}
        return record.web_read(spec)[0]

    def test_core_forms_open_for_each_role(self):
        for model, roles in FORMS.items():
            record = self.records[model]
            self.assertTrue(record, model)
            for role in roles:
                with self.subTest(model=model, role=role):
                    mine = record.with_user(self.users[role])
                    values = self._web_read_form(mine)
                    self.assertEqual(values["id"], record.id)
                    form = Form(mine)
                    self.assertEqual(form.id, record.id)

    def test_suite_data_for_each_role(self):
        """What each role sees of the suite on the core forms, without an administrator step."""
        lead, order = self.records["crm.lead"], self.records["sale.order"]
        salesman = self.users["sales_own"]
        self.assertTrue(salesman.has_group("crm_leads.group_crm_leads_user"))
        self.assertEqual(lead.with_user(salesman).lead_line_ids.product_id, self.product)
        self.assertIn("lead_line_ids", self._web_read_form(lead.with_user(salesman)))
        self.assertIn("score_event_ids", self._web_read_form(lead.with_user(salesman)))
        self.assertIn("installment_ids", self._web_read_form(order.with_user(salesman)))
        self.assertIn("installment_ids", self._web_read_form(order.with_user(self.users["invoicing"])))
        self.assertTrue(self.users["sales_admin"].has_group("crm_leads.group_crm_leads_manager"))
        self.assertTrue(self.users["sales_admin"].has_group("crm_sales_flow.group_crm_sales_flow_manager"))
        buyer = self.users["purchase_user"]
        self.assertTrue(buyer.has_group("crm_inventory_link.group_crm_inventory_link_user"))
        self.assertTrue(self.users["invoicing"].has_group("crm_sales_flow.group_crm_sales_flow_user"))
        # a warehouse user opens the customer, whose stage history he may not read
        partner_values = self._web_read_form(self.customer.with_user(self.users["stock_user"]))
        self.assertNotIn("customer_stage_history_ids", partner_values)

    def test_lines_visible_to_whoever_reads_the_opportunity(self):
        """A salesperson with 'All Documents' reads another's opportunity, and so its product lines: the
        quotation made from it carries them."""
        lead = self.records["crm.lead"]
        for role in ("sales_all", "sales_admin"):
            with self.subTest(role=role):
                mine = lead.with_user(self.users[role])
                self.assertEqual(mine.lead_line_ids.product_id, self.product)
                context = mine._prepare_opportunity_quotation_context()
                self.assertEqual(len(context["default_order_line"]), 1)

    def test_new_user_of_sales_gets_the_suite(self):
        """A user created in Settings with a Sales role is a suite user at once."""
        user = self.env["res.users"].create(
            {
                "name": "Fresh Seller",
                "login": "core_fresh_seller",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        for group in (
            "crm_leads.group_crm_leads_user",
            "crm_sales_flow.group_crm_sales_flow_user",
            "crm_inventory_link.group_crm_inventory_link_user",
        ):
            self.assertTrue(user.has_group(group), group)

    def test_salespeople_merge_copy_convert(self):
        for role in SALES_ROLES:
            with self.subTest(role=role):
                user = self.users[role]
                Lead = self.env["crm.lead"].with_user(user)
                leads = Lead.create(
                    [
                        {
                            "name": f"{role} dup {i}",
                            "type": "opportunity",
                            "email_from": f"{role}@dup.example.com",
                            "user_id": user.id,
                            "lead_line_ids": [Command.create({"product_id": self.product.id})],
                        }
                        for i in range(2)
                    ]
                )
                copy = leads[0].copy()
                self.assertEqual(copy.lead_line_ids.product_id, self.product, "lines are copied")
                merged = (
                    self.env["crm.merge.opportunity"]
                    .with_user(user)
                    .with_context(active_model="crm.lead", active_ids=leads.ids, active_id=False)
                    .create({"user_id": user.id})
                    .action_merge()
                )
                self.assertTrue(Lead.browse(merged["res_id"]).exists())
                lead = Lead.create(
                    {"name": f"{role} to convert", "type": "lead", "email_from": f"{role}@dup.example.com"}
                )
                convert = (
                    self.env["crm.lead2opportunity.partner"]
                    .with_user(user)
                    .with_context(active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
                    .create({"name": "merge", "action": "create"})
                )
                result = convert.action_apply()
                converted = Lead.browse(result["res_id"])
                self.assertEqual(converted.type, "opportunity")
