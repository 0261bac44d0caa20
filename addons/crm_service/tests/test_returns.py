from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmServiceCommon


@tagged("post_install", "-at_install")
class TestReturns(CrmServiceCommon):
    """A return never exceeds what was delivered minus what was returned, through the ticket's
    Return Product button and through the delivery's own Return button; it goes to the team's
    return location."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.stock_user = new_test_user(
            cls.env, login="crm_service_stock_only", groups="stock.group_stock_user"
        )
        cls.toner = cls.env["product.product"].create(
            {"name": "Toner box", "type": "consu", "is_storable": True, "list_price": 40}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.toner, cls.stock, 10)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": cls.warehouse.id,
                "order_line": [Command.create({"product_id": cls.toner.id, "product_uom_qty": 2})],
            }
        )
        cls.order.action_confirm()
        cls.delivery = cls.order.picking_ids
        cls.delivery.move_ids.quantity = 2
        cls.delivery.move_ids.picked = True
        cls.delivery.button_validate()
        cls.ticket = cls._create_ticket(sale_order_id=cls.order.id, product_id=cls.toner.id)

    def _validate(self, picking):
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _warehouse_qty(self):
        return self.toner.with_context(warehouse_id=self.warehouse.id).qty_available

    def _picking_door(self, user=None):
        """The Return button of the delivery, as a warehouse user: Odoo's wizard form."""
        return Form(
            self.env["stock.return.picking"]
            .with_user(user or self.stock_user)
            .with_context(
                active_id=self.delivery.id, active_ids=self.delivery.ids, active_model="stock.picking"
            )
        )

    def test_ticket_return_twice(self):
        self.assertEqual(self._warehouse_qty(), 8)
        action = self.ticket.with_user(self.agent).action_create_return()
        ret = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(ret.move_ids.product_uom_qty, 2, "the delivered quantity")
        self.assertEqual(ret.location_dest_id, self.team.return_location_id)
        self.assertEqual(ret.location_dest_id.name, "Returns")
        with self.assertRaisesRegex(
            UserError, "everything delivered to this customer has already been returned"
        ):
            self.ticket.with_user(self.agent).action_create_return()
        self._validate(ret)
        with self.assertRaisesRegex(UserError, "already been returned"):
            self.ticket.with_user(self.agent).action_create_return()
        self.assertEqual(self.ticket.return_count, 1)
        self.assertEqual(self.order.order_line.qty_delivered, 0, "not -2")
        self.assertEqual(self._warehouse_qty(), 8, "returned goods are not sellable stock")
        self.assertEqual(self.toner.with_context(location=ret.location_dest_id.id).qty_available, 2)

    def test_service_user_without_stock_rights(self):
        """The button is for warehouse users; a plain service user is refused, nothing is created."""
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.user).action_create_return()
        self.assertFalse(self.delivery.return_ids)

    def test_picking_door_defaults_and_caps_the_rest(self):
        form = self._picking_door()
        self.assertEqual(form.product_return_moves.edit(0).quantity, 2, "defaults to what is left")
        with form.product_return_moves.edit(0) as line:
            line.quantity = 3
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "at most 2 Units can still be returned"):
            wizard.action_create_returns()
        form = self._picking_door()
        with form.product_return_moves.edit(0) as line:
            line.quantity = 1
        ret = self.env["stock.picking"].browse(form.save().action_create_returns()["res_id"])
        self.assertEqual(ret.service_ticket_id, self.ticket, "the delivery's only ticket")
        self.assertEqual(ret.location_dest_id, self.team.return_location_id)
        self._validate(ret)
        # the ticket returns the one left, then nothing is left for either door
        action = self.ticket.with_user(self.agent).action_create_return()
        self.assertEqual(self.env["stock.picking"].browse(action["res_id"]).move_ids.product_uom_qty, 1)
        form = self._picking_door()
        self.assertEqual(form.product_return_moves.edit(0).quantity, 0)
        with form.product_return_moves.edit(0) as line:
            line.quantity = 1
        with self.assertRaisesRegex(UserError, "Everything delivered by .* has already been returned"):
            form.save().action_create_returns()
        with self.assertRaisesRegex(UserError, "Everything delivered"):
            self._picking_door().save().action_create_returns_all()
        self.assertEqual(self.order.order_line.qty_delivered, 1, "one returned, one on its way back")

    def test_return_all_twice_from_the_picking(self):
        ret = self.env["stock.picking"].browse(
            self._picking_door().save().action_create_returns_all()["res_id"]
        )
        self.assertEqual(ret.move_ids.product_uom_qty, 2)
        self._validate(ret)
        with self.assertRaisesRegex(UserError, "Everything delivered"):
            self._picking_door().save().action_create_returns_all()
        self.assertEqual(self.order.order_line.qty_delivered, 0)

    def test_configured_return_location(self):
        repair = self.env["stock.location"].create(
            {"name": "Repair bench", "usage": "internal", "location_id": self.warehouse.view_location_id.id}
        )
        self.team.with_user(self.manager).return_location_id = repair
        action = self.ticket.with_user(self.agent).action_create_return()
        self.assertEqual(self.env["stock.picking"].browse(action["res_id"]).location_dest_id, repair)

    def test_default_return_location_per_company(self):
        team = self.env["service.team"].with_user(self.manager).create({"name": "Returns desk"})
        location = team.return_location_id
        self.assertEqual((location.name, location.usage), ("Returns", "internal"))
        self.assertFalse(location.warehouse_id, "outside the warehouses' sellable stock")
        self.assertEqual(location, self.team.return_location_id, "one per company")
        ticket = self.Ticket.with_user(self.agent).create(
            {"name": "No team", "team_id": False, "sale_order_id": self.order.id, "product_id": self.toner.id}
        )
        action = ticket.action_create_return()
        self.assertEqual(self.env["stock.picking"].browse(action["res_id"]).location_dest_id, location)

    def test_receipt_cannot_bring_back_more_than_delivered(self):
        """The stock user raises the quantity on the pending return receipt: refused at validation."""
        action = self.ticket.with_user(self.agent).action_create_return()
        receipt = self.env["stock.picking"].browse(action["res_id"]).with_user(self.stock_user)
        receipt.move_ids.quantity = 5
        receipt.move_ids.picked = True
        with self.assertRaisesRegex(
            UserError, r"Toner box: .* delivered 2 Units and 0 were already returned, so at most 2 .* not 5"
        ):
            receipt.button_validate()
        self.assertNotEqual(receipt.state, "done")
        self.assertEqual(self.order.order_line.qty_delivered, 2, "not -3")
        receipt.move_ids.quantity = 2
        self._validate(receipt)
        self.assertEqual(self.order.order_line.qty_delivered, 0)

    def test_receipt_quantity_counts_earlier_returns(self):
        """One unit already back: a second receipt raised to 2 is refused, the remaining 1 accepted."""
        form = self._picking_door()
        with form.product_return_moves.edit(0) as line:
            line.quantity = 1
        first = self.env["stock.picking"].browse(form.save().action_create_returns()["res_id"])
        self._validate(first)
        action = self.ticket.with_user(self.agent).action_create_return()
        receipt = self.env["stock.picking"].browse(action["res_id"]).with_user(self.stock_user)
        self.assertEqual(receipt.move_ids.product_uom_qty, 1)
        receipt.move_ids.quantity = 2
        receipt.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "1 were already returned, so at most 1 can still come back"):
            receipt.button_validate()
        receipt.move_ids.quantity = 1
        self._validate(receipt)
        self.assertEqual(self.order.order_line.qty_delivered, 0)

    def test_two_tickets_return_into_returns_location(self):
        """The delivery's own Return button with two tickets on the order: a Returns location, the one
        the teams share, else the company's, never the sellable stock."""
        self._create_ticket(team_id=self.other_team.id, sale_order_id=self.order.id, product_id=self.toner.id)
        self.assertEqual(self.team.return_location_id, self.other_team.return_location_id)
        company_returns = self.team.return_location_id
        repair = self.env["stock.location"].create(
            {"name": "Repair bench", "usage": "internal", "location_id": self.warehouse.view_location_id.id}
        )
        (self.team | self.other_team).return_location_id = repair
        form = self._picking_door()
        with form.product_return_moves.edit(0) as line:
            line.quantity = 1
        ret = self.env["stock.picking"].browse(form.save().action_create_returns()["res_id"])
        self.assertEqual(ret.location_dest_id, repair, "the teams' shared return location")
        self.assertFalse(ret.sudo().service_ticket_id, "two tickets: linked to none")
        self.other_team.return_location_id = company_returns
        ret = self.env["stock.picking"].browse(self._picking_door().save().action_create_returns()["res_id"])
        self.assertEqual(ret.location_dest_id, company_returns, "teams disagree: the company's Returns")
        self.assertEqual((company_returns.name, company_returns.usage), ("Returns", "internal"))
        self._validate(ret)
        self.assertEqual(self._warehouse_qty(), 8, "nothing back into sellable stock")

    def test_delivery_without_ticket_keeps_odoo_return(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.other_customer.id,
                "order_line": [Command.create({"product_id": self.toner.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self._validate(order.picking_ids)
        form = Form(
            self.env["stock.return.picking"]
            .with_user(self.stock_user)
            .with_context(
                active_id=order.picking_ids.id, active_ids=order.picking_ids.ids, active_model="stock.picking"
            )
        )
        ret = self.env["stock.picking"].browse(form.save().action_create_returns_all()["res_id"])
        self.assertEqual(ret.location_dest_id, self.stock)
        self.assertFalse(ret.sudo().service_ticket_id)


@tagged("post_install", "-at_install")
class TestLotReturns(CrmServiceCommon):
    """Per lot: a ticket about lot L1 takes back L1 only, whichever door the return comes through."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = warehouse.lot_stock_id
        cls.ink = cls.env["product.product"].create(
            {"name": "Ink drum", "type": "consu", "is_storable": True, "tracking": "lot"}
        )
        cls.lot1, cls.lot2 = cls.env["stock.lot"].create(
            [{"name": "L1", "product_id": cls.ink.id}, {"name": "L2", "product_id": cls.ink.id}]
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.ink, cls.stock, 2, lot_id=cls.lot1)
        Quant._update_available_quantity(cls.ink, cls.stock, 3, lot_id=cls.lot2)
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": warehouse.id,
                "order_line": [Command.create({"product_id": cls.ink.id, "product_uom_qty": 5})],
            }
        )
        cls.order.action_confirm()
        cls.delivery = cls.order.picking_ids
        cls.delivery.action_assign()
        cls.delivery.move_ids.picked = True
        cls.delivery.button_validate()
        cls.ticket_l1 = cls._create_ticket(
            sale_order_id=cls.order.id, product_id=cls.ink.id, lot_id=cls.lot1.id
        )

    def _validate(self, picking):
        picking.move_ids.picked = True
        picking.button_validate()

    def test_ticket_returns_its_lot_only(self):
        self.assertEqual(self.delivery.state, "done")
        action = self.ticket_l1.with_user(self.agent).action_create_return()
        ret = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(ret.move_ids.product_uom_qty, 2, "the 2 of L1, not the 5 delivered")
        self.assertEqual(ret.move_line_ids.lot_id, self.lot1)
        self._validate(ret)
        with self.assertRaisesRegex(UserError, "L1: everything delivered"):
            self.ticket_l1.with_user(self.agent).action_create_return()
        ticket_l2 = self._create_ticket(
            sale_order_id=self.order.id, product_id=self.ink.id, lot_id=self.lot2.id
        )
        action = ticket_l2.with_user(self.agent).action_create_return()
        self.assertEqual(self.env["stock.picking"].browse(action["res_id"]).move_ids.product_uom_qty, 3)

    def test_picking_door_cannot_bring_a_lot_back_twice(self):
        ret = self.env["stock.picking"].browse(
            self.ticket_l1.with_user(self.agent).action_create_return()["res_id"]
        )
        self._validate(ret)
        form = Form(
            self.env["stock.return.picking"].with_context(
                active_id=self.delivery.id, active_ids=self.delivery.ids, active_model="stock.picking"
            )
        )
        self.assertEqual(form.product_return_moves.edit(0).quantity, 3, "5 delivered, 2 returned")
        with form.product_return_moves.edit(0) as line:
            line.quantity = 2
        ret2 = self.env["stock.picking"].browse(form.save().action_create_returns()["res_id"])
        ret2.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": ret2.move_ids.id,
                "picking_id": ret2.id,
                "product_id": self.ink.id,
                "lot_id": self.lot1.id,
                "quantity": 2,
                "location_id": ret2.location_id.id,
                "location_dest_id": ret2.location_dest_id.id,
            }
        )
        with self.assertRaisesRegex(UserError, "lot L1: .* delivered 2 of it and 4 would be returned"):
            self._validate(ret2)
        ret2.move_line_ids.lot_id = self.lot2
        self._validate(ret2)
        self.assertEqual(ret2.state, "done")
