import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import dedupe, scoring
from ..lib.spreadsheet import SpreadsheetError, map_columns, read_rows, write_xlsx

IMPORT_FIELDS = [
    ("name", "Lead name"),
    ("contact_name", "Contact name"),
    ("partner_name", "Company"),
    ("email_from", "Email"),
    ("phone", "Phone"),
    ("vat", "Tax ID"),
    ("country", "Country"),
    ("city", "City"),
    ("street", "Street"),
    ("website", "Website"),
    ("employee_count", "Employees"),
    ("source", "Source"),
    ("tags", "Tags"),
    ("industry", "Industry"),
    ("description", "Notes"),
]
ALIASES = {
    "name": ["lead", "lead name", "title", "subject", "线索", "线索名称", "名称", "主题"],
    "contact_name": ["contact", "contact name", "联系人", "姓名"],
    "partner_name": ["company", "company name", "organization", "公司", "公司名称", "客户名称", "单位"],
    "email_from": ["email", "e-mail", "mail", "邮箱", "电子邮件", "邮件"],
    "phone": ["phone", "mobile", "telephone", "tel", "电话", "手机", "手机号", "联系电话"],
    "vat": ["vat", "tax id", "vat number", "税号", "纳税人识别号"],
    "country": ["country", "country code", "国家"],
    "city": ["city", "城市"],
    "street": ["street", "address", "地址"],
    "website": ["website", "web", "url", "网站"],
    "employee_count": ["employees", "company size", "size", "员工数", "员工人数", "规模"],
    "source": ["source", "lead source", "来源"],
    "tags": ["tags", "tag", "标签"],
    "industry": ["industry", "行业"],
    "description": ["notes", "note", "description", "comment", "备注", "描述"],
}
UPDATABLE_FIELDS = ("contact_name", "partner_name", "city", "street", "website", "description")


class CrmLeadImportWizard(models.TransientModel):
    _name = "crm.lead.import.wizard"
    _description = "Import Leads from Excel or CSV"

    state = fields.Selection(
        [("upload", "Upload"), ("map", "Map columns"), ("done", "Done")], default="upload"
    )
    file = fields.Binary(required=True)
    filename = fields.Char()
    pool_id = fields.Many2one(
        "crm.lead.pool", string="Put into pool", domain=[("res_model", "=", "crm.lead")]
    )
    team_id = fields.Many2one("crm.team", string="Sales team")
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
                "The file has %(rows)s rows; at most %(max_rows)s can be imported at once.", **p
            ),
        }
        text = texts.get(error.code)
        return text(error.params) if text else str(error)

    def _read_file(self):
        self.ensure_one()
        try:
            return read_rows(self.filename or "", base64.b64decode(self.file or b""))
        except SpreadsheetError as exc:
            raise UserError(
                self.env._(
                    "Cannot read %(file)s: %(error)s",
                    file=self.filename or "-",
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
        header, _rows = self._read_file()
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

    def _lookup_tables(self):
        env = self.env
        countries = {}
        for country in env["res.country"].search_read([], ["code", "name"]):
            countries[country["code"].upper()] = country["id"]
            countries[country["name"].strip().lower()] = country["id"]
        return {
            "country": countries,
            "source": {s.name.strip().lower(): s.id for s in env["utm.source"].search([])},
            "tags": {t.name.strip().lower(): t.id for t in env["crm.tag"].search([])},
            "industry": {i.name.strip().lower(): i.id for i in env["res.partner.industry"].search([])},
        }

    def _prepare_row_values(self, raw, tables):
        """Lead values of one row, or raise ValueError with the reason it is rejected."""
        env = self.env
        name = raw.get("name") or raw.get("partner_name") or raw.get("contact_name")
        if not name:
            raise ValueError(env._("No lead name, company or contact."))
        email, phone = raw.get("email_from"), raw.get("phone")
        if not email and not phone:
            raise ValueError(env._("No email and no phone."))
        if email and not scoring.email_is_valid(email):
            raise ValueError(env._("Invalid email %(email)s.", email=email))
        if phone and not scoring.phone_is_valid(phone):
            raise ValueError(env._("Invalid phone %(phone)s.", phone=phone))
        values = {"name": name, "type": "lead"}
        for key in (
            "contact_name",
            "partner_name",
            "email_from",
            "phone",
            "vat",
            "city",
            "street",
            "website",
        ):
            if raw.get(key):
                values[key] = raw[key]
        if raw.get("description"):
            values["description"] = raw["description"]
        if raw.get("country"):
            country = tables["country"].get(raw["country"].upper()) or tables["country"].get(
                raw["country"].lower()
            )
            if not country:
                raise ValueError(env._("Unknown country %(country)s.", country=raw["country"]))
            values["country_id"] = country
        if raw.get("employee_count"):
            try:
                values["employee_count"] = int(float(raw["employee_count"]))
            except ValueError:
                raise ValueError(env._("Employees is not a number: %(value)s.", value=raw["employee_count"]))
        if raw.get("source"):
            source = tables["source"].get(raw["source"].lower())
            if not source:
                raise ValueError(env._("Unknown source %(name)s.", name=raw["source"]))
            values["source_id"] = source
        if raw.get("industry"):
            industry = tables["industry"].get(raw["industry"].lower())
            if not industry:
                raise ValueError(env._("Unknown industry %(industry)s.", industry=raw["industry"]))
            values["industry_id"] = industry
        if raw.get("tags"):
            names = [t.strip().lower() for t in raw["tags"].replace("，", ",").split(",") if t.strip()]
            unknown = [n for n in names if n not in tables["tags"]]
            if unknown:
                raise ValueError(env._("Unknown tags %(tags)s.", tags=", ".join(unknown)))
            values["tag_ids"] = [fields.Command.set([tables["tags"][n] for n in names])]
        if self.team_id:
            values["team_id"] = self.team_id.id
        if self.pool_id:
            values["pool_id"] = self.pool_id.id
            values["user_id"] = False
        return values

    def _find_existing(self, keys_list):
        """Existing leads for the rows' keys, in 3 queries: ``{(kind, key): lead id}``."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        found = {}
        for kind, fname in (("email", "email_normalized"), ("phone", "dedupe_phone"), ("vat", "dedupe_vat")):
            wanted = list({keys[kind] for keys in keys_list if keys.get(kind)})
            if not wanted:
                continue
            for group in Lead._read_group([(fname, "in", wanted)], [fname], ["id:min"]):
                found[(kind, group[0])] = group[1]
        return found

    def action_import(self):
        self.ensure_one()
        mapping = self._get_mapping()
        header, rows = self._read_file()
        tables = self._lookup_tables()
        raws = [
            {field: (row[idx] if idx < len(row) else "").strip() for field, idx in mapping.items()}
            for row in rows
        ]
        keys_list = [dedupe.dedupe_keys(r.get("email_from"), r.get("phone"), r.get("vat")) for r in raws]
        in_file_dupes = dedupe.find_duplicate_rows(keys_list)
        existing = self._find_existing(keys_list)
        to_create, to_update, rejected = [], {}, []
        for index, (raw, keys) in enumerate(zip(raws, keys_list, strict=False)):
            line = index + 2  # header is line 1
            try:
                values = self._prepare_row_values(raw, tables)
                if index in in_file_dupes:
                    raise ValueError(
                        self.env._("Duplicate of line %(line)s of the file.", line=in_file_dupes[index] + 2)
                    )
            except ValueError as exc:
                rejected.append(rows[index] + [str(line), str(exc)])
                continue
            match = next((existing[(k, v)] for k, v in keys.items() if (k, v) in existing), None)
            if match:
                to_update[match] = values
            else:
                to_create.append(values)
        Lead = self.env["crm.lead"]
        Lead.create(to_create)
        if to_update:
            leads = Lead.with_context(active_test=False).browse(list(to_update))
            for lead in leads:
                values = to_update[lead.id]
                update = {k: values[k] for k in UPDATABLE_FIELDS if values.get(k) and not lead[k]}
                if update:
                    lead.write(update)
        error_file = False
        if rejected:
            error_file = base64.b64encode(
                write_xlsx(header + [self.env._("Line"), self.env._("Reason")], rejected)
            )
        self.write(
            {
                "state": "done",
                "created_count": len(to_create),
                "updated_count": len(to_update),
                "rejected_count": len(rejected),
                "error_file": error_file,
                "error_filename": "rejected_leads.xlsx" if rejected else False,
            }
        )
        return self._reopen()
