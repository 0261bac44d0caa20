from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestLeadLinePricing(CrmInventoryLinkCommon):
    """Opportunity lines priced by the customer's pricelist, their total rolled into expected revenue,
    and no date promised for what nothing can supply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "CIL 10% off",
                "currency_id": cls.company.currency_id.id,
                "item_ids": [
                    Command.create(
                        {"applied_on": "3_global", "compute_price": "percentage", "percent_price": 10}
                    )
                ],
            }
        )
        cls.customer.property_product_pricelist = cls.pricelist
        cls.product_buy.list_price = 300.0
        cls._set_stock(cls.product_buy, 100.0)

    def _new_lead(self, user=None, lines=None, company=None):
        values = {
            "name": "Priced opportunity",
            "type": "opportunity",
            "partner_id": self.customer.id,
            "user_id": (user or self.user).id,
            "lead_line_ids": [
                Command.create({"product_id": product.id, "product_uom_qty": qty})
                for product, qty in (lines or [(self.product_buy, 20.0)])
            ],
        }
        if company:
            values["company_id"] = company.id
        return self.env["crm.lead"].with_user(user or self.user).create(values)

    def test_line_price_from_customer_pricelist(self):
        with Form(self.env["crm.lead"].with_user(self.user).with_context(default_type="opportunity")) as form:
            form.name = "Priced in the form"
            form.partner_id = self.customer
            with form.lead_line_ids.new() as line:
                line.product_id = self.product_buy
                line.product_uom_qty = 20.0
                self.assertEqual(line.price_unit, 270.0, "10% off the list price of 300")
        lead = form.record
        self.assertEqual(lead.lead_line_ids.price_subtotal, 5400.0)
        self.assertEqual(lead.lead_line_amount, 5400.0)
        list_prices = self.env["product.pricelist"].create({"name": "CIL list prices"})
        other = self.env["res.partner"].create(
            {"name": "List-price customer", "property_product_pricelist": list_prices.id}
        )
        with Form(lead) as form:
            form.partner_id = other
        self.assertEqual(lead.lead_line_ids.price_unit, 300.0, "another customer, another pricelist")

    def test_quotation_lines_get_the_pricelist_price(self):
        lead = self._new_lead()
        context = lead.with_user(self.user).action_new_quotation()["context"]
        order = Form(self.env["sale.order"].with_user(self.user).with_context(**context)).save()
        self.assertEqual(order.pricelist_id, self.pricelist)
        self.assertEqual(order.order_line.price_subtotal, 5400.0, "270 a unit, as a quotation line gives")
        self.assertEqual(order.amount_untaxed, lead.lead_line_amount)

    def test_manual_price_kept_in_quotation(self):
        lead = self._new_lead()
        with Form(lead.with_user(self.user)) as form:
            with form.lead_line_ids.edit(0) as line:
                line.price_unit = 250.0
            with form.lead_line_ids.edit(0) as line:
                line.product_uom_qty = 30.0
                self.assertEqual(line.price_unit, 250.0, "a typed price survives a new quantity")
        context = lead.with_user(self.user).action_new_quotation()["context"]
        order = Form(self.env["sale.order"].with_user(self.user).with_context(**context)).save()
        self.assertEqual(order.order_line.price_unit, 250.0)

    def test_products_total_rolls_into_expected_revenue(self):
        lead = self._new_lead()
        self.assertEqual(lead.expected_revenue, 0.0, "setting off: Odoo's own expected revenue")
        self.company.cil_lead_line_revenue = True
        lead = self._new_lead(lines=[(self.product_buy, 20.0), (self.product_buy2, 6.0)])
        self.assertEqual(lead.expected_revenue, 5400.0 + 6 * 90.0)
        self.assertTrue(lead.with_user(self.user).cil_revenue_from_lines)
        with Form(lead.with_user(self.user)) as form:
            with form.lead_line_ids.edit(0) as line:
                line.product_uom_qty = 10.0
            self.assertEqual(form.expected_revenue, 2700.0 + 540.0, "the form shows it before saving")
        self.assertEqual(lead.expected_revenue, 3240.0)
        lead.with_user(self.user).expected_revenue = 99.0
        self.assertEqual(lead.expected_revenue, 3240.0, "the products total wins")
        lead.lead_line_ids[1].with_user(self.user).unlink()
        self.assertEqual(lead.expected_revenue, 2700.0)

    def test_revenue_rollup_for_all_documents_salesman(self):
        self.company.cil_lead_line_revenue = True
        salesman = self.env["res.users"].create(
            {
                "name": "All documents salesman",
                "login": "cil_all_docs",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman_all_leads").id])],
            }
        )
        lead = self._new_lead()
        lead.lead_line_ids.with_user(salesman).product_uom_qty = 2.0
        self.assertEqual(lead.expected_revenue, 540.0)

    def test_revenue_setting_per_company(self):
        self.company.cil_lead_line_revenue = True
        other_company = self.env["res.company"].create({"name": "CIL Other Company"})
        lead = self.env["crm.lead"].create(
            {
                "name": "Other company's",
                "type": "opportunity",
                "company_id": other_company.id,
                "expected_revenue": 10.0,
                "lead_line_ids": [Command.create({"product_id": self.product_buy.id, "price_unit": 5.0})],
            }
        )
        self.assertEqual(lead.expected_revenue, 10.0, "the other company keeps the setting off")

    def test_revenue_setting_in_settings(self):
        """Switched on in the settings: the open opportunities get their products total at once."""
        lead = self._new_lead()
        won = self._new_lead()
        won.action_set_won()
        settings = self.env["res.config.settings"].create({"cil_lead_line_revenue": True})
        settings.execute()
        self.assertTrue(self.company.cil_lead_line_revenue)
        self.assertEqual(lead.expected_revenue, 5400.0)
        self.assertEqual(won.expected_revenue, 0.0, "a won opportunity keeps its revenue")

    @freeze_time("2026-03-02 10:00:00")
    def test_no_promise_without_stock_route_or_vendor(self):
        no_route = self._create_product("CIL No route", "CIL-N1")
        no_vendor = self._create_product("CIL No vendor", "CIL-N2", routes=self.route_buy)
        lead = self._new_lead(lines=[(no_route, 1.0), (no_vendor, 1.0), (self.product_buy, 1.0)])
        line_no_route, line_no_vendor, line_stock = lead.with_user(self.user).lead_line_ids
        for line in line_no_route | line_no_vendor:
            self.assertFalse(line.promised_date, line.product_id.name)
            self.assertIn("no date can be promised", line.availability_warning)
        self.assertEqual(line_stock.promised_date, datetime(2026, 3, 4, 10, 0))
        self.assertFalse(line_stock.availability_warning)
        context = lead.with_user(self.user).action_new_quotation()["context"]
        order = Form(self.env["sale.order"].with_user(self.user).with_context(**context)).save()
        promised = {ln.product_id: ln.cil_promised_date for ln in order.order_line}
        self.assertFalse(promised[no_route])
        self.assertFalse(promised[no_vendor])

    @freeze_time("2026-03-02 10:00:00")
    def test_incoming_receipt_gives_the_promise(self):
        no_route = self._create_product("CIL Received", "CIL-N3")
        arrival = datetime(2026, 3, 12, 9, 0)
        self._create_purchase(no_route, 5.0, date_planned=arrival)
        lead = self._new_lead(lines=[(no_route, 4.0)])
        line = lead.with_user(self.user).lead_line_ids
        self.assertEqual(line.free_qty, 0.0)
        self.assertEqual(line.promised_date, arrival, "promised on the receipt date")
        self.assertFalse(line.availability_warning)
        line.product_uom_qty = 6.0
        self.assertFalse(line.promised_date, "the receipt does not cover 6")
        self.assertTrue(line.availability_warning)
