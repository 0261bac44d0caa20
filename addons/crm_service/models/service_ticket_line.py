from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class ServiceTicketLine(models.Model):
    _name = "service.ticket.line"
    _description = "Service Ticket Part or Time"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one("service.ticket", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", required=True, domain=[("sale_ok", "=", True)])
    name = fields.Char(string="Description")
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    line_type = fields.Selection(
        [("part", "Spare Part"), ("time", "Time")], compute="_compute_line_type", store=True
    )
    billable = fields.Boolean(default=True)
    move_id = fields.Many2one("stock.move", string="Stock Move", readonly=True, copy=False)
    sale_line_id = fields.Many2one("sale.order.line", readonly=True, copy=False)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The quantity of a part or time line must be positive."),
    ]

    @api.model
    def _get_billed_protected_fields(self):
        """What a billed line keeps: changing it would bill (or hide) the same hours and parts twice."""
        return {"ticket_id", "product_id", "quantity", "sale_line_id"}

    def write(self, vals):
        if self._get_billed_protected_fields() & set(vals):
            self._check_not_billed()
        return super().write(vals)

    def unlink(self):
        self._check_not_billed()
        return super().unlink()

    def _get_billed_lines(self):
        """Lines on a sale order that is not cancelled (cancelling the order frees them)."""
        return self.filtered(lambda line: line.sale_line_id.sudo().order_id.state not in (False, "cancel"))

    def _check_not_billed(self):
        billed = self._get_billed_lines()
        if billed:
            raise UserError(
                self.env._(
                    "%(line)s of %(ticket)s is billed on %(order)s: its product and quantity cannot be "
                    "changed nor the line deleted. Cancel that sale order first.",
                    line=billed[0].name or billed[0].product_id.display_name,
                    ticket=billed[0].ticket_id.display_name,
                    order=billed[0].sale_line_id.sudo().order_id.name,
                )
            )

    @api.depends("product_id.type")
    def _compute_line_type(self):
        for line in self:
            line.line_type = "part" if line.product_id.type == "consu" else "time"

    def _check_parts_available(self, location):
        """Raise a UserError naming every storable part short in ``location`` (one stock read)."""
        needed = {}
        for line in self.filtered(lambda ln: ln.product_id.is_storable):
            needed[line.product_id] = needed.get(line.product_id, 0.0) + line.quantity
        if not needed:
            return
        products = (
            self.env["product.product"].browse([p.id for p in needed]).with_context(location=location.id)
        )
        short = [
            f"{product.display_name}: {needed[product]:g} > {product.free_qty:g}"
            for product in products
            if float_compare(needed[product], product.free_qty, precision_rounding=product.uom_id.rounding)
            > 0
        ]
        if short:
            raise UserError(
                self.env._(
                    "Not enough spare parts in %(location)s:\n%(lines)s",
                    location=location.display_name,
                    lines="\n".join(short),
                )
            )

    def _prepare_part_move_values(self, location, location_dest):
        self.ensure_one()
        ticket = self.ticket_id
        return {
            "name": self.name or self.product_id.display_name,
            "origin": ticket.number,
            "product_id": self.product_id.id,
            "product_uom_qty": self.quantity,
            "product_uom": self.product_id.uom_id.id,
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "partner_id": ticket.partner_id.id,
            "company_id": ticket.company_id.id,
        }

    def _prepare_sale_line_values(self):
        self.ensure_one()
        values = {
            "product_id": self.product_id.id,
            "product_uom_qty": self.quantity,
            "sequence": self.sequence,
        }
        if self.name:
            values["name"] = self.name
        return values
