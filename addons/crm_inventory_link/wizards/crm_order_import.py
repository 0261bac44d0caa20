import base64

from odoo import Command, fields, models
from odoo.addons.crm_leads.lib.spreadsheet import estimate_rows, write_xlsx


class CrmOrderImport(models.TransientModel):
    _name = "crm.order.import"
    _inherit = ["crm.order.import.batch"]
    _description = "Import Customer Orders"

    file = fields.Binary(attachment=False)
    filename = fields.Char(string="File Name")
    warehouse_id = fields.Many2one("stock.warehouse")
    state = fields.Selection(
        [("draft", "Draft"), ("queued", "Running in the background"), ("done", "Done")], default="draft"
    )
    order_ids = fields.Many2many("sale.order", string="Quotations")
    updated_order_ids = fields.Many2many(
        "sale.order", "crm_order_import_updated_rel", string="Updated Quotations"
    )
    skipped_order_ids = fields.Many2many(
        "sale.order", "crm_order_import_skipped_rel", string="Skipped Quotations"
    )
    order_count = fields.Integer(string="Quotations Created", readonly=True)
    updated_count = fields.Integer(string="Quotations Updated", readonly=True)
    skipped_count = fields.Integer(string="Quotations Skipped", readonly=True)
    error_count = fields.Integer(string="Rows Rejected", readonly=True)
    note = fields.Text(
        string="Re-imported Orders", readonly=True, help="What became of each order already imported."
    )
    error_file = fields.Binary(string="Rejected Rows", readonly=True, attachment=False)
    error_filename = fields.Char(readonly=True)
    job_id = fields.Many2one("crm.import.job", string="Background import", readonly=True)

    def _prepare_import_options(self):
        return {"warehouse_id": self.warehouse_id.id}

    def action_import(self):
        """Import the file now, or queue it as a background import when it has more rows than the
        threshold (crm_leads.import_background_threshold)."""
        self.ensure_one()
        self.env["sale.order"].check_access("create")
        content = base64.b64decode(self.file or b"")
        Job = self.env["crm.import.job"]
        estimate = self._read_content(self.filename, content, estimate_rows)
        if estimate > Job._import_threshold():
            handler = "crm.order.import.batch"
            options = self._prepare_import_options()
            self.job_id = Job._create_job(handler, self.filename, self.file, estimate, options)
            self.state = "queued"
            return self._reopen()
        header, rows, orders, errors = self._read_orders_file(self.filename, content)
        stats = self._import_orders(orders, self._prepare_import_options())
        self.write(self._prepare_result_values(header, rows, errors, stats))
        return self._reopen()

    def _prepare_result_values(self, header, rows, errors, stats):
        result = stats["result"]
        values = {
            "state": "done",
            "order_ids": [Command.set(result["created"])],
            "updated_order_ids": [Command.set(result["updated"])],
            "skipped_order_ids": [Command.set(result["skipped"])],
            "order_count": stats["created"],
            "updated_count": stats["updated"],
            "skipped_count": stats["skipped"],
            "note": "\n".join(stats["notes"]) or False,
            "error_count": len(errors),
            "error_file": False,
            "error_filename": False,
        }
        if errors:
            error_rows = [list(rows[i]) + [errors[i]] for i in sorted(errors)]
            content = write_xlsx(list(header) + [self.env._("Error")], error_rows)
            values["error_file"] = base64.b64encode(content)
            values["error_filename"] = self.env._("rejected_rows.xlsx")
        return values

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_job(self):
        self.ensure_one()
        return self.job_id.action_open()

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_quotations_with_onboarding")
        orders = self.order_ids | self.updated_order_ids | self.skipped_order_ids
        action["domain"] = [("id", "in", orders.ids)]
        action["context"] = {}
        return action
