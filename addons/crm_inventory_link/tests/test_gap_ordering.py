from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestGapOrdering(CrmInventoryLinkCommon):
    """Issue 12: what "Create RFQs / MOs" orders, in which unit, with which rights, dates and buyer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env, login="cil_gap_buyer", name="CIL Buyer", groups="purchase.group_purchase_user"
        )
        cls.link_manager = new_test_user(
            cls.env,
            login="cil_gap_link_manager",
            groups="crm_inventory_link.group_crm_inventory_link_manager",
        )
        cls.warehouse2 = cls.env["stock.warehouse"].create({"name": "CIL Second", "code": "CIL2"})
        cls.Gap = cls.env["crm.inventory.gap"]

    def _refresh(self, warehouses=None):
        return self.Gap.with_user(self.manager)._action_refresh_report(warehouses or self.warehouse)

    def _row(self, product, warehouse=None):
        return self.Gap.search(
            [("product_id", "=", product.id), ("warehouse_id", "=", (warehouse or self.warehouse).id)]
        )

    def _lines(self, products):
        return self.env["purchase.order.line"].search([("product_id", "in", products.ids)])

    def _ordered(self, products):
        """{(product, warehouse): quantity} of the RFQ lines of ``products``."""
        return {
            (line.product_id, line.order_id.picking_type_id.warehouse_id): line.product_qty
            for line in self._lines(products)
        }

    # ------------------------------------------------------------------ selection
    def test_selected_rows_order_exactly_their_pairs(self):
        a, c = self.product_buy2, self.product_buy_b
        self._create_sale([(a, 3.0), (c, 2.0)])
        self._create_sale([(a, 4.0)], warehouse=self.warehouse2)
        self._refresh(self.warehouse | self.warehouse2)
        selected = self._row(c) | self._row(a, self.warehouse2)
        confirmation, notification = self._order_gaps(selected)
        self.assertEqual(confirmation.gap_count, 2)
        self.assertIn("2 row(s)", confirmation.message)
        self.assertIn("2 replenishment(s) launched.", notification["params"]["message"])
        self.assertEqual(self._ordered(a | c), {(c, self.warehouse): 2.0, (a, self.warehouse2): 4.0})
        self.assertEqual(self._row(a).order_qty, 3.0, "A at WH was not selected: still to order")
        self.assertEqual(self._row(a, self.warehouse2).order_qty, 0.0)

    def test_without_selection_orders_the_filter_after_saying_how_many(self):
        a, c = self.product_buy2, self.product_buy_b
        self._create_sale([(a, 3.0), (c, 2.0)])
        self._create_sale([(a, 4.0), (c, 1.0)], warehouse=self.warehouse2)
        self._refresh(self.warehouse | self.warehouse2)
        domain = [("order_qty", ">", 0), ("warehouse_id", "=", self.warehouse2.id)]
        confirmation, notification = self._order_gaps(self.Gap.browse(), domain=domain)
        self.assertEqual(confirmation.gap_count, 2)
        self.assertIn("2 row(s) of the purchase gap will be ordered.", confirmation.message)
        self.assertEqual(notification["params"]["type"], "success")
        self.assertEqual(self._ordered(a | c), {(a, self.warehouse2): 4.0, (c, self.warehouse2): 1.0})
        with self.assertRaisesRegex(UserError, "Nothing to order"):
            self._order_gaps(self.Gap.browse(), domain=domain)

    # ------------------------------------------------------------------ purchase unit
    def test_vendor_minimum_and_quantity_in_dozens(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        product = self._create_product("CIL Eggs", "CIL-D1", routes=self.route_buy)
        product.write(
            {
                "uom_po_id": dozen.id,
                "seller_ids": [Command.create({"partner_id": self.vendor.id, "min_qty": 5.0, "price": 30.0})],
            }
        )
        self._create_sale([(product, 7.0)])
        row = self._refresh().filtered(lambda g: g.product_id == product)
        self.assertEqual(row.vendor_min_qty, 60.0, "5 dozen are 60 units")
        self.assertEqual(row.order_qty, 60.0)
        self.assertEqual((row.purchase_qty, row.purchase_uom_id), (5.0, dozen))
        self._order_gaps(row)
        line = self._lines(product)
        self.assertEqual((line.product_qty, line.product_uom, line.price_unit), (5.0, dozen, 30.0))
        # more demand: 65 units are 5.42 dozen, rounded up (5.41 would leave a gap for the next run)
        self._create_sale([(product, 118.0)])
        row = self._refresh().filtered(lambda g: g.product_id == product)
        self.assertEqual(row.gap, 65.0)
        self.assertAlmostEqual(row.purchase_qty, 5.42)
        self._order_gaps(row)
        self.assertAlmostEqual(self._lines(product).product_qty, 10.42)
        row = self._refresh().filtered(lambda g: g.product_id == product)
        self.assertEqual(row.order_qty, 0.0, "the next run orders nothing more")

    # ------------------------------------------------------------------ why not
    def test_rows_say_why_they_cannot_be_procured(self):
        no_route = self._create_product("CIL No Route", "CIL-N1")
        self.product_buy2.seller_ids = False
        self._create_sale([(no_route, 2.0), (self.product_buy2, 3.0), (self.product_buy_b, 1.0)])
        gaps = self._refresh()
        self.assertEqual(gaps.filtered(lambda g: g.product_id == no_route).procure_issue, "no_route")
        self.assertEqual(
            gaps.filtered(lambda g: g.product_id == self.product_buy2).procure_issue, "no_vendor"
        )
        self.assertFalse(gaps.filtered(lambda g: g.product_id == self.product_buy_b).procure_issue)
        products = no_route | self.product_buy2 | self.product_buy_b
        domain = [("order_qty", ">", 0), ("product_id", "in", products.ids)]
        _confirmation, notification = self._order_gaps(self.Gap.browse(), domain=domain)
        message = notification["params"]["message"]
        self.assertEqual(notification["params"]["type"], "warning")
        self.assertIn("1 replenishment(s) launched.", message)
        code = self.warehouse.code
        self.assertIn(f"{no_route.display_name} ({code}): No Buy or Manufacture route", message)
        self.assertIn(f"{self.product_buy2.display_name} ({code}): No vendor", message)
        self.assertTrue(self._row(no_route).procure_issue, "the row still shows why")

    def test_procurement_error_shows_on_the_row(self):
        self.warehouse2.buy_to_resupply = False  # no Buy rule at the second warehouse
        self._create_sale([(self.product_buy_b, 2.0)], warehouse=self.warehouse2)
        self._create_sale([(self.product_buy2, 1.0)], warehouse=self.warehouse2)
        gaps = self._refresh(self.warehouse2)
        rows = gaps.filtered(lambda g: g.product_id in (self.product_buy_b | self.product_buy2))
        _confirmation, notification = self._order_gaps(rows, user=self.buyer)
        message = notification["params"]["message"]
        self.assertIn("0 replenishment(s) launched.", message)
        self.assertIn(f"{self.product_buy_b.display_name} (CIL2): ", message)
        row = self._row(self.product_buy_b, self.warehouse2)
        self.assertEqual((row.procure_issue, row.order_qty), ("error", 2.0))
        self.assertIn(self.product_buy_b.display_name, row.procure_error)
        self.assertFalse(self._lines(self.product_buy_b | self.product_buy2))

    def test_manufacture_row_without_bom(self):
        self.bom.active = False
        self._create_sale([(self.product_made, 2.0)])
        self.assertEqual(
            self._refresh().filtered(lambda g: g.product_id == self.product_made).procure_issue, "no_bom"
        )

    # ------------------------------------------------------------------ buyer edits
    def test_vendor_shown_is_the_one_procurement_uses(self):
        # Odoo takes the first vendor by sequence, then the larger minimum: here vendor B, not the vendor
        # with no minimum that the first vendor line by (sequence, minimum) would give
        vendor_b_line = self.env["product.supplierinfo"].create(
            {
                "product_tmpl_id": self.product_buy2.product_tmpl_id.id,
                "partner_id": self.vendor_b.id,
                "price": 40.0,
                "min_qty": 2.0,
            }
        )
        self._create_sale([(self.product_buy2, 3.0)])
        row = self._refresh().filtered(lambda g: g.product_id == self.product_buy2)
        self.assertEqual(row.supplier_id, self.product_buy2._select_seller(quantity=3.0))
        self.assertEqual(row.supplier_id, vendor_b_line)
        self._order_gaps(row, user=self.buyer)
        line = self._lines(self.product_buy2)
        self.assertEqual((line.order_id.partner_id, line.price_unit), (self.vendor_b, 40.0))

    def test_buyer_changes_quantity_and_vendor(self):
        other = self.env["product.supplierinfo"].create(
            {
                "product_tmpl_id": self.product_buy.product_tmpl_id.id,
                "partner_id": self.vendor_b.id,
                "price": 60.0,
                "min_qty": 20.0,
                "sequence": 10,
            }
        )
        self._create_sale([(self.product_buy, 4.0)])
        row = self._refresh().filtered(lambda g: g.product_id == self.product_buy).with_user(self.buyer)
        self.assertEqual((row.vendor_id, row.order_qty), (self.vendor, 10.0))
        with self.assertRaises(ValidationError) as error:  # assertRaises rolls the failed write back
            row.write({"supplier_id": other.id})  # 10 is below that vendor's minimum of 20
        self.assertIn(
            "To Order: CIL Vendor B sells [CIL-B1] CIL Bought from 20.0 Units", str(error.exception)
        )
        row.write({"supplier_id": other.id, "order_qty": 25.0})
        self.assertTrue(row.manual_order)
        self.assertEqual(row.vendor_id, self.vendor_b)
        with self.assertRaises(ValidationError) as error:
            row.write({"order_qty": -1.0})
        self.assertIn("To Order: the quantity to order cannot be negative", str(error.exception))
        with self.assertRaises(UserError) as error:
            row.write({"gap": 0.0})
        self.assertIn("Only the quantity to order and the vendor", str(error.exception))
        self._order_gaps(row, user=self.buyer)
        line = self._lines(self.product_buy)
        self.assertEqual(
            (line.order_id.partner_id, line.product_qty, line.price_unit), (self.vendor_b, 25.0, 60.0)
        )

    def test_salesman_cannot_change_rows(self):
        self._create_sale([(self.product_buy, 4.0)])
        row = self._refresh().filtered(lambda g: g.product_id == self.product_buy)
        with self.assertRaises(AccessError):
            row.with_user(self.user).write({"order_qty": 12.0})

    # ------------------------------------------------------------------ rights
    def test_ordering_needs_purchase_and_manufacturing_rights(self):
        self._create_sale([(self.product_buy_b, 2.0), (self.product_made, 1.0)])
        gaps = self._refresh()
        buy_row = gaps.filtered(lambda g: g.product_id == self.product_buy_b)
        made_row = gaps.filtered(lambda g: g.product_id == self.product_made)
        with self.assertRaisesRegex(AccessError, "Purchase rights"):
            buy_row.with_user(self.link_manager).action_create_orders()
        with self.assertRaisesRegex(AccessError, "Purchase rights"):
            buy_row.with_user(self.link_manager)._action_order_rows()  # the confirmation's door
        with self.assertRaisesRegex(AccessError, "Manufacturing rights"):
            made_row.with_user(self.buyer).action_create_orders()
        self.assertFalse(self._lines(self.product_buy_b))
        self.assertFalse(self.env["mrp.production"].search([("product_id", "=", self.product_made.id)]))
        # a purchase user orders the rows to buy
        _confirmation, notification = self._order_gaps(buy_row, user=self.buyer)
        self.assertEqual(notification["params"]["type"], "success")
        self.assertEqual(self._lines(self.product_buy_b).product_qty, 2.0)

    def test_rows_of_another_company_cannot_be_ordered(self):
        company_b = self.env["res.company"].create({"name": "CIL Company B"})
        warehouse_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)])
        product = self._create_product("CIL Shared", "CIL-S1", routes=self.route_buy, vendor=self.vendor)
        self.env["stock.warehouse.orderpoint"].with_company(company_b).create(
            {
                "product_id": product.id,
                "warehouse_id": warehouse_b.id,
                "location_id": warehouse_b.lot_stock_id.id,
                "product_min_qty": 2.0,
                "product_max_qty": 2.0,
                "trigger": "manual",
            }
        )
        row = self.Gap._action_refresh_report(warehouse_b).filtered(lambda g: g.product_id == product)
        self.assertEqual((row.company_id, row.order_qty), (company_b, 2.0))
        with self.assertRaises(AccessError):
            self._order_gaps(row, user=self.buyer)
        with self.assertRaises(AccessError):
            row.with_user(self.buyer).write({"order_qty": 5.0})
        self.assertFalse(self._lines(product))

    # ------------------------------------------------------------------ dates and buyer
    def test_rfq_dates_and_buyer_as_the_scheduler(self):
        purchaser = new_test_user(self.env, login="cil_gap_purchaser", groups="purchase.group_purchase_user")
        self.vendor.buyer_id = purchaser
        self._create_sale([(self.product_buy, 4.0)])  # bought with a vendor lead time of 5 days
        row = self._refresh().filtered(lambda g: g.product_id == self.product_buy)
        self._order_gaps(row, user=self.buyer)
        line = self._lines(self.product_buy)
        order = line.order_id
        today = fields.Date.today()
        self.assertEqual(order.user_id, purchaser)
        self.assertEqual(order.date_order.date(), today, "ordered today, not 5 days ago")
        self.assertEqual(line.date_planned.date(), today + timedelta(days=5))
        self.assertEqual(order.state, "draft")
        self.assertGreaterEqual(order.date_planned.date(), today)

    # ------------------------------------------------------------------ opportunities
    def test_confirmed_order_of_an_open_opportunity_is_not_counted_twice(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "CIL deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "probability": 40.0,
                "lead_line_ids": [
                    Command.create({"product_id": self.product_buy_b.id, "product_uom_qty": 50.0})
                ],
            }
        )
        key = (self.product_buy_b.id, self.warehouse.id)
        self.assertEqual(
            self._gap_rows(horizon_days=30, include_opportunities=True)[key]["opportunity_qty"], 20.0
        )
        order = self._create_sale([(self.product_buy_b, 30.0)], confirm=False)
        order.opportunity_id = lead
        order.action_confirm()
        row = self._gap_rows(horizon_days=30, include_opportunities=True)[key]
        self.assertEqual(row["opportunity_qty"], 8.0, "40 % of the 20 not on the confirmed order")
        self.assertEqual(row["demand"], 38.0)
        self._create_sale([(self.product_buy_b, 2.0)], confirm=False).opportunity_id = lead  # a quotation
        self.assertEqual(
            self._gap_rows(horizon_days=30, include_opportunities=True)[key]["opportunity_qty"], 8.0
        )

    # ------------------------------------------------------------------ nightly job
    def test_nightly_job_schedules_one_activity_for_the_buyer(self):
        responsible = new_test_user(
            self.env, login="cil_gap_responsible", groups="purchase.group_purchase_user"
        )
        vendor_buyer = new_test_user(
            self.env, login="cil_gap_vendor_buyer", groups="purchase.group_purchase_user"
        )
        self.vendor_b.buyer_id = vendor_buyer
        self.warehouse2.buy_to_resupply = False  # Odoo's procurement fails at the second warehouse
        self._create_sale([(self.product_buy_b, 4.0)], warehouse=self.warehouse2)
        no_route = self._create_product("CIL No Route", "CIL-N1")
        self.product_buy2.seller_ids = False
        (no_route | self.product_buy2).responsible_id = responsible
        self._create_sale([(no_route, 2.0), (self.product_buy2, 3.0), (self.product_buy_b, 1.0)])
        self.env["ir.config_parameter"].sudo().set_param("crm_inventory_link.gap_cron_enabled", "True")
        self.env.ref("crm_inventory_link.ir_cron_crm_inventory_gap").method_direct_trigger()
        self.assertEqual(self._lines(self.product_buy_b).product_qty, 1.0)
        activities = self.env["mail.activity"].search([("user_id", "=", responsible.id)])
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.summary, "Purchase gap: rows not ordered")
        self.assertIn(no_route.display_name, activities.note)
        self.assertIn(self.product_buy2.display_name, activities.note)
        self.assertEqual(self._row(self.product_buy2).procure_issue, "no_vendor")
        # the procurement Odoo refused, for the vendor's buyer, with Odoo's message
        error = self.env["mail.activity"].search([("user_id", "=", vendor_buyer.id)])
        self.assertEqual(len(error), 1)
        self.assertIn(f"{self.product_buy_b.display_name} (CIL2)", error.note)
        row = self._row(self.product_buy_b, self.warehouse2)
        self.assertEqual(row.procure_issue, "error")
        self.assertIn(row.procure_error, error.note)
        # the next night updates that activity instead of adding one
        self.env.ref("crm_inventory_link.ir_cron_crm_inventory_gap").method_direct_trigger()
        self.assertEqual(len(self.env["mail.activity"].search([("user_id", "=", responsible.id)])), 1)
