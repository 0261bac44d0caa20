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
