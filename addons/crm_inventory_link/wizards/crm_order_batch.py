"""Customer orders of an import turned into quotations: created, or updated/skipped on a re-import of the
same customer reference; one call per batch, for the wizard and the background job (crm.import.job)."""

import base64

from odoo import Command, api, models
from odoo.addons.crm_leads.lib.spreadsheet import SpreadsheetError, map_columns, read_rows
from odoo.exceptions import UserError

from ..lib.order_import import COLUMN_ALIASES, REQUIRED_COLUMNS, build_orders

# bulk creation: no tracking values, no "created" message, no follower notices
BULK_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
LINES_PER_ORDER = 10  # an order batch holds about batch size / LINES_PER_ORDER orders


class CrmOrderImportBatch(models.AbstractModel):
    _name = "crm.order.import.batch"
    _description = "Customer Order Import Rows"

    @api.model
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

    @api.model
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

    @api.model
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
            "control_characters": self.env._("control characters in the cell {value}"),
        }

    @api.model
    def _read_content(self, filename, content, reader=read_rows):
        """``reader(filename, content)`` of lib/spreadsheet, its errors said to the user."""
        try:
            return reader(filename or "", content)
        except SpreadsheetError as exc:
            error = self.env["crm.lead.import.wizard"]._spreadsheet_error_text(exc)
            raise UserError(self.env._("The file cannot be imported: %s", error)) from exc

    @api.model
    def _read_orders_file(self, filename, content):
        """``(header, rows, orders, errors)`` of a file: read (bounded), checked, grouped into orders."""
        header, rows = self._read_content(filename, content)
        mapping = map_columns(header, COLUMN_ALIASES)
        missing = [col for col in REQUIRED_COLUMNS if col not in mapping]
        if missing:
            raise UserError(
                self.env._("The file has no column for: %(columns)s.", columns=", ".join(missing))
            )
        customers = {row[mapping["customer"]].strip() for row in rows if row[mapping["customer"]].strip()}
        products = {row[mapping["product"]].strip() for row in rows if row[mapping["product"]].strip()}
        orders, errors = build_orders(
            rows,
            mapping,
            self._get_partner_lookup(customers),
            self._get_product_lookup(products),
            self._get_error_messages(),
        )
        return header, rows, orders, errors

    # ------------------------------------------------------------------
    @api.model
    def _prepare_order_values(self, order, options, cache):
        values = {
            "partner_id": order["partner_id"],
            "client_order_ref": order["order_ref"] or False,
            "warehouse_id": self._get_warehouse_id(options, cache),
            "order_line": [
                Command.create(self._prepare_order_line_values(line, order["partner_id"], cache))
                for line in order["lines"]
            ],
        }
        return values

    @api.model
    def _prepare_order_line_values(self, line, partner_id, cache):
        values = {
            "product_id": line["product_id"],
            "product_uom_qty": line["quantity"],
            "analytic_distribution": self._get_analytic_distribution(line["product_id"], partner_id, cache),
        }
        if line["price"] is not None:
            values["price_unit"] = line["price"]
        return values

    @api.model
    def _get_warehouse_id(self, options, cache):
        """The chosen warehouse, else the user's default one as sale_stock computes it, found once."""
        if "warehouse_id" not in cache:
            user = self.env.user.with_company(self.env.company)
            cache["warehouse_id"] = options.get("warehouse_id") or user._get_default_warehouse_id().id
        return cache["warehouse_id"]

    @api.model
    def _get_analytic_distribution(self, product_id, partner_id, cache):
        """The analytic distribution sale computes for a line, found once per product and customer (the
        distribution models are searched line by line otherwise)."""
        Model = self.env["account.analytic.distribution.model"].sudo()
        if "analytic_models" not in cache:  # none at all (the usual case): nothing to search per line
            cache["analytic_models"] = bool(Model.search_count([], limit=1))
        if not cache["analytic_models"]:
            return False
        key = ("analytic", product_id, partner_id)
        if key not in cache:
            product = self.env["product.product"].browse(product_id)
            partner = self.env["res.partner"].browse(partner_id)
            # sudo: as the stored computed field is computed (a salesperson may not read the models)
            distribution = (
                self.env["account.analytic.distribution.model"]
                .sudo()
                ._get_distribution(
                    {
                        "product_id": product_id,
                        "product_categ_id": product.categ_id.id,
                        "partner_id": partner_id,
                        "partner_category_id": partner.category_id.ids,
                        "company_id": self.env.company.id,
                    }
                )
            )
            cache[key] = distribution or False
        return cache[key]

    @api.model
    def _get_existing_domain(self, orders):
        refs = list({order["order_ref"] for order in orders if order["order_ref"]})
        partners = list({order["partner_id"] for order in orders if order["order_ref"]})
        return [("client_order_ref", "in", refs), ("partner_id", "in", partners)]

    @api.model
    def _find_existing(self, orders):
        """``{(partner id, customer reference): latest quotation}``, whoever's they are (one search)."""
        found = {}
        if any(order["order_ref"] for order in orders):
            existing = self.env["sale.order"].sudo().search(self._get_existing_domain(orders), order="id")
            for sale_order in existing:
                found[(sale_order.partner_id.id, sale_order.client_order_ref)] = sale_order.sudo(False)
        return found

    @api.model
    def _same_lines(self, sale_order, lines):
        """Whether the quotation already has the file's lines (a file without price matches any price)."""
        current = sale_order.order_line.filtered(lambda ln: not ln.display_type)
        if len(current) != len(lines):
            return False
        key = lambda item: (item[0], item[1])  # noqa: E731
        theirs = sorted(((ln.product_id.id, ln.product_uom_qty, ln.price_unit) for ln in current), key=key)
        ours = sorted(((ln["product_id"], ln["quantity"], ln["price"]) for ln in lines), key=key)
        return all(
            a[0] == b[0] and abs(a[1] - b[1]) < 1e-6 and (b[2] is None or abs(a[2] - b[2]) < 1e-6)
            for a, b in zip(theirs, ours, strict=True)
        )

    @api.model
    def _reimport_decision(self, sale_order, order):
        """What a re-import does to an existing quotation: ``("update", None)`` or ``("skip", reason)``."""
        env = self.env
        state = sale_order.sudo().state
        if state == "sale":
            return "skip", env._("already confirmed, not changed")
        if state == "cancel":
            return "skip", env._("cancelled, not changed")
        if not sale_order.has_access("write"):
            return "skip", env._("belongs to another salesperson, not changed")
        if self._same_lines(sale_order, order["lines"]):
            return "skip", env._("unchanged")
        return "update", None

    @api.model
    def _update_order(self, sale_order, order):
        old = sale_order.order_line.filtered(lambda ln: not ln.display_type)
        commands = [Command.delete(line.id) for line in old]
        partner_id, cache = order["partner_id"], {}
        commands += [
            Command.create(self._prepare_order_line_values(line, partner_id, cache))
            for line in order["lines"]
        ]
        sale_order.with_context(**BULK_CONTEXT).write({"order_line": commands})

    @api.model
    def _import_orders(self, orders, options):
        """Create the new quotations in one call; a quotation of the same customer and reference already
        there is updated (its lines replaced) or skipped, and the notes say which and why."""
        existing = self._find_existing(orders)
        to_create, updated, skipped, notes, cache = [], [], [], [], {}
        for order in orders:
            sale_order = existing.get((order["partner_id"], order["order_ref"]))
            if not sale_order or not order["order_ref"]:
                to_create.append(self._prepare_order_values(order, options, cache))
                continue
            decision, reason = self._reimport_decision(sale_order, order)
            if decision == "update":
                self._update_order(sale_order, order)
                updated.append(sale_order.id)
                reason = self.env._("updated")
            else:
                skipped.append(sale_order.id)
            notes.append(f"{order['order_ref']} ({sale_order.sudo().name}): {reason}")
        created = self.env["sale.order"].with_context(**BULK_CONTEXT).create(to_create)
        return {
            "created": len(created),
            "updated": len(updated),
            "skipped": len(skipped),
            "notes": notes,
            "result": {"created": created.ids, "updated": updated, "skipped": skipped},
        }

    # ------------------------------------------------------------------
    @api.model
    def _import_job_batch_size(self, rows_per_batch):
        return max(1, rows_per_batch // LINES_PER_ORDER)

    @api.model
    def _import_job_prepare(self, job):
        """First step of a background import: the file read and grouped into orders."""
        self.env["sale.order"].check_access("create")
        content = base64.b64decode(job.sudo().file or b"")
        header, rows, orders, errors = self._read_orders_file(job.filename, content)
        rejected = [[*rows[i], str(i + 2), errors[i]] for i in sorted(errors)]
        return {
            "payload": {"orders": orders},
            "total": len(orders),
            "header": header,
            "rejected_rows": rejected,
        }

    @api.model
    def _import_job_batch(self, job, start, stop):
        return self._import_orders(job._load_payload()["orders"][start:stop], job.options or {})
