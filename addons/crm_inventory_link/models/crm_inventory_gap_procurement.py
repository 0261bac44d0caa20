import logging
from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape
from pytz import UTC, timezone

from odoo import api, fields, models
from odoo.addons.crm_leads.models.cron_batch import may_commit
from odoo.addons.stock.models.stock_rule import ProcurementException
from odoo.exceptions import AccessError, UserError

from ..lib.gap import to_vendor_qty

_logger = logging.getLogger(__name__)

ORDERED_METHODS = ("buy", "manufacture")


class CrmInventoryGapProcurement(models.AbstractModel):
    """Ordering the rows of the purchase gap through Odoo's procurement, and the nightly job."""

    _name = "crm.inventory.gap.procurement"
    _description = "Purchase Gap: Procurement"

    # ------------------------------------------------------------------ rights
    @api.model
    def _get_gap_order_rights(self):
        """What ordering a row creates, per supply method: the model and the message without the right."""
        return {
            "buy": (
                "purchase.order",
                self.env._(
                    "Ordering the rows to buy creates requests for quotation: it needs Purchase rights."
                ),
            ),
            "manufacture": (
                "mrp.production",
                self.env._(
                    "Ordering the rows to manufacture creates manufacturing orders: "
                    "it needs Manufacturing rights."
                ),
            ),
        }

    @api.model
    def _check_gap_order_rights(self, rows):
        """Ordering needs the rights ordering needs, checked before any procurement runs (as superuser)."""
        rights = self._get_gap_order_rights()
        for method in sorted({row["supply_method"] for row in rows} & set(ORDERED_METHODS)):
            model, message = rights[method]
            if not self.env[model].has_access("create"):
                raise AccessError(message)

    # ------------------------------------------------------------------ rows
    def _get_gap_pairs(self):
        return {(gap.product_id.id, gap.warehouse_id.id) for gap in self}

    def _get_gap_rows_to_order(self):
        """Fresh engine rows of exactly the (product, warehouse) pairs of ``self``, with the quantity and
        vendor buyers changed on the report kept."""
        pairs = self._get_gap_pairs()
        manual = {(gap.product_id.id, gap.warehouse_id.id): gap for gap in self if gap.manual_order}
        rows = self._compute_gap_rows(self.warehouse_id, self.product_id)
        rows = [row for row in rows if (row["product_id"], row["warehouse_id"]) in pairs]
        for row in rows:
            gap = manual.get((row["product_id"], row["warehouse_id"]))
            if gap:
                row.update(gap._prepare_gap_manual_row())
        return rows

    def _prepare_gap_manual_row(self):
        self.ensure_one()
        values = {"order_qty": self.order_qty}
        if self.supply_method == "buy":
            values.update(self._prepare_gap_vendor_values(self.product_id, self.supplier_id))
            values["procure_issue"] = False if self.supplier_id else "no_vendor"
        return values

    @api.model
    def _split_gap_rows(self, rows):
        """(rows procurement can order, rows with something to order it cannot)."""
        rows = [row for row in rows if row["order_qty"] > 0]
        return (
            [row for row in rows if not row.get("procure_issue")],
            [row for row in rows if row.get("procure_issue")],
        )

    # ------------------------------------------------------------ procurement
    @api.model
    def _get_gap_procurement_date(self, company, days):
        """Noon, company time, ``days`` from today: the date Odoo's scheduler needs the goods for."""
        day = fields.Date.today() + relativedelta(days=days)
        local = timezone(company.partner_id.tz or "UTC").localize(datetime.combine(day, time(12)))
        return local.astimezone(UTC).replace(tzinfo=None)

    @api.model
    def _prepare_gap_procurement_values(self, row, product, warehouse):
        """Dates as stock.warehouse.orderpoint sets them (_prepare_procurement_values, _get_dates_info),
        with the row's vendor, whose lead time counts."""
        supplier = self.env["product.supplierinfo"].browse(row.get("supplier_id") or [])
        rules = product._get_rules_from_location(warehouse.lot_stock_id)
        lead_values = {"supplierinfo": supplier} if supplier else {}
        delays, _description = rules.with_context(bypass_delay_description=True)._get_lead_days(
            product, **lead_values
        )
        date = self._get_gap_procurement_date(warehouse.company_id, delays["total_delay"])
        return {
            "warehouse_id": warehouse,
            "date_planned": date - relativedelta(days=delays["security_lead_days"]),
            "date_order": date - relativedelta(days=delays["security_lead_days"] + delays["purchase_delay"]),
            "date_deadline": date,
            "group_id": False,
            "company_id": warehouse.company_id,
            "supplierinfo_id": supplier,
        }

    @api.model
    def _prepare_gap_procurement(self, row):
        """A procurement of the row on the warehouse's stock; a purchase in the vendor's unit, rounded up."""
        product = self.env["product.product"].browse(row["product_id"])
        warehouse = self.env["stock.warehouse"].browse(row["warehouse_id"])
        qty, uom = row["order_qty"], product.uom_id
        if row["supply_method"] == "buy":
            uom = product.uom_po_id
            qty = to_vendor_qty(qty, row.get("vendor_factor") or 1.0, row.get("vendor_rounding") or 0.0)
        origin = self.env._("Purchase gap %(warehouse)s", warehouse=warehouse.code)
        return self.env["procurement.group"].Procurement(
            product,
            qty,
            uom,
            warehouse.lot_stock_id,
            product.display_name,
            origin,
            warehouse.company_id,
            self._prepare_gap_procurement_values(row, product, warehouse),
        )

    @api.model
    def _action_procure_rows(self, rows):
        """Run procurement.group.run for the rows; RFQs are grouped per vendor by purchase_stock.

        A procurement Odoo cannot fulfil is left out and reported, the others run (as the scheduler does).
        Returns ``(rows procured, {(product_id, warehouse_id): error message})``.
        """
        # the rights were checked on the rows: routes, rules and procurement are read and run as superuser
        Gap = self.sudo()
        procurements = {
            (row["product_id"], row["warehouse_id"]): Gap._prepare_gap_procurement(row) for row in rows
        }
        failed = {}
        ProcurementGroup = Gap.env["procurement.group"]
        while procurements:
            try:
                with self.env.cr.savepoint():
                    ProcurementGroup.run(list(procurements.values()), raise_user_error=False)
                break
            except ProcurementException as exc:
                errors = {
                    (p.product_id.id, p.location_id.warehouse_id.id): message
                    for p, message in exc.procurement_exceptions
                }
                ours = errors.keys() & procurements.keys()
                if not ours:  # a derived procurement failed (e.g. a kit's component): the batch fails
                    message = self.env._("A procurement derived from this row failed.")
                    errors = dict.fromkeys(procurements, message)
                    ours = set(procurements)
                for key in ours:
                    failed[key] = errors[key]
                    del procurements[key]
        return [row for row in rows if (row["product_id"], row["warehouse_id"]) in procurements], failed

    def _refresh_gap_pairs(self, pairs, failed):
        """Recompute the rows of ``pairs`` (what was ordered now counts as supply), show the failures."""
        warehouses = self.env["stock.warehouse"].browse({pair[1] for pair in pairs})
        products = self.env["product.product"].browse({pair[0] for pair in pairs})
        results = self._compute_gap_rows(warehouses, products)
        gaps = self._write_gap_report(results, warehouses, pairs)
        for gap in gaps:
            message = failed.get((gap.product_id.id, gap.warehouse_id.id))
            if message:
                gap.sudo().write({"procure_issue": "error", "procure_error": message})
        return gaps

    def _action_order_rows(self):
        """Order exactly the (product, warehouse) pairs of ``self``; returns the notification."""
        rows, not_orderable = self._split_gap_rows(self._get_gap_rows_to_order())
        self._check_gap_order_rights(rows)
        done, failed = self._action_procure_rows(rows)
        gaps = self._refresh_gap_pairs(self._get_gap_pairs(), failed)
        return gaps._get_gap_order_notification(len(done), not_orderable, failed)

    # ------------------------------------------------------------ messages
    @api.model
    def _get_gap_row_label(self, product_id, warehouse_id):
        product = self.env["product.product"].browse(product_id)
        warehouse = self.env["stock.warehouse"].browse(warehouse_id)
        return f"{product.display_name} ({warehouse.code})"

    @api.model
    def _get_gap_failure_lines(self, not_orderable, failed):
        """One line per row not ordered: the row and why."""
        labels = dict(self._fields["procure_issue"]._description_selection(self.env))
        lines = [
            f"{self._get_gap_row_label(row['product_id'], row['warehouse_id'])}: "
            f"{labels[row['procure_issue']]}"
            for row in not_orderable
        ]
        lines += [f"{self._get_gap_row_label(*key)}: {message}" for key, message in sorted(failed.items())]
        return lines

    def _get_gap_order_notification(self, count, not_orderable, failed):
        message = self.env._("%(count)s replenishment(s) launched.", count=count)
        lines = self._get_gap_failure_lines(not_orderable, failed)
        if lines:
            message += "\n" + self.env._("Not ordered:") + "\n" + "\n".join(lines)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Purchase gap"),
                "message": message,
                "type": "warning" if lines else "success" if count else "info",
                "sticky": bool(lines),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------ button
    @api.model
    def _get_gap_order_domain(self):
        """Rows of the current filter of the report (the list sends it as active_domain)."""
        return self.env.context.get("active_domain") or []

    def action_create_orders(self):
        """Button of the report: the selected rows, or every row of the current filter without a selection;
        opens the confirmation that says how many rows will be ordered."""
        gaps = self or self.search(self._get_gap_order_domain())
        gaps = gaps.filtered(lambda gap: gap.order_qty > 0)
        if not gaps:
            raise UserError(self.env._("Nothing to order: no row has a quantity to order."))
        self._check_gap_order_rights(
            [{"supply_method": method} for method in set(gaps.mapped("supply_method"))]
        )
        wizard = self.env["crm.inventory.gap.order"].create({"gap_ids": [fields.Command.set(gaps.ids)]})
        return wizard._get_action()

    # ------------------------------------------------------------ nightly job
    @api.model
    def _action_procure_gaps(self, warehouses=None, products=None, batch_size=0):
        """Recompute the gaps and order every row that can be ordered (the nightly job).

        With ``batch_size``, commit between batches outside tests: a crash loses at most one batch, and the
        next run resumes because the RFQs/MOs already created count as supply.
        Returns ``(rows procured, rows that cannot be procured, {(product_id, warehouse_id): error})``.
        """
        rows, not_orderable = self._split_gap_rows(self._compute_gap_rows(warehouses, products))
        self._check_gap_order_rights(rows)
        batch_size = batch_size or len(rows) or 1
        done, failed = [], {}
        commit = may_commit(self.env)
        for start in range(0, len(rows), batch_size):
            procured, errors = self._action_procure_rows(rows[start : start + batch_size])
            done += procured
            failed.update(errors)
            if commit and batch_size < len(rows):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done, not_orderable, failed

    @api.model
    def _get_gap_responsible(self, product_id, warehouse_id, vendor_id):
        """Buyer of a row that could not be ordered: the vendor's buyer, else the product's responsible."""
        vendor = self.env["res.partner"].browse(vendor_id or [])
        product = self.env["product.product"].browse(product_id)
        company = self.env["stock.warehouse"].browse(warehouse_id).company_id
        return vendor.buyer_id or product.with_company(company).responsible_id

    @api.model
    def _schedule_gap_activities(self, company, not_orderable, failed):
        """One activity per buyer responsible, on the company, listing the rows that could not be ordered."""
        by_user = {}
        for row in not_orderable:
            user = self._get_gap_responsible(row["product_id"], row["warehouse_id"], row.get("vendor_id"))
            by_user.setdefault(user, ([], {}))[0].append(row)
        for key, message in failed.items():
            gap = self.search([("product_id", "=", key[0]), ("warehouse_id", "=", key[1])], limit=1)
            user = self._get_gap_responsible(key[0], key[1], gap.vendor_id.id)
            by_user.setdefault(user, ([], {}))[1][key] = message
        for user, (rows, errors) in by_user.items():
            self._schedule_gap_activity(company, user, self._get_gap_failure_lines(rows, errors))

    @api.model
    def _schedule_gap_activity(self, company, user, lines):
        if not user:
            return
        record = company.partner_id.sudo()
        summary = self.with_context(lang=user.lang).env._("Purchase gap: rows not ordered")
        note = Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % escape(line) for line in lines)
        activity = record.activity_ids.filtered(lambda a: a.user_id == user and a.summary == summary)
        if activity:
            activity[:1].note = note
            return
        record.activity_schedule(
            "mail.mail_activity_data_warning", summary=summary, note=note, user_id=user.id
        )

    @api.model
    def _cron_procure_gaps(self):
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("crm_inventory_link.gap_cron_enabled") != "True":
            return
        for company in self.env["res.company"].search([]):
            gap = self.with_company(company).with_context(allowed_company_ids=company.ids)
            warehouses = gap.env["stock.warehouse"].search([("company_id", "=", company.id)])
            done, not_orderable, failed = gap._action_procure_gaps(warehouses, batch_size=200)
            _logger.info(
                "purchase gap: %s rows ordered, %s not, for %s",
                len(done),
                len(not_orderable) + len(failed),
                company.name,
            )
            gap._action_refresh_report(warehouses)
            gap._mark_gap_failures(failed)
            gap._schedule_gap_activities(company, not_orderable, failed)

    @api.model
    def _mark_gap_failures(self, failed):
        for (product_id, warehouse_id), message in failed.items():
            gaps = self.search([("product_id", "=", product_id), ("warehouse_id", "=", warehouse_id)])
            gaps.sudo().write({"procure_issue": "error", "procure_error": message})
