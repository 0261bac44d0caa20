from datetime import timedelta

from odoo import fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _cil_get_availability(self, warehouse, qty_by_product, date_from=None):
        """Availability of ``self`` in ``warehouse`` for the quantities asked (in product UoM).

        Returns ``{product_id: {"free_qty", "virtual_available", "promised_date"}}``. The promised date
        is ``date_from`` + the product's customer lead time + the company's security lead time, plus,
        when the free quantity does not cover the demand, the replenishment lead days of the route
        that Odoo would use (stock.rule._get_lead_days). Quantities are read in one batch per warehouse.
        """
        date_from = fields.Datetime.to_datetime(date_from) or fields.Datetime.now()
        products = self.filtered(lambda p: p.type != "service")
        result = {}
        if not products:
            return result
        company = warehouse.company_id or self.env.company
        quantities = {
            row["id"]: row
            for row in products.with_context(warehouse_id=warehouse.id).read(
                ["free_qty", "virtual_available"]
            )
        }
        location = warehouse.lot_stock_id
        for product in products:
            qty = qty_by_product.get(product.id, 0.0)
            free = quantities[product.id]["free_qty"]
            days = (product.sale_delay or 0.0) + (company.security_lead or 0.0)
            if product.is_storable and free < qty and location:
                rules = product._get_rules_from_location(location)
                if rules:
                    lead_days = rules.with_context(bypass_delay_description=True)._get_lead_days(product)[0]
                    days += lead_days.get("total_delay", 0.0)
            result[product.id] = {
                "free_qty": free,
                "virtual_available": quantities[product.id]["virtual_available"],
                "promised_date": date_from + timedelta(days=days),
            }
        return result
