from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    def _cs_get_live_returns(self):
        """The returns of this move that are not cancelled (done or still to receive)."""
        self.ensure_one()
        return self.returned_move_ids.filtered(lambda m: m.state != "cancel")

    def _cs_product_qty(self, quantity):
        self.ensure_one()
        return self.product_uom._compute_quantity(quantity, self.product_id.uom_id, round=False)

    def _cs_returned_qty(self):
        """Quantity already returned or on a pending return, in the product's unit."""
        self.ensure_one()
        return sum(
            ret._cs_product_qty(ret.quantity) if ret.state == "done" else ret.product_qty
            for ret in self._cs_get_live_returns()
        )

    def _cs_lot_qty(self, lot):
        return sum(self.move_line_ids.filtered(lambda ml: ml.lot_id == lot).mapped("quantity_product_uom"))

    def _cs_returnable_qty(self, lot=None):
        """Delivered minus already returned, in the product's unit; for ``lot``, of that lot only
        (and never more than the move's own returnable quantity)."""
        self.ensure_one()
        returnable = self._cs_product_qty(self.quantity) - self._cs_returned_qty()
        if lot:
            lot_returnable = self._cs_lot_qty(lot) - self._cs_get_live_returns()._cs_lot_qty(lot)
            returnable = min(returnable, lot_returnable)
        return max(returnable, 0.0)

    def _action_done(self, cancel_backorder=False):
        returns = self._cs_get_ticket_returns()
        returns._cs_check_returned_quantities()
        returns.filtered(lambda m: m.product_id.tracking != "none")._cs_check_returned_lots()
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _cs_get_ticket_returns(self):
        """Returns of deliveries linked to a service ticket: checked against the delivery when done."""
        return self.filtered(
            lambda m: m.origin_returned_move_id.picking_code == "outgoing"
            and m.origin_returned_move_id.picking_id._cs_get_linked_tickets()
        )

    def _cs_get_done_returns(self):
        self.ensure_one()
        return self._cs_get_live_returns().filtered(lambda m: m.state == "done")

    def _cs_check_returned_quantities(self):
        """A delivery move never gets back more than it shipped: done returns plus the returns
        validated now (``self``), in the product's unit."""
        for origin in self.origin_returned_move_id:
            moves = self.filtered(lambda m, o=origin: m.origin_returned_move_id == o)
            delivered = origin._cs_product_qty(origin.quantity)
            returned = sum(ret._cs_product_qty(ret.quantity) for ret in origin._cs_get_done_returns())
            qty = sum(move._cs_product_qty(move.quantity) for move in moves)
            rounding = origin.product_id.uom_id.rounding
            if float_compare(returned + qty, delivered, precision_rounding=rounding) > 0:
                origin._cs_raise_over_return(delivered, returned, qty)

    def _cs_raise_over_return(self, delivered, returned, qty):
        self.ensure_one()
        raise UserError(
            self.env._(
                "%(product)s: %(delivery)s delivered %(delivered)s %(uom)s and %(returned)s were already "
                "returned, so at most %(left)s can still come back, not %(qty)s.",
                product=self.product_id.display_name,
                delivery=self.picking_id.display_name,
                delivered=format(delivered, "g"),
                uom=self.product_id.uom_id.name,
                returned=format(returned, "g"),
                left=format(max(delivered - returned, 0.0), "g"),
                qty=format(qty, "g"),
            )
        )

    def _cs_check_returned_lots(self):
        """A lot never comes back more than the delivery shipped of it (done returns included)."""
        for move in self:
            origin = move.origin_returned_move_id
            done_returns = origin._cs_get_done_returns()
            for lot in move.move_line_ids.lot_id:
                delivered = origin._cs_lot_qty(lot)
                returned = done_returns._cs_lot_qty(lot) + move._cs_lot_qty(lot)
                if float_compare(returned, delivered, precision_rounding=move.product_id.uom_id.rounding) > 0:
                    delivered_text, returned_text = format(delivered, "g"), format(returned, "g")
                    raise UserError(
                        self.env._(
                            "%(product)s, lot %(lot)s: %(delivery)s delivered %(delivered)s of it and "
                            "%(returned)s would be returned.",
                            product=move.product_id.display_name,
                            lot=lot.name,
                            delivery=origin.picking_id.display_name,
                            delivered=delivered_text,
                            returned=returned_text,
                        )
                    )
