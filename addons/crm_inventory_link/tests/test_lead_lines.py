from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestLeadLines(CrmInventoryLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_stock(cls.product_buy, 10.0)
        cls.lead = (
            cls.env["crm.lead"]
            .with_user(cls.user)
            .create(
                {
                    "name": "Opportunity with products",
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "user_id": cls.user.id,
                    "lead_line_ids": [
                        Command.create({"product_id": cls.product_buy.id, "product_uom_qty": 4.0}),
                        Command.create(
                            {"product_id": cls.product_buy2.id, "product_uom_qty": 3.0, "price_unit": 80.0}
                        ),
                    ],
                }
            )
        )

    @freeze_time("2026-03-02 10:00:00")
    def test_availability_and_promised_date(self):
        line_in_stock, line_short = self.lead.lead_line_ids
        now = fields.Datetime.now()
        self.assertEqual(line_in_stock.free_qty, 10.0)
        self.assertEqual(line_in_stock.virtual_available, 10.0)
        self.assertEqual(line_in_stock.price_unit, 100.0)
        self.assertEqual(line_in_stock.promised_date, now + timedelta(days=2), "customer lead time only")
        self.assertEqual(line_short.free_qty, 0.0)
        # not in stock: customer lead time 2 days + vendor lead time 1 day
        self.assertEqual(line_short.promised_date, now + timedelta(days=3))
        self.assertEqual(self.lead.lead_line_amount, 400.0 + 240.0)
        line_in_stock.product_uom_qty = 12.0
        self.assertEqual(line_in_stock.promised_date, now + timedelta(days=7), "vendor lead time 5 days")

    def test_lines_carried_into_quotation(self):
        action = self.lead.with_user(self.user).action_new_quotation()
        context = action["context"]
        self.assertEqual(len(context["default_order_line"]), 2)
        order_form = Form(self.env["sale.order"].with_user(self.user).with_context(**context))
        order = order_form.save()
        self.assertEqual(order.opportunity_id, self.lead)
        self.assertEqual(order.order_line.product_id, self.product_buy | self.product_buy2)
        line_short = order.order_line.filtered(lambda ln: ln.product_id == self.product_buy2)
        self.assertEqual(line_short.product_uom_qty, 3.0)
        self.assertEqual(line_short.price_unit, 80.0)
        self.assertTrue(line_short.cil_promised_date)
        line_stock = order.order_line.filtered(lambda ln: ln.product_id == self.product_buy)
        self.assertEqual(line_stock.free_qty_today, 10.0)
        self.assertLess(line_stock.cil_promised_date, line_short.cil_promised_date)
        order.commitment_date = fields.Datetime.now() + timedelta(days=30)
        self.assertEqual(line_stock.cil_promised_date, order.commitment_date)

    def test_quotation_without_lines_keeps_odoo_flow(self):
        lead = self.env["crm.lead"].create({"name": "No products", "type": "opportunity"})
        context = lead._prepare_opportunity_quotation_context()
        self.assertNotIn("default_order_line", context)

    def test_record_rules(self):
        other = self.env["crm.lead"].create(
            {
                "name": "Someone else's",
                "type": "opportunity",
                "user_id": self.manager.id,
                "lead_line_ids": [Command.create({"product_id": self.product_buy.id})],
            }
        )
        Line = self.env["crm.lead.line"]
        # a salesperson of his own documents only (no warehouse role): the lines of his opportunities
        seller = self.env["res.users"].create(
            {
                "name": "Own documents seller",
                "login": "cil_own_seller",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        self.lead.user_id = seller
        self.assertEqual(Line.with_user(seller).search([]), self.lead.lead_line_ids)
        with self.assertRaises(AccessError):
            Line.with_user(seller).browse(other.lead_line_ids.id).read(["product_id"])
        self.assertEqual(
            Line.with_user(self.manager).search([("id", "in", (self.lead.sudo() | other).lead_line_ids.ids)]),
            (self.lead.sudo() | other).lead_line_ids,
        )

    def test_all_documents_salesman_sees_the_lines(self):
        """Whoever reads the opportunity reads its lines: the quotation made from it carries them."""
        salesman = self.env["res.users"].create(
            {
                "name": "Plain salesman",
                "login": "cil_plain_salesman",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman_all_leads").id])],
            }
        )
        lead = self.lead.with_user(salesman)
        self.assertEqual(lead.lead_line_amount, self.lead.lead_line_amount)
        self.assertEqual(len(lead._prepare_opportunity_quotation_context()["default_order_line"]), 2)

    def test_line_stays_on_its_opportunity(self):
        """A salesperson of his own documents cannot move a line, or add one, onto someone else's
        opportunity (whose expected revenue would follow the products)."""
        self.company.cil_lead_line_revenue = True
        seller = self.env["res.users"].create(
            {
                "name": "Own documents seller",
                "login": "cil_own_seller_move",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        other = self.env["crm.lead"].create(
            {
                "name": "Someone else's",
                "type": "opportunity",
                "user_id": self.manager.id,
                "lead_line_ids": [Command.create({"product_id": self.product_buy.id, "price_unit": 30.0})],
            }
        )
        self.assertEqual(other.expected_revenue, 30.0)
        self.lead.user_id = seller
        line = self.lead.lead_line_ids[:1].with_user(seller)
        with self.assertRaisesRegex(UserError, "Opportunity: a product line cannot be moved"):
            line.write({"lead_id": other.id})
        with self.assertRaisesRegex(UserError, "Opportunity: a product line cannot be moved"):
            line.with_user(self.manager).write({"lead_id": other.id})  # nobody moves it
        with self.assertRaises(AccessError):
            self.env["crm.lead.line"].with_user(seller).create(
                {"lead_id": other.id, "product_id": self.product_buy2.id, "price_unit": 1000.0}
            )
        self.assertEqual(other.lead_line_ids.product_id, self.product_buy)
        self.assertEqual(other.expected_revenue, 30.0)
        self.assertEqual(line.lead_id, self.lead)
        # the same opportunity is no move; lines of his own opportunity are still created and changed
        line.write({"lead_id": self.lead.id, "product_uom_qty": 5.0})
        self.env["crm.lead.line"].with_user(seller).create(
            {"lead_id": self.lead.id, "product_id": self.product_buy.id}
        )
        self.assertEqual(len(self.lead.lead_line_ids), 3)
        self.assertEqual(self.lead.expected_revenue, self.lead.lead_line_amount)

    def test_merge_keeps_the_products_of_every_opportunity(self):
        """Odoo's Merge (crm.merge.opportunity) carries the merged opportunities' products to the one kept."""
        self.company.cil_lead_line_revenue = True
        other = self.env["crm.lead"].create(
            {
                "name": "Same customer, second deal",
                "type": "opportunity",
                "partner_id": self.lead.partner_id.id,
                "user_id": self.lead.user_id.id,
                "lead_line_ids": [Command.create({"product_id": self.product_buy2.id, "price_unit": 30.0})],
            }
        )
        products = (self.lead | other).lead_line_ids.product_id
        total = self.lead.lead_line_amount + other.lead_line_amount
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(self.lead.user_id or self.env.user)
            .with_context(active_model="crm.lead", active_ids=(self.lead | other).ids)
            .create({"opportunity_ids": [Command.set((self.lead | other).ids)]})
        )
        kept = self.env["crm.lead"].browse(wizard.action_merge()["res_id"])
        self.assertEqual(len((self.lead | other).exists()), 1)
        self.assertEqual(kept.lead_line_ids.product_id, products)
        self.assertEqual((kept.lead_line_amount, kept.expected_revenue), (total, total))
