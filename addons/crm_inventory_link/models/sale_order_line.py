from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    cil_promised_date = fields.Datetime(
        string="Promised Date",
        compute="_compute_cil_promised_date",
        help="Date the goods can be promised to the customer: customer and security lead times; when the "
        "free quantity does not cover the line, the date of the incoming receipt that covers it, else the "
        "replenishment lead time of the route. Empty when nothing can supply the goods.",
    )

    @api.depends(
        "product_id", "product_uom_qty", "warehouse_id", "order_id.date_order", "order_id.commitment_date"
    )
    def _compute_cil_promised_date(self):
        self.cil_promised_date = False
        groups = {}
        for line in self.filtered(lambda ln: ln.product_id and ln.warehouse_id and not ln.display_type):
            groups.setdefault(line.warehouse_id, self.browse())
            groups[line.warehouse_id] |= line
        for warehouse, lines in groups.items():
            qty_by_product = {}
            for line in lines:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, round=False
                )
                qty_by_product[line.product_id.id] = qty_by_product.get(line.product_id.id, 0.0) + qty
            availability = lines.product_id._cil_get_availability(warehouse, qty_by_product)
            for line in lines:
                info = availability.get(line.product_id.id)
                line.cil_promised_date = (
                    line.order_id.commitment_date or (info and info["promised_date"]) or False
                )
