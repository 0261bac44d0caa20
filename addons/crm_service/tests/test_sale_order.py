from odoo.tests import Form, tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestSaleOrder(CrmServiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.printer = cls.env["product.product"].create(
            {
                "name": "Printer P2",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "list_price": 500,
            }
        )
        cls.lot = cls.env["stock.lot"].create({"name": "SN-SO-1", "product_id": cls.printer.id})
        cls.env["stock.quant"]._update_available_quantity(
            cls.printer, cls.warehouse.lot_stock_id, 1, lot_id=cls.lot
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [(0, 0, {"product_id": cls.printer.id, "product_uom_qty": 1})],
            }
        )
        cls.order.action_confirm()
        delivery = cls.order.picking_ids
        delivery.action_assign()
        delivery.move_ids.picked = True
        delivery.button_validate()

    def test_ticket_from_order_and_return_of_its_delivery(self):
        self.assertEqual(self.order.picking_ids.move_line_ids.lot_id, self.lot)
        action = self.order.action_create_service_ticket()
        form = Form(self.env["service.ticket"].with_context(**action["context"]))
        form.name = "Paper jam"
        form.team_id = self.team
        form.lot_id = self.lot
        ticket = form.save()
        self.assertEqual(ticket.sale_order_id, self.order)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.product_id, self.printer)
        self.assertEqual(self.order.service_ticket_count, 1)
        view = self.order.action_view_service_tickets()
        self.assertEqual(self.env["service.ticket"].search(view["domain"]), ticket)
        ret = self.env["stock.picking"].browse(ticket.action_create_return()["res_id"])
        self.assertEqual(
            ret.return_id, self.order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        )
        self.assertEqual(ret.move_line_ids.lot_id, self.lot)
