from collections import defaultdict
from datetime import timedelta

from odoo import fields, models

from ..lib import promise


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _cil_get_availability(self, warehouse, qty_by_product, date_from=None):
        """Availability of ``self`` in ``warehouse`` for the quantities asked (in product UoM).

        Returns ``{product_id: {"free_qty", "virtual_available", "promised_date"}}``. The promised date
        (lib.promise) is ``date_from`` + the product's customer lead time + the company's security lead
        time when the free quantity covers the demand; else the date of the incoming receipt that covers
        it; else that date plus the replenishment lead days of the route Odoo would use
        (stock.rule._get_lead_days); False when the product cannot be replenished (no route, a buy route
        without vendor, a manufacture route without bill of materials). Quantities are read in one batch
        per warehouse.
        """
        date_from = fields.Datetime.to_datetime(date_from) or fields.Datetime.now()
        products = self.filtered(lambda p: p.type != "service")
        if not products:
            return {}
        company = warehouse.company_id or self.env.company
        quantities = {
            row["id"]: row
            for row in products.with_context(warehouse_id=warehouse.id).read(
                ["free_qty", "virtual_available"]
            )
        }
        receipts = products._cil_get_incoming_receipts(warehouse)
        result = {}
        for product in products:
            qty = qty_by_product.get(product.id, 0.0)
            free = quantities[product.id]["free_qty"]
            base = date_from + timedelta(days=(product.sale_delay or 0.0) + (company.security_lead or 0.0))
            replenish_days = None
            if product.is_storable and free < qty:
                replenish_days = product._cil_get_replenish_days(warehouse, company)
            elif not product.is_storable:
                free = max(free, qty)  # goods not tracked in stock are always available
            result[product.id] = {
                "free_qty": quantities[product.id]["free_qty"],
                "virtual_available": quantities[product.id]["virtual_available"],
                "promised_date": promise.promised_date(
                    base, qty, free, receipts.get(product.id, []), replenish_days
                )
                or False,
            }
        return result

    def _cil_get_incoming_receipts_domain(self, warehouse):
        return [
            ("product_id", "in", self.ids),
            ("state", "in", ("waiting", "confirmed", "partially_available", "assigned")),
            ("location_dest_id.warehouse_id", "=", warehouse.id),
            ("location_dest_id.usage", "=", "internal"),
            ("location_id.warehouse_id", "!=", warehouse.id),
        ]

    def _cil_get_incoming_receipts(self, warehouse):
        """``{product_id: [(date, quantity in product UoM)]}`` of the pending moves into ``warehouse``."""
        receipts = defaultdict(list)
        moves = self.env["stock.move"].sudo().search(self._cil_get_incoming_receipts_domain(warehouse))
        for move in moves:
            receipts[move.product_id.id].append((move.date, move.product_qty))
        return receipts

    def _cil_get_replenish_days(self, warehouse, company):
        """Lead days of the route that replenishes ``warehouse``, None when nothing can replenish it."""
        self.ensure_one()
        rules = self._get_rules_from_location(warehouse.lot_stock_id) if warehouse.lot_stock_id else None
        if not rules or not self._cil_rules_can_supply(rules, company):
            return None
        lead_days = rules.with_context(bypass_delay_description=True)._get_lead_days(self)[0]
        return lead_days.get("total_delay", 0.0)

    def _cil_rules_can_supply(self, rules, company):
        """A buy rule needs a vendor, a manufacture rule a bill of materials."""
        self.ensure_one()
        actions = set(rules.mapped("action"))
        if "buy" in actions and not self.with_company(company)._select_seller(quantity=None):
            return False
        if "manufacture" in actions:
            boms = self.env["mrp.bom"]._bom_find(self, company_id=company.id, bom_type="normal")
            return bool(boms.get(self))
        return True
