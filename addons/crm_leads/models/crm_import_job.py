"""A large import runs as a background job: committed batches, progress, resume, cancel, notice at the end."""

import base64
import json
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.spreadsheet import write_xlsx
from .cron_batch import may_commit, run_batch

_logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 2000  # rows; a file with more rows is imported in the background
DEFAULT_BATCH_SIZE = 1000  # rows (or orders) per committed batch
_PAYLOAD_CACHE = {}  # (database, job id): rows of the job being run
DEFAULT_TIME_BUDGET = 60  # seconds of one cron call before it reports its progress and is called again


class CrmImportJob(models.Model):
    _name = "crm.import.job"
    _description = "Background Import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    handler = fields.Char(required=True, readonly=True, help="Model of the wizard that imports the rows.")
    user_id = fields.Many2one(
        "res.users", string="Imported by", required=True, readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    file = fields.Binary(attachment=True, readonly=True)
    filename = fields.Char(readonly=True)
    payload = fields.Binary(attachment=True, readonly=True, help="The rows read from the file (JSON).")
    options = fields.Json(readonly=True)
    header = fields.Json(readonly=True)
    total = fields.Integer(string="To import", readonly=True)
    position = fields.Integer(string="Imported so far", readonly=True, help="Committed row offset.")
    progress = fields.Float(compute="_compute_progress")
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    rejected_rows = fields.Json(readonly=True)
    result = fields.Json(readonly=True)
    note = fields.Text(string="Details", readonly=True)
    error_file = fields.Binary(string="Rejected rows", attachment=True, readonly=True)
    error_filename = fields.Char(readonly=True)

    @api.depends("position", "total", "state")
    def _compute_progress(self):
        for job in self:
            done = job.state == "done" or not job.total
            job.progress = 100.0 if done else 100.0 * job.position / job.total

    # ------------------------------------------------------------------
    @api.model
    def _import_threshold(self):
        icp = self.env["ir.config_parameter"].sudo()
        return int(icp.get_param("crm_leads.import_background_threshold", DEFAULT_THRESHOLD))

    @api.model
    def _import_batch_size(self):
        icp = self.env["ir.config_parameter"].sudo()
        return max(1, int(icp.get_param("crm_leads.import_batch_size", DEFAULT_BATCH_SIZE)))

    @api.model
    def _prepare_job_values(self, handler, filename, file, estimate, options):
        return {
            "name": filename or handler,
            "handler": handler,
            "file": file,
            "filename": filename,
            "total": estimate,
            "options": options,
        }

    @api.model
    def _create_job(self, handler, filename, file, estimate, options):
        """Queue the import of ``file`` (base64, about ``estimate`` rows) and wake the import cron up: the
        file is read by the first batch, the user's request returns at once."""
        values = self._prepare_job_values(handler, filename, file, estimate, options)
        job = self.sudo().create(values).sudo(False)
        self.env.ref("crm_leads.ir_cron_import_jobs").sudo()._trigger()
        return job

    def _load_payload(self):
        """The rows of the file, decoded once per process and job (the payload never changes)."""
        key = (self.env.cr.dbname, self.id)
        if key not in _PAYLOAD_CACHE:
            _PAYLOAD_CACHE.clear()
            _PAYLOAD_CACHE[key] = json.loads(base64.b64decode(self.sudo().payload or b"null"))
        return _PAYLOAD_CACHE[key]

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    def action_cancel(self):
        """Stop a queued or running import: the batches already committed stay imported."""
        running = self.filtered(lambda j: j.state in ("queued", "running"))
        if running != self:
            raise UserError(self.env._("Only a queued or running import can be cancelled."))
        running.sudo().write({"state": "cancelled"})
        for job in running:
            job._finish_notify()
        return True

    # ------------------------------------------------------------------
    # The cron: batches of the oldest jobs, each committed with the job's cursor
    # ------------------------------------------------------------------
    @api.model
    def _get_pending_domain(self):
        return [("state", "in", ("queued", "running"))]

    @api.model
    def _cron_run_jobs(self, time_budget=None):
        """Run batches of the pending imports until the time budget is spent, then report the progress to
        the cron (which calls again while rows remain). Returns the number of batches run."""
        budget = time_budget or DEFAULT_TIME_BUDGET
        start, batches = time.monotonic(), 0
        while time.monotonic() - start < budget:
            job = self.sudo().search(self._get_pending_domain(), order="id", limit=1)
            if not job:
                break
            job._run_one_batch()
            batches += 1
        pending = self.sudo().search(self._get_pending_domain())
        remaining = sum(max(job.total - job.position, 1) for job in pending)
        self.env["ir.cron"]._notify_progress(done=batches, remaining=remaining)
        return batches

    def _run_one_batch(self):
        """One batch of this job as its user, committed with the new cursor; a failing batch marks the
        job failed (in a scheduled run) and the user is told."""
        self.ensure_one()
        try:
            run_batch(self.env, self._process_batch)
        except Exception as error:
            if not may_commit(self.env):
                raise
            self.env.cr.rollback()
            self.env.invalidate_all()
            _logger.warning("Import %s failed: %s", self.id, error)
            self.sudo().write({"state": "failed", "note": str(error)})
            self._finish_notify()
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _process_batch(self):
        """Import the rows ``[position, position + batch size)`` and move the cursor past them, in the
        same transaction: a crash after the commit resumes after them, a crash before redoes them."""
        job = self.sudo()
        job.invalidate_recordset()  # a cancel committed meanwhile is seen here
        if job.state not in ("queued", "running"):
            return
        handler = self.env[job.handler].with_user(job.user_id).with_company(job.company_id)
        if not job.payload:
            job.write(job._prepare_payload_values(handler._import_job_prepare(job)))
            return
        stop = min(job.total, job.position + handler._import_job_batch_size(self._import_batch_size()))
        stats = handler._import_job_batch(job, job.position, stop) if stop > job.position else {}
        job.write(job._prepare_batch_values(stats, stop))
        if stop >= job.total:
            job._finish()

    def _prepare_payload_values(self, prepared):
        """The first step: the file read (bounded) into ``payload``, its exact size, the rows rejected
        while reading; the file itself is no longer needed."""
        rejected = prepared.get("rejected_rows") or []
        return {
            "state": "running",
            "payload": base64.b64encode(json.dumps(prepared["payload"]).encode()),
            "total": prepared["total"],
            "header": prepared["header"],
            "rejected_rows": rejected,
            "rejected_count": len(rejected),
            "file": False,
        }

    def _prepare_batch_values(self, stats, stop):
        values = {"state": "running", "position": stop}
        for key in ("created", "updated", "skipped"):
            values[f"{key}_count"] = self[f"{key}_count"] + stats.get(key, 0)
        rejected = stats.get("rejected_rows") or []
        if rejected:
            values["rejected_rows"] = (self.rejected_rows or []) + rejected
            values["rejected_count"] = self.rejected_count + len(rejected)
        if stats.get("notes"):
            values["note"] = "\n".join(filter(None, [self.note, *stats["notes"]]))
        if stats.get("result"):
            result = dict(self.result or {})
            for key, ids in stats["result"].items():
                result[key] = result.get(key, []) + ids
            values["result"] = result
        return values

    def _finish(self):
        """The last batch: the error file, state done, the user told."""
        values = {"state": "done"}
        if self.rejected_rows:
            header = list(self.header or []) + [self.env._("Line"), self.env._("Reason")]
            values["error_file"] = base64.b64encode(write_xlsx(header, self.rejected_rows))
            values["error_filename"] = "rejected_rows.xlsx"
        self.write(values)
        self._finish_notify()

    def _finish_notify(self):
        """A message to the user who imported (inbox) with the counts and the error file, and a toast."""
        job = self.sudo()
        body = job._get_result_text()
        attachments = []
        if job.error_file:
            attachments = [(job.error_filename, base64.b64decode(job.error_file))]
        job.message_post(
            body=body,
            partner_ids=job.user_id.partner_id.ids,
            attachments=attachments,
            author_id=self.env.ref("base.partner_root").id,  # the author is not notified: OdooBot tells
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
        )
        job.user_id._bus_send(
            "simple_notification",
            {"type": "success" if job.state == "done" else "warning", "title": job.name, "message": body},
        )

    def _get_result_text(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        return self.env._(
            "Import %(name)s: %(state)s. Created %(created)s, updated %(updated)s, skipped %(skipped)s, "
            "rejected %(rejected)s.",
            name=self.name,
            state=states[self.state],
            created=self.created_count,
            updated=self.updated_count,
            skipped=self.skipped_count,
            rejected=self.rejected_count,
        )
