"""The rows of a lead import turned into leads: one call per batch, for the wizard and the background job."""

import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import dedupe, scoring
from ..lib.values import BadValue, control_character_column, parse_integer

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
    ("salesperson", "Salesperson"),
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
    "salesperson": ["salesperson", "owner", "salesman", "user", "负责人", "销售员", "业务员"],
}
UPDATABLE_FIELDS = ("contact_name", "partner_name", "city", "street", "website", "description")
TEXT_FIELDS = ("contact_name", "partner_name", "email_from", "phone", "vat", "city", "street", "website")
# bulk creation: no tracking values, no "created" message, no follower notices
BULK_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class CrmLeadImportBatch(models.AbstractModel):
    _name = "crm.lead.import.batch"
    _description = "Lead Import Rows"

    @api.model
    def _lookup_tables(self):
        env = self.env
        countries = {}
        for country in env["res.country"].search_read([], ["code", "name"]):
            countries[country["code"].upper()] = country["id"]
            countries[country["name"].strip().lower()] = country["id"]
        users = {}
        for user in env["res.users"].search_read([("share", "=", False)], ["login", "name"]):
            users[user["login"].strip().lower()] = user["id"]
            name = user["name"].strip().lower()
            users[name] = False if users.get(name, user["id"]) != user["id"] else user["id"]  # ambiguous
        return {
            "country": countries,
            "source": {s.name.strip().lower(): s.id for s in env["utm.source"].search([])},
            "tags": {t.name.strip().lower(): t.id for t in env["crm.tag"].search([])},
            "industry": {i.name.strip().lower(): i.id for i in env["res.partner.industry"].search([])},
            "users": users,
        }

    @api.model
    def _bad_value_text(self, label, error):
        texts = {
            "not_a_number": self.env._("%(field)s is not a number: %(value)s."),
            "not_finite": self.env._("%(field)s is not a finite number: %(value)s."),
            "not_whole": self.env._("%(field)s is not a whole number: %(value)s."),
            "out_of_range": self.env._("%(field)s is out of range (%(minimum)s to %(maximum)s): %(value)s."),
        }
        return texts[error.code] % dict(error.params, field=label)

    @api.model
    def _check_row(self, raw):
        """Raise ValueError with the reason the row is rejected (name, email or phone)."""
        env = self.env
        if not (raw.get("name") or raw.get("partner_name") or raw.get("contact_name")):
            raise ValueError(env._("No lead name, company or contact."))
        email, phone = raw.get("email_from"), raw.get("phone")
        if not email and not phone:
            raise ValueError(env._("No email and no phone."))
        if email and not scoring.email_is_valid(email):
            raise ValueError(env._("Invalid email %(email)s.", email=email))
        if phone and not scoring.phone_is_valid(phone):
            raise ValueError(env._("Invalid phone %(phone)s.", phone=phone))

    @api.model
    def _lookup(self, tables, kind, text, message):
        found = tables[kind].get(text.lower()) or tables[kind].get(text.upper())
        if not found:
            raise ValueError(message)
        return found

    @api.model
    def _prepare_row_values(self, raw, tables, options):
        """Lead values of one row, or raise ValueError with the reason it is rejected."""
        env = self.env
        self._check_row(raw)
        name = raw.get("name") or raw.get("partner_name") or raw.get("contact_name")
        values = {"name": name, "type": "lead"}
        values.update({key: raw[key] for key in (*TEXT_FIELDS, "description") if raw.get(key)})
        if raw.get("country"):
            message = env._("Unknown country %(country)s.", country=raw["country"])
            values["country_id"] = self._lookup(tables, "country", raw["country"], message)
        if raw.get("employee_count"):
            try:
                values["employee_count"] = parse_integer(raw["employee_count"])
            except BadValue as error:
                raise ValueError(self._bad_value_text(env._("Employees"), error))
        if raw.get("source"):
            message = env._("Unknown source %(name)s.", name=raw["source"])
            values["source_id"] = self._lookup(tables, "source", raw["source"], message)
        if raw.get("industry"):
            message = env._("Unknown industry %(industry)s.", industry=raw["industry"])
            values["industry_id"] = self._lookup(tables, "industry", raw["industry"], message)
        if raw.get("tags"):
            names = [t.strip().lower() for t in raw["tags"].replace("，", ",").split(",") if t.strip()]
            unknown = [n for n in names if n not in tables["tags"]]
            if unknown:
                raise ValueError(env._("Unknown tags %(tags)s.", tags=", ".join(unknown)))
            values["tag_ids"] = [fields.Command.set([tables["tags"][n] for n in names])]
        values.update(self._prepare_row_owner_values(raw, tables, options))
        return values

    @api.model
    def _prepare_row_owner_values(self, raw, tables, options):
        """Team, pool and owner: the row's salesperson, else the chosen owner; a pooled lead without
        owner waits in the pool (its owner is set by the pool's guarded transition at creation)."""
        values = {}
        if options.get("team_id"):
            values["team_id"] = options["team_id"]
        owner = options.get("user_id") or False
        if raw.get("salesperson"):
            message = self.env._("Unknown or ambiguous salesperson %(name)s.", name=raw["salesperson"])
            owner = self._lookup(tables, "users", raw["salesperson"], message)
        if options.get("pool_id"):
            values["pool_id"] = options["pool_id"]
            values["user_id"] = owner
        else:
            values["user_id"] = owner or self.env.uid  # crm.lead's default owner: who imports
        values.update(self._get_team_stage_values(tables, values["user_id"], options.get("team_id")))
        return values

    @api.model
    def _get_team_stage_values(self, tables, owner, team_id):
        """Team and stage of a new lead as crm.lead computes them (the owner's team unless he belongs to
        the chosen one; the team's first open stage), found once per owner and team instead of per lead."""
        cache = tables.setdefault("team_stage", {})
        if (owner, team_id) not in cache:
            team = self.env["crm.team"].browse(team_id or [])
            user = self.env["res.users"].browse(owner or [])
            if user and not (team and user in (team.member_ids | team.user_id)):
                team = self.env["crm.team"]._get_default_team_id(
                    user_id=user.id, domain=[("use_leads", "=", True)]
                )
            stage = self.env["crm.lead"]._stage_find(team_id=team.id, domain=[("fold", "=", False)])
            cache[(owner, team_id)] = {"team_id": team.id, "stage_id": stage.id}
        return cache[(owner, team_id)]

    @api.model
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

    @api.model
    def _row_raw(self, row, mapping):
        return {field: (row[idx] if idx < len(row) else "").strip() for field, idx in mapping.items()}

    @api.model
    def _file_duplicates(self, rows, mapping):
        """``{row index: index of the first row with the same email, phone or VAT}`` over the whole file."""
        raws = [self._row_raw(row, mapping) for row in rows]
        keys_list = [dedupe.dedupe_keys(r.get("email_from"), r.get("phone"), r.get("vat")) for r in raws]
        return dedupe.find_duplicate_rows(keys_list)

    @api.model
    def _import_rows(self, rows, first, duplicates, options):
        """Import ``rows`` (``first`` = index of the first of them in the file): create the new leads,
        complete the existing ones. Returns ``{created, updated, rejected_rows}``; a rejected row comes
        back with its line number and reason."""
        mapping = {field: int(index) for field, index in options["mapping"].items()}
        tables = self._lookup_tables()
        raws = [self._row_raw(row, mapping) for row in rows]
        keys_list = [dedupe.dedupe_keys(r.get("email_from"), r.get("phone"), r.get("vat")) for r in raws]
        existing = self._find_existing(keys_list)
        to_create, to_update, rejected = [], {}, []
        for offset, (row, raw, keys) in enumerate(zip(rows, raws, keys_list, strict=True)):
            index = first + offset
            try:
                values = self._prepare_checked_row(row, raw, tables, options, duplicates.get(index))
            except ValueError as exc:
                rejected.append([*row, str(index + 2), str(exc)])  # line 1 is the header
                continue
            match = next((existing[(k, v)] for k, v in keys.items() if (k, v) in existing), None)
            if match:
                to_update[match] = values
            else:
                to_create.append((values, [*row, str(index + 2)]))
        created = self._create_leads(to_create, rejected)
        self._update_leads(to_update)
        return {"created": created, "updated": len(to_update), "rejected_rows": rejected}

    @api.model
    def _prepare_checked_row(self, row, raw, tables, options, duplicate_of):
        column = control_character_column(row)
        if column is not None:
            raise ValueError(self.env._("Control characters in column %(column)s.", column=column + 1))
        values = self._prepare_row_values(raw, tables, options)
        if duplicate_of is not None:
            raise ValueError(self.env._("Duplicate of line %(line)s of the file.", line=duplicate_of + 2))
        return values

    @api.model
    def _create_leads(self, to_create, rejected):
        """Create the leads in bulk, one create per owner: the owner of a pooled lead is set by the pool's
        transition and the record rules apply, so that a refusal (another salesperson's leads, not a member,
        a pool cap reached) rejects that owner's rows with its reason, not the whole file."""
        Lead = self.env["crm.lead"].with_context(**BULK_CONTEXT)
        by_owner = {}
        for values, row in to_create:
            by_owner.setdefault(values.get("user_id"), []).append((values, row))
        created = 0
        for items in by_owner.values():
            # the stage as a default: a stage in the values makes crm.lead check won/lost lead by lead
            stage = items[0][0].pop("stage_id", None)
            vals_list = [values for values, _row in items]
            for values in vals_list:
                values.pop("stage_id", None)
            try:
                with self.env.cr.savepoint():
                    Lead.with_context(default_stage_id=stage).create(vals_list)
                created += len(items)
            except (UserError, AccessError) as exc:
                rejected.extend([*row, str(exc)] for _values, row in items)
        return created

    @api.model
    def _update_leads(self, to_update):
        """Complete existing leads: only their empty fields are filled, nothing is overwritten."""
        leads = self.env["crm.lead"].with_context(active_test=False, **BULK_CONTEXT).browse(list(to_update))
        for lead in leads:
            values = to_update[lead.id]
            update = {k: values[k] for k in UPDATABLE_FIELDS if values.get(k) and not lead[k]}
            if update:
                lead.write(update)

    @api.model
    def _import_job_batch_size(self, rows_per_batch):
        return rows_per_batch

    @api.model
    def _import_job_prepare(self, job):
        """First step of a background import: the file read, the duplicates inside it found."""
        content = base64.b64decode(job.sudo().file or b"")
        header, rows = self.env["crm.lead.import.wizard"]._read_content(job.filename, content)
        mapping = {field: int(index) for field, index in job.options["mapping"].items()}
        payload = {"rows": rows, "duplicates": self._file_duplicates(rows, mapping)}
        return {"payload": payload, "total": len(rows), "header": header}

    @api.model
    def _import_job_batch(self, job, start, stop):
        """One batch of a background import (see crm.import.job)."""
        payload = job._load_payload()
        duplicates = {int(k): v for k, v in payload["duplicates"].items()}
        return self._import_rows(payload["rows"][start:stop], start, duplicates, job.options)
