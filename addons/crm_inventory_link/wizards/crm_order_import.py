import base64

from odoo import Command, fields, models
from odoo.addons.crm_leads.lib.spreadsheet import SpreadsheetError, map_columns, read_rows, write_xlsx
from odoo.exceptions import UserError

from ..lib.order_import import COLUMN_ALIASES, REQUIRED_COLUMNS, build_orders


class CrmOrderImport(models.TransientModel):
    _name = "crm.order.import"
    _description = "Import Customer Orders"

    file = fields.Binary(attachment=False)
    filename = fields.Char(string="File Name")
    warehouse_id = fields.Many2one("stock.warehouse")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    order_ids = fields.Many2many("sale.order", string="Quotations")
    order_count = fields.Integer(string="Quotations Created", readonly=True)
    error_count = fields.Integer(string="Rows Rejected", readonly=True)
    error_file = fields.Binary(string="Rejected Rows", readonly=True, attachment=False)
    error_filename = fields.Char(readonly=True)

    def _get_partner_lookup(self, keys):
        """Customers by internal reference, tax id, then exact name: 3 searches for all rows."""
        Partner = self.env["res.partner"]
        found = {}
        for field in ("ref", "vat", "name"):
            missing = [k for k in keys if k not in found]
            if not missing:
                break
            matches = {}
            for partner in Partner.search([(field, "in", missing)]):
                matches.setdefault(partner[field], Partner)
                matches[partner[field]] |= partner
            for key, partners in matches.items():
                partners = partners.filtered(lambda p: not p.parent_id) or partners
                found[key] = partners

        def lookup(key):
            partners = found.get(key)
            if not partners:
                return None, self.env._("unknown customer %s", key)
            if len(partners) > 1:
                return None, self.env._("ambiguous customer %s", key)
            return partners.id, None

        return lookup

    def _get_product_lookup(self, keys):
        """Products by internal reference (default_code) or barcode: 2 searches for all rows."""
        Product = self.env["product.product"]
        found = {}
        for field in ("default_code", "barcode"):
            missing = [k for k in keys if k not in found]
            if not missing:
                break
            matches = {}
            for product in Product.search([(field, "in", missing), ("sale_ok", "=", True)]):
                matches.setdefault(product[field], Product)
                matches[product[field]] |= product
            found.update(matches)

        def lookup(key):
            products = found.get(key)
            if not products:
                return None, self.env._("unknown product %s", key)
            if len(products) > 1:
                return None, self.env._("ambiguous product %s", key)
            return products.id, None

        return lookup

    def _get_error_messages(self):
        """Translated texts of the row errors of lib/order_import.py."""
        return {
            "missing_customer": self.env._("missing customer"),
            "missing_product": self.env._("missing product"),
            "quantity_not_positive": self.env._("quantity must be a positive number"),
            "invalid_quantity": self.env._("invalid quantity {value!r}"),
            "negative_price": self.env._("price must not be negative"),
            "invalid_price": self.env._("invalid price {value!r}"),
            "order_rejected": self.env._("another row of the same order is in error"),
        }

    def _read_file(self):
        self.ensure_one()
        try:
            header, rows = read_rows(self.filename or "", base64.b64decode(self.file or b""))
        except SpreadsheetError as exc:
            error = self.env["crm.lead.import.wizard"]._spreadsheet_error_text(exc)
            raise UserError(self.env._("The file cannot be imported: %s", error)) from exc
        mapping = map_columns(header, COLUMN_ALIASES)
        missing = [col for col in REQUIRED_COLUMNS if col not in mapping]
        if missing:
            raise UserError(
                self.env._("The file has no column for: %(columns)s.", columns=", ".join(missing))
            )
        return header, rows, mapping

    def _prepare_order_values(self, order):
        values = {
            "partner_id": order["partner_id"],
            "client_order_ref": order["order_ref"] or False,
            "order_line": [Command.create(self._prepare_order_line_values(line)) for line in order["lines"]],
        }
        if self.warehouse_id:
            values["warehouse_id"] = self.warehouse_id.id
        return values

    def _prepare_order_line_values(self, line):
        values = {"product_id": line["product_id"], "product_uom_qty": line["quantity"]}
        if line["price"] is not None:
            values["price_unit"] = line["price"]
        return values

    def action_import(self):
        self.ensure_one()
        self.env["sale.order"].check_access("create")
        header, rows, mapping = self._read_file()
        customers = {row[mapping["customer"]].strip() for row in rows if row[mapping["customer"]].strip()}
        products = {row[mapping["product"]].strip() for row in rows if row[mapping["product"]].strip()}
        orders, errors = build_orders(
            rows,
            mapping,
            self._get_partner_lookup(customers),
            self._get_product_lookup(products),
            self._get_error_messages(),
        )
        sale_orders = self.env["sale.order"].create([self._prepare_order_values(order) for order in orders])
        values = {
            "state": "done",
            "order_ids": [Command.set(sale_orders.ids)],
            "order_count": len(sale_orders),
            "error_count": len(errors),
            "error_file": False,
            "error_filename": False,
        }
        if errors:
            error_rows = [list(rows[i]) + [errors[i]] for i in sorted(errors)]
            content = write_xlsx(list(header) + [self.env._("Error")], error_rows)
            values["error_file"] = base64.b64encode(content)
            values["error_filename"] = self.env._("rejected_rows.xlsx")
        self.write(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_quotations_with_onboarding")
        action["domain"] = [("id", "in", self.order_ids.ids)]
        action["context"] = {}
        return action
