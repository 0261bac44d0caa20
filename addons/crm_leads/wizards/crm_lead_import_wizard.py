import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.spreadsheet import SpreadsheetError, estimate_rows, map_columns, read_header, read_rows, write_xlsx
from .crm_lead_import_batch import ALIASES, IMPORT_FIELDS


class CrmLeadImportWizard(models.TransientModel):
    _name = "crm.lead.import.wizard"
    _inherit = ["crm.lead.import.batch"]
    _description = "Import Leads from Excel or CSV"

    state = fields.Selection(
        [
            ("upload", "Upload"),
            ("map", "Map columns"),
            ("queued", "Running in the background"),
            ("done", "Done"),
        ],
        default="upload",
    )
    file = fields.Binary(required=True)
    filename = fields.Char()
    pool_id = fields.Many2one(
        "crm.lead.pool", string="Put into pool", domain=[("res_model", "=", "crm.lead")]
    )
    team_id = fields.Many2one("crm.team", string="Sales team")
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        domain=[("share", "=", False)],
        help="Salesperson of the imported leads, unless the file has a salesperson column. With a pool, "
        "the leads are given to him through the pool (claim or assignment, with the pool's limits).",
    )
    job_id = fields.Many2one("crm.import.job", string="Background import", readonly=True)
    mapping_ids = fields.One2many("crm.lead.import.mapping", "wizard_id", string="Column mapping")
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)
    rejected_count = fields.Integer(readonly=True)
    error_file = fields.Binary("Rejected rows", readonly=True, attachment=False)
    error_filename = fields.Char(readonly=True)

    @api.model
    def _spreadsheet_error_text(self, error):
        """A :class:`SpreadsheetError` in the user's language (the library only knows English)."""
        texts = {
            "missing_xlrd": lambda p: self.env._("Reading .xls files needs the Python package xlrd."),
            "missing_openpyxl": lambda p: self.env._(
                "Reading .xlsx files needs the Python package openpyxl."
            ),
            "bad_xls": lambda p: self.env._("The file is not a readable .xls workbook (%(detail)s).", **p),
            "bad_xlsx": lambda p: self.env._("The file is not a readable .xlsx workbook (%(detail)s).", **p),
            "no_sheet": lambda p: self.env._("The workbook has no sheet."),
            "bad_encoding": lambda p: self.env._("The CSV file is neither UTF-8 nor GB18030 text."),
            "binary_csv": lambda p: self.env._("The CSV file contains binary data."),
            "bad_csv": lambda p: self.env._("The CSV file is malformed (%(detail)s).", **p),
            "unsupported_type": lambda p: self.env._(
                "Unsupported file type %(ext)s: use .xls, .xlsx or .csv.", **p
            ),
            "empty": lambda p: self.env._("The file is empty."),
            "kind_mismatch": lambda p: self.env._(
                "The file is named .%(ext)s but its content is a .%(kind)s file.", **p
            ),
            "no_rows": lambda p: self.env._("The file has no rows."),
            "too_many_rows": lambda p: self.env._(
                "The file has more than %(max_rows)s rows; at most %(max_rows)s can be imported at once.", **p
            ),
            "too_many_columns": lambda p: self.env._(
                "The sheet has %(columns)s columns; at most %(max_columns)s can be imported.", **p
            ),
            "too_large": lambda p: self.env._(
                "The file is too large (%(size)s MB); at most %(max_size)s MB can be imported.", **p
            ),
            "empty_rows": lambda p: self.env._(
                "The sheet has more than %(max_empty_run)s empty rows in a row after line %(line)s: "
                "delete the empty rows and save the file again.",
                **p,
            ),
        }
        text = texts.get(error.code)
        return text(error.params) if text else str(error)

    def _read_file(self, reader=read_rows):
        self.ensure_one()
        return self._read_content(self.filename, base64.b64decode(self.file or b""), reader)

    @api.model
    def _read_content(self, filename, content, reader=read_rows):
        """``reader(filename, content)`` of lib/spreadsheet, its errors said to the user."""
        try:
            return reader(filename or "", content)
        except SpreadsheetError as exc:
            raise UserError(
                self.env._(
                    "Cannot read %(file)s: %(error)s",
                    file=filename or "-",
                    error=self._spreadsheet_error_text(exc),
                )
            ) from exc

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_load(self):
        """Read the header and propose a mapping of its columns."""
        self.ensure_one()
        header = self._read_file(read_header)
        mapping = map_columns(header, ALIASES)
        by_index = {index: field for field, index in mapping.items()}
        self.mapping_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {"column_index": i, "column_name": text or "-", "field_name": by_index.get(i)}
            )
            for i, text in enumerate(header)
        ]
        self.state = "map"
        return self._reopen()

    # ------------------------------------------------------------------
    def _get_mapping(self):
        mapping = {}
        for line in self.mapping_ids.filtered("field_name"):
            if line.field_name in mapping:
                raise UserError(
                    self.env._(
                        "Two columns are mapped to %(field)s.", field=dict(IMPORT_FIELDS)[line.field_name]
                    )
                )
            mapping[line.field_name] = line.column_index
        if "name" not in mapping and "partner_name" not in mapping and "contact_name" not in mapping:
            raise UserError(self.env._("Map a column to the lead name, the company or the contact."))
        if "email_from" not in mapping and "phone" not in mapping:
            raise UserError(self.env._("Map a column to the email or the phone."))
        return mapping

    def _prepare_import_options(self):
        if self.pool_id:  # refused before a row is read, not batch by batch
            self.env["crm.lead"].new({"pool_id": self.pool_id.id})._pool_check_member(self.env.user)
        return {
            "mapping": self._get_mapping(),
            "pool_id": self.pool_id.id,
            "team_id": self.team_id.id,
            "user_id": self.user_id.id,
        }

    def action_import(self):
        """Import the file now, or queue it as a background import when it has more rows than the
        threshold (crm_leads.import_background_threshold)."""
        self.ensure_one()
        options = self._prepare_import_options()
        Job = self.env["crm.import.job"]
        estimate = self._read_file(estimate_rows)
        if estimate > Job._import_threshold():
            handler = "crm.lead.import.batch"
            self.job_id = Job._create_job(handler, self.filename, self.file, estimate, options)
            self.state = "queued"
            return self._reopen()
        header, rows = self._read_file()
        duplicates = self._file_duplicates(rows, options["mapping"])
        stats = self._import_rows(rows, 0, duplicates, options)
        self.write(self._prepare_result_values(header, stats))
        return self._reopen()

    def _prepare_result_values(self, header, stats):
        rejected = stats["rejected_rows"]
        error_file = False
        if rejected:
            error_file = base64.b64encode(
                write_xlsx(header + [self.env._("Line"), self.env._("Reason")], rejected)
            )
        return {
            "state": "done",
            "created_count": stats["created"],
            "updated_count": stats["updated"],
            "rejected_count": len(rejected),
            "error_file": error_file,
            "error_filename": "rejected_leads.xlsx" if rejected else False,
        }

    def action_open_job(self):
        self.ensure_one()
        return self.job_id.action_open()
