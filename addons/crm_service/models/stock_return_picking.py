from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class StockReturnPicking(models.TransientModel):
    """Returns of deliveries linked to a service ticket: never more than delivered minus returned.

    The rule holds for both doors: the ticket's *Return Product* button (context
    ``crm_service_ticket_id``) and the delivery's own *Return* button. Such returns go to the return
    location of the ticket's team, not back into sellable stock.
    """

    _inherit = "stock.return.picking"

    def _cs_get_ticket(self):
        """The ticket the return is made for: the one asking, else the only one linked to the delivery."""
        ticket_id = self.env.context.get("crm_service_ticket_id")
        if ticket_id:
            return self.env["service.ticket"].sudo().browse(ticket_id)
        tickets = self.picking_id._cs_get_linked_tickets().sudo()
        return tickets if len(tickets) == 1 else tickets.browse()

    def _cs_is_ticket_linked(self):
        self.ensure_one()
        return bool(
            self.picking_id.picking_type_code == "outgoing"
            and (self.env.context.get("crm_service_ticket_id") or self.picking_id._cs_get_linked_tickets())
        )

    @api.model
    def _prepare_stock_return_picking_line_vals_from_move(self, stock_move):
        vals = super()._prepare_stock_return_picking_line_vals_from_move(stock_move)
        if self and self._cs_is_ticket_linked():
            vals["quantity"] = stock_move._cs_returnable_qty()
        return vals

    def _prepare_picking_default_values(self):
        vals = super()._prepare_picking_default_values()
        if self._cs_is_ticket_linked():
            vals["location_dest_id"] = self._cs_get_return_location().id
        return vals

    def _cs_get_return_location(self):
        """The return location of the ticket's team; with several tickets, the one their teams share,
        else the company's 'Returns' location: never the sellable stock."""
        tickets = self._cs_get_ticket() or self.picking_id._cs_get_linked_tickets().sudo()
        locations = tickets.mapped(lambda t: t.team_id._cs_get_return_location(t.company_id))
        if len(locations) == 1:
            return locations
        return self.env["service.team"].sudo()._cs_default_return_location(self.picking_id.company_id)

    def _cs_check_returnable(self):
        """Refuse a return of more than delivered minus already returned (per delivered move)."""
        self.ensure_one()
        lines = self.product_return_moves.filtered("move_id")
        returnable = {line: line.move_id._cs_returnable_qty() for line in lines}
        if lines and all(
            float_is_zero(qty, precision_rounding=ln.uom_id.rounding) for ln, qty in returnable.items()
        ):
            raise UserError(
                self.env._(
                    "Everything delivered by %(picking)s has already been returned.",
                    picking=self.picking_id.display_name,
                )
            )
        for line, qty in returnable.items():
            if float_compare(line.quantity, qty, precision_rounding=line.uom_id.rounding) > 0:
                qty_text = format(qty, "g")
                raise UserError(
                    self.env._(
                        "Quantity of %(product)s: at most %(qty)s %(uom)s can still be returned from "
                        "%(picking)s (delivered minus already returned).",
                        product=line.product_id.display_name,
                        qty=qty_text,
                        uom=line.uom_id.name,
                        picking=self.picking_id.display_name,
                    )
                )

    def _create_return(self):
        if self._cs_is_ticket_linked():
            self._cs_check_returnable()
        new_picking = super()._create_return()
        ticket = self._cs_get_ticket()
        if ticket and self.picking_id.picking_type_code == "outgoing":
            new_picking.sudo().service_ticket_id = ticket
        return new_picking
