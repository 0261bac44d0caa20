from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestStockBilling(CrmServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers_loc = cls.env.ref("stock.stock_location_customers")
        cls.printer = cls.env["product.product"].create(
            {
                "name": "Printer P1",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "list_price": 500,
            }
        )
        cls.fuser = cls.env["product.product"].create(
            {
                "name": "Fuser unit",
                "type": "consu",
                "is_storable": True,
                "list_price": 30,
                "invoice_policy": "delivery",
            }
        )
        cls.hour = cls.env["product.product"].create(
            {
                "name": "Repair hour",
                "type": "service",
                "list_price": 80,
                "invoice_policy": "delivery",
                "taxes_id": [(5,)],
            }
        )
        cls.fuser.taxes_id = [(5,)]
        cls.lot = cls.env["stock.lot"].create({"name": "SN-0001", "product_id": cls.printer.id})
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.printer, cls.stock, 1, lot_id=cls.lot)
        Quant._update_available_quantity(cls.fuser, cls.stock, 10)
        # deliver the printer SN-0001 to the customer
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.out_type_id.id,
                "partner_id": cls.customer.id,
                "location_id": cls.stock.id,
                "location_dest_id": cls.customers_loc.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Printer",
                            "product_id": cls.printer.id,
                            "product_uom_qty": 1,
                            "product_uom": cls.printer.uom_id.id,
                            "location_id": cls.stock.id,
                            "location_dest_id": cls.customers_loc.id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        cls.delivery = picking
        cls.team.warehouse_id = cls.warehouse

    def test_return_delivered_lot_into_stock(self):
        self.assertEqual(self.delivery.state, "done")
        self.assertEqual(self.delivery.move_line_ids.lot_id, self.lot)
        ticket = self._create_ticket(product_id=self.printer.id, lot_id=self.lot.id)
        action = ticket.with_user(self.agent).action_create_return()
        ret = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(ret.service_ticket_id, ticket)
        self.assertEqual(ret.return_id, self.delivery)
        self.assertEqual(ret.location_dest_id, self.team.return_location_id, "not back into sellable stock")
        self.assertEqual(ret.location_dest_id.usage, "internal")
        self.assertEqual(ret.move_ids.product_uom_qty, 1)
        self.assertEqual(ticket.return_count, 1)
        ret.move_ids.picked = True
        ret.button_validate()
        self.assertEqual(ret.state, "done")
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", self.lot.id), ("location_id", "=", ret.location_dest_id.id)]
        )
        self.assertEqual(quant.quantity, 1, "the serial number is back, in the returns location")
        self.assertEqual(self.printer.with_context(warehouse_id=self.warehouse.id).qty_available, 0)
        with self.assertRaisesRegex(UserError, "SN-0001: everything delivered to this customer has already"):
            ticket.with_user(self.agent).action_create_return()
        self.assertEqual(ticket.return_count, 1)

    def test_return_errors(self):
        ticket = self._create_ticket()
        with self.assertRaisesRegex(UserError, "product"):
            ticket.action_create_return()
        other_lot = self.env["stock.lot"].create({"name": "SN-NEVER", "product_id": self.printer.id})
        ticket.write({"product_id": self.printer.id, "lot_id": other_lot.id})
        with self.assertRaisesRegex(UserError, "No done delivery"):
            ticket.action_create_return()
        foreign = self._create_ticket(
            partner_id=self.other_customer.id, product_id=self.printer.id, lot_id=self.lot.id
        )
        with self.assertRaisesRegex(UserError, "No done delivery"):
            foreign.action_create_return()
        self.assertFalse(self.env["stock.picking"].search([("service_ticket_id", "!=", False)]))

    def _ticket_with_lines(self, part_qty=2.0):
        ticket = self._create_ticket(user_id=self.agent.id)
        with Form(ticket.with_user(self.agent)) as form:
            with form.line_ids.new() as line:
                line.product_id = self.fuser
                line.quantity = part_qty
            with form.line_ids.new() as line:
                line.product_id = self.hour
                line.quantity = 1.5
        return ticket

    def test_consume_parts_from_stock(self):
        ticket = self._ticket_with_lines()
        part, time = ticket.line_ids.sorted("id")
        self.assertEqual((part.line_type, time.line_type), ("part", "time"))
        ticket.with_user(self.agent).action_consume_parts()
        self.assertEqual(part.move_id.state, "done")
        self.assertEqual(part.move_id.location_id, self.stock)
        self.assertEqual(part.move_id.location_dest_id.usage, "customer")
        self.assertFalse(time.move_id)
        self.assertEqual(self.fuser.with_context(location=self.stock.id).qty_available, 8)
        with self.assertRaisesRegex(UserError, "no spare parts left"):
            ticket.action_consume_parts()

    def test_consume_parts_not_enough_stock(self):
        ticket = self._ticket_with_lines(part_qty=50)
        moves_before = self.env["stock.move"].search_count([])
        with self.assertRaisesRegex(UserError, "Not enough spare parts"):
            ticket.with_user(self.agent).action_consume_parts()
        self.assertEqual(self.env["stock.move"].search_count([]), moves_before, "nothing created")
        self.assertFalse(ticket.line_ids.move_id)

    def test_bill_time_and_parts(self):
        ticket = self._ticket_with_lines()
        action = ticket.with_user(self.agent).action_create_sale_order()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_id, self.customer)
        self.assertFalse(order.picking_ids, "the parts left through the ticket: no second delivery")
        self.assertTrue(ticket.line_ids.filtered(lambda ln: ln.line_type == "part").move_id, "parts consumed")
        self.assertEqual(order.order_line.mapped("qty_delivered"), [2.0, 1.5])
        self.assertEqual(order.amount_untaxed, 2 * 30 + 1.5 * 80)
        with self.assertRaisesRegex(UserError, "nothing billable"):
            ticket.action_create_sale_order()
        action = ticket.action_create_invoice()
        invoices = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(
            (action["res_model"], action["views"][0][1]), ("account.move", "form"), "it opens the invoice"
        )
        self.assertEqual(invoices.move_type, "out_invoice")
        self.assertEqual(invoices.amount_untaxed, 180)
        self.assertEqual(ticket.invoice_count, 1)
        self.assertEqual(order.invoice_status, "invoiced")
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            ticket.action_create_invoice()

    def test_bill_needs_customer(self):
        ticket = self._ticket_with_lines()
        ticket.partner_id = False
        with self.assertRaisesRegex(UserError, "customer"):
            ticket.action_create_sale_order()
        self.assertFalse(ticket.billing_order_ids)
