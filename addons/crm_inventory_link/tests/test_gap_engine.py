from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import CrmInventoryLinkCommon


@tagged("post_install", "-at_install")
class TestGapEngine(CrmInventoryLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_stock(cls.product_buy, 20.0)
        cls._set_stock(cls.product_buy2, 5.0)
        # undelivered confirmed sales: outgoing moves
        cls.sale = cls._create_sale([(cls.product_buy, 30.0), (cls.product_buy2, 2.0)])
        # confirmed receipt inside the horizon, another one far beyond it
        cls.purchase = cls._create_purchase(cls.product_buy, 4.0)
        cls.purchase_late = cls._create_purchase(
            cls.product_buy, 100.0, date_planned=fields.Datetime.now() + timedelta(days=90)
        )
        # a draft RFQ and a draft manufacturing order count as supply in progress
        cls.rfq = cls._create_purchase(cls.product_buy, 3.0, confirm=False)
        cls.draft_mo = cls.env["mrp.production"].create(
            {"product_id": cls.product_made.id, "product_qty": 7.0, "bom_id": cls.bom.id}
        )

    def _assert_forecast_matches_odoo(self, horizon_days):
        rows = self._gap_rows(horizon_days=horizon_days)
        to_date = self.env["crm.inventory.gap"]._get_gap_horizon_date(horizon_days)
        products = (
            self.product_buy | self.product_buy2 | self.product_buy_b | self.component | self.product_made
        )
        odoo = {
            p["id"]: p
            for p in products.with_context(warehouse_id=self.warehouse.id, to_date=to_date).read(
                ["virtual_available", "qty_available", "free_qty"]
            )
        }
        for product in products:
            row = rows.get(
                (product.id, self.warehouse.id), {"forecast": 0.0, "on_hand": 0.0, "free_qty": 0.0}
            )
            self.assertAlmostEqual(row["forecast"], odoo[product.id]["virtual_available"], msg=product.name)
            self.assertAlmostEqual(
                row.get("on_hand", 0.0), odoo[product.id]["qty_available"], msg=product.name
            )
            self.assertAlmostEqual(row.get("free_qty", 0.0), odoo[product.id]["free_qty"], msg=product.name)
        return rows

    def test_forecast_equals_virtual_available(self):
        rows = self._assert_forecast_matches_odoo(30)
        row = rows[(self.product_buy.id, self.warehouse.id)]
        self.assertEqual(row["on_hand"], 20.0)
        self.assertEqual(row["outgoing"], 30.0)
        self.assertEqual(row["sale_outgoing"], 30.0)
        self.assertEqual(row["incoming"], 4.0, "the receipt planned in 90 days is beyond the horizon")
        self.assertEqual(row["forecast"], -6.0)
        self.assertEqual(row["rfq_qty"], 3.0)
        made = rows[(self.product_made.id, self.warehouse.id)]
        self.assertEqual(made["mo_qty"], 7.0)

    def test_forecast_equals_virtual_available_other_horizons(self):
        rows = self._assert_forecast_matches_odoo(120)
        self.assertEqual(rows[(self.product_buy.id, self.warehouse.id)]["incoming"], 104.0)
        self._assert_forecast_matches_odoo(0)

    def test_forecast_after_partial_delivery(self):
        picking = self.sale.picking_ids
        picking.action_assign()
        move = picking.move_ids.filtered(lambda m: m.product_id == self.product_buy)
        move.quantity = 12.0
        move.picked = True
        picking.move_ids.filtered(lambda m: m.product_id == self.product_buy2).quantity = 0.0
        Form.from_action(self.env, picking.button_validate()).save().process()
        self._assert_forecast_matches_odoo(30)

    def test_gap_and_order_quantity(self):
        # demand 30 + safety 5; supply 20 + 4 + 3 RFQ => gap 8, raised to the vendor minimum 10, multiple 4
        self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.product_buy.id,
                "warehouse_id": self.warehouse.id,
                "location_id": self.stock_location.id,
                "product_min_qty": 5.0,
                "product_max_qty": 5.0,
                "qty_multiple": 4.0,
                "trigger": "manual",
            }
        )
        row = self._gap_rows(horizon_days=30)[(self.product_buy.id, self.warehouse.id)]
        self.assertEqual(row["safety_stock"], 5.0)
        self.assertEqual(row["demand"], 35.0)
        self.assertEqual(row["supply"], 27.0)
        self.assertEqual(row["gap"], 8.0)
        self.assertEqual(row["vendor_id"], self.vendor.id)
        self.assertEqual(row["vendor_min_qty"], 10.0)
        self.assertEqual(row["order_qty"], 12.0)
        self.assertEqual(row["supply_method"], "buy")

    def test_packaging_multiple(self):
        self.env["product.packaging"].create(
            {"name": "Box of 6", "product_id": self.product_buy2.id, "qty": 6.0, "purchase": True}
        )
        self._create_sale([(self.product_buy2, 10.0)])
        row = self._gap_rows(horizon_days=30)[(self.product_buy2.id, self.warehouse.id)]
        self.assertEqual(row["gap"], 7.0)
        self.assertEqual(row["order_qty"], 12.0)

    def test_weighted_opportunities(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "probability": 40.0,
                "lead_line_ids": [
                    Command.create({"product_id": self.product_buy_b.id, "product_uom_qty": 50.0})
                ],
            }
        )
        self.assertEqual(lead.lead_line_ids.warehouse_id, self.warehouse)
        key = (self.product_buy_b.id, self.warehouse.id)
        without = self._gap_rows(horizon_days=30, include_opportunities=False)[key]
        self.assertEqual(without["opportunity_qty"], 20.0)
        self.assertEqual(without["order_qty"], 0.0)
        with_opp = self._gap_rows(horizon_days=30, include_opportunities=True)[key]
        self.assertEqual(with_opp["gap"], 20.0)
        self.assertEqual(with_opp["order_qty"], 20.0)
        lead.action_set_won()
        self.assertNotIn(key, self._gap_rows(horizon_days=30, include_opportunities=True))

    def test_setting_controls_opportunities(self):
        settings = self.env["res.config.settings"].create({})
        settings.cil_gap_include_opportunities = True
        settings.cil_gap_horizon_days = 15
        settings.execute()
        values = self.env["crm.inventory.gap"]._get_gap_settings()
        self.assertEqual(values, {"horizon_days": 15, "include_opportunities": True})

    def test_query_count_does_not_grow_with_products(self):
        Gap = self.env["crm.inventory.gap"]
        Gap._compute_gap_rows(self.warehouse, horizon_days=30)
        self.env.invalidate_all()
        count_before = self.cr.sql_log_count
        Gap._compute_gap_rows(self.warehouse, horizon_days=30)
        few = self.cr.sql_log_count - count_before
        for i in range(15):
            product = self._create_product(
                f"CIL extra {i}", f"CIL-X{i}", routes=self.route_buy, vendor=self.vendor
            )
            self._set_stock(product, 1.0)
        self._create_sale(
            [(p, 2.0) for p in self.env["product.product"].search([("default_code", "=like", "CIL-X%")])]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        count_before = self.cr.sql_log_count
        rows = Gap._compute_gap_rows(self.warehouse, horizon_days=30)
        many = self.cr.sql_log_count - count_before
        self.assertGreaterEqual(len(rows), 20)
        self.assertLessEqual(many, few + 2, "the engine reads all products in a fixed number of queries")
        # 8 SQL queries, then the ORM reads of vendors (product._select_seller), units and BoMs in batch
        self.assertLessEqual(many, 25)

    def test_report_refresh(self):
        gaps = self.env["crm.inventory.gap"].with_user(self.manager)._action_refresh_report(self.warehouse)
        row = gaps.filtered(lambda g: g.product_id == self.product_buy)
        self.assertEqual(row.forecast, -6.0)
        self.assertEqual(row.order_qty, 10.0)
        self.assertEqual(row.company_id, self.company)
        component = gaps.filtered(lambda g: g.product_id == self.component)
        self.assertEqual(component.on_hand, 1000.0)
        self.assertEqual(component.order_qty, 0.0)
        self.assertIn(component, gaps.search([("order_qty", "=", 0.0), ("id", "in", gaps.ids)]))
        self.assertEqual(row.categ_id, self.product_buy.categ_id)
        self.assertEqual(row.vendor_id, self.vendor)
        # refreshing replaces the rows
        again = self.env["crm.inventory.gap"].with_user(self.manager)._action_refresh_report(self.warehouse)
        self.assertFalse(gaps.exists())
        self.assertEqual(len(again), len(gaps))
        # users read the report, pivot and graph group by the stored fields
        groups = (
            self.env["crm.inventory.gap"]
            .with_user(self.user)
            ._read_group([("warehouse_id", "=", self.warehouse.id)], ["supply_method"], ["order_qty:sum"])
        )
        self.assertTrue(groups)

    def test_forecast_two_warehouses_and_two_step_delivery(self):
        warehouse2 = self.env["stock.warehouse"].create({"name": "CIL Second", "code": "CIL2"})
        self.warehouse.delivery_steps = "pick_ship"
        self._set_stock(self.product_buy_b, 8.0, warehouse2.lot_stock_id)
        self._set_stock(self.product_buy_b, 3.0)
        self._create_sale([(self.product_buy_b, 5.0)])
        transfer = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse2.int_type_id.id,
                "location_id": warehouse2.lot_stock_id.id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "inter-warehouse",
                            "product_id": self.product_buy_b.id,
                            "product_uom_qty": 6.0,
                            "location_id": warehouse2.lot_stock_id.id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        transfer.action_confirm()
        warehouses = self.warehouse | warehouse2
        rows = {
            (row["product_id"], row["warehouse_id"]): row
            for row in self.env["crm.inventory.gap"]._compute_gap_rows(warehouses, horizon_days=30)
        }
        to_date = self.env["crm.inventory.gap"]._get_gap_horizon_date(30)
        for warehouse in warehouses:
            odoo = self.product_buy_b.with_context(warehouse_id=warehouse.id, to_date=to_date)
            row = rows[(self.product_buy_b.id, warehouse.id)]
            self.assertAlmostEqual(row["forecast"], odoo.virtual_available, msg=warehouse.name)
            self.assertAlmostEqual(row["incoming"], odoo.incoming_qty, msg=warehouse.name)
            self.assertAlmostEqual(row["outgoing"], odoo.outgoing_qty, msg=warehouse.name)
        self.assertEqual(rows[(self.product_buy_b.id, warehouse2.id)]["outgoing"], 6.0)
        self.assertEqual(rows[(self.product_buy_b.id, self.warehouse.id)]["incoming"], 6.0)
