from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero


class ServiceTicket(models.Model):
    """Returns of the delivered product (Odoo's stock.return.picking wizard) and the hours worked,
    billed with the team's time product like the spare parts."""

    _inherit = "service.ticket"

    hours_worked = fields.Float(
        copy=False,
        help="Hours spent on the ticket. Bill Time and Parts bills the hours not billed yet with the "
        "team's Service Time Product.",
    )
    hours_recorded = fields.Float(
        string="Hours on Time Lines",
        compute="_compute_hours_recorded",
        help="Hours of the team's time product already billed on the ticket's sale orders or on a "
        "ticket line still to bill.",
    )

    def write(self, vals):
        self._check_billing_orders_vals(vals)
        return super().write(vals)

    def _check_billing_orders_vals(self, vals):
        """Billing orders are only ever added (by Bill Time and Parts): unlinking one would bill its
        hours again."""
        commands = vals.get("billing_order_ids") or []
        if any(not isinstance(cmd, list | tuple) or cmd[0] != Command.LINK for cmd in commands):
            raise UserError(self.env._("The billing orders of a ticket cannot be removed or replaced."))

    # ------------------------------------------------------------------------
    # returns
    # ------------------------------------------------------------------------
    def _get_delivery_move_line_domain(self):
        self.ensure_one()
        domain = [
            ("state", "=", "done"),
            ("picking_code", "=", "outgoing"),
            ("location_dest_id.usage", "=", "customer"),
            ("product_id", "=", self.product_id.id or self.lot_id.product_id.id),
        ]
        if self.lot_id:
            domain.append(("lot_id", "=", self.lot_id.id))
        if self.sale_order_id:
            # the deliveries of the ticket's order, whoever sold it (the agent may not read the order)
            domain.append(("picking_id", "in", self.sale_order_id.sudo().picking_ids.ids))
        elif self.partner_id:
            domain.append(("picking_partner_id", "child_of", self.partner_id.commercial_partner_id.id))
        return domain

    def _get_delivery_move_lines(self):
        """The done delivery move lines that shipped this ticket's product (and lot) to the customer,
        newest first."""
        self.ensure_one()
        if not (self.product_id or self.lot_id):
            raise UserError(self.env._("Set the product (and its lot/serial number) of the ticket first."))
        lines = self.env["stock.move.line"].search(
            self._get_delivery_move_line_domain(), order="date desc, id desc"
        )
        if not lines:
            raise UserError(
                self.env._(
                    "No done delivery of %(product)s %(lot)s to this customer was found.",
                    product=(self.product_id or self.lot_id.product_id).display_name,
                    lot=self.lot_id.name or "",
                )
            )
        return lines

    def _prepare_return_quantities(self, delivered_lines):
        """``{delivery: {move: quantity}}``: what can still be returned of the ticket's product (lot),
        per delivery, newest delivery first: delivered minus already returned (stock.move)."""
        self.ensure_one()
        result = defaultdict(dict)
        for move in delivered_lines.move_id:
            qty = move._cs_returnable_qty(self.lot_id or None)
            if not float_is_zero(qty, precision_rounding=move.product_id.uom_id.rounding):
                result[move.picking_id][move] = qty
        return result

    def _get_return_candidate(self):
        """The newest delivery with something left to return, and the quantities to return from it."""
        delivered = self._get_delivery_move_lines()
        quantities = self._prepare_return_quantities(delivered)
        for picking in delivered.picking_id:
            if quantities.get(picking):
                return picking, quantities[picking]
        raise UserError(
            self.env._(
                "%(product)s %(lot)s: everything delivered to this customer has already been returned.",
                product=(self.product_id or self.lot_id.product_id).display_name,
                lot=self.lot_id.name or "",
            )
        )

    def _get_return_wizard(self, picking):
        return (
            self.env["stock.return.picking"]
            .with_context(
                active_id=picking.id,
                active_ids=picking.ids,
                active_model="stock.picking",
                crm_service_ticket_id=self.id,
            )
            .create({"picking_id": picking.id})
        )

    def action_create_return(self):
        """Return what is left of the delivered product (lot) into the team's return location."""
        self.ensure_one()
        picking, quantities = self._get_return_candidate()
        wizard = self._get_return_wizard(picking)
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.move_id, 0.0)
        return_picking = wizard._create_return()
        if self.lot_id:
            return_picking.move_line_ids.filtered(
                lambda ml: ml.product_id == self.lot_id.product_id and not ml.lot_id
            ).lot_id = self.lot_id
        self.message_post(
            body=self.env._("Return %(picking)s created.", picking=return_picking.name),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": return_picking.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------------
    # hours worked
    # ------------------------------------------------------------------------
    @api.constrains("hours_worked")
    def _check_hours_worked(self):
        if self.filtered(lambda t: t.hours_worked < 0):
            raise ValidationError(self.env._("Hours Worked cannot be negative."))

    @api.depends(
        "line_ids.quantity",
        "line_ids.product_id",
        "line_ids.sale_line_id",
        "team_id.time_product_id",
        "billing_order_ids.state",
        "billing_order_ids.order_line.product_uom_qty",
    )
    def _compute_hours_recorded(self):
        for ticket in self:
            unbilled = ticket._get_time_product_lines().filtered(lambda line: not line.sale_line_id)
            ticket.hours_recorded = sum(unbilled.mapped("quantity")) + ticket._get_billed_hours()

    def _get_billed_hours(self):
        """Hours of the team's time product on the ticket's sale orders that are not cancelled (the
        order lines count, whatever became of the ticket lines)."""
        self.ensure_one()
        product = self.team_id.time_product_id
        ticket = self.sudo()
        sale_lines = (ticket.line_ids.sale_line_id | ticket.billing_order_ids.order_line).filtered(
            lambda sl: product and sl.product_id == product and sl.order_id.state != "cancel"
        )
        return sum(sl.product_uom._compute_quantity(sl.product_uom_qty, product.uom_id) for sl in sale_lines)

    def _get_time_product_lines(self):
        self.ensure_one()
        product = self.team_id.time_product_id
        return self.line_ids.filtered(lambda line: product and line.product_id == product)

    def _get_unrecorded_hours(self):
        self.ensure_one()
        hours = self.hours_worked - self.hours_recorded
        return hours if float_compare(hours, 0.0, precision_digits=2) > 0 else 0.0

    def _prepare_worked_hours_line_values(self, hours):
        self.ensure_one()
        return {
            "ticket_id": self.id,
            "product_id": self.team_id.time_product_id.id,
            "name": self.env._("Hours worked"),
            "quantity": hours,
            "billable": True,
        }

    def _action_record_worked_hours(self):
        """Put the hours worked not on a time line yet on a line of the team's time product."""
        for ticket in self:
            hours = ticket._get_unrecorded_hours()
            if not hours:
                continue
            if not ticket.team_id.time_product_id:
                raise UserError(
                    ticket.env._(
                        "Set the Service Time Product of the team to bill the Hours Worked of %(ticket)s.",
                        ticket=ticket.display_name,
                    )
                )
            self.env["service.ticket.line"].create(ticket._prepare_worked_hours_line_values(hours))

    def action_create_sale_order(self):
        """Bill the hours worked with the parts and the time lines (the same sale order)."""
        self._action_record_worked_hours()
        return super().action_create_sale_order()
