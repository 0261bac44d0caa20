import base64
import io
import time
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..lib.spreadsheet import write_xlsx
from .common import CrmLeadsCommon

HEADER = ["Name", "Email", "Employees", "Salesperson"]


@tagged("post_install", "-at_install")
class TestImportJob(CrmLeadsCommon):
    """Large files are imported in the background (a tiny threshold here): batches, progress, resume,
    cancel, the user told at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("crm_leads.import_background_threshold", 5)
        icp.set_param("crm_leads.import_batch_size", 4)
        cls.Job = cls.env["crm.import.job"]

    def _rows(self, count, prefix="job"):
        return [[f"{prefix} {i}", f"{prefix}{i}@example.com", str(i), ""] for i in range(count)]

    def _wizard(self, rows, user=None, header=None, csv=False, **values):
        env = self.env(user=user or self.user)
        header = header or HEADER
        if csv:
            content, filename = "\n".join(",".join(r) for r in [header, *rows]).encode(), "leads.csv"
        else:
            content, filename = write_xlsx(header, rows), "leads.xlsx"
        wizard = env["crm.lead.import.wizard"].create(
            dict(values, file=base64.b64encode(content), filename=filename)
        )
        wizard.action_load()
        return wizard

    def _leads(self, prefix="job"):
        return self.Lead.with_context(active_test=False).search(
            [("email_from", "like", f"{prefix}%@example.com")]
        )

    def _cron_triggered(self):
        cron = self.env.ref("crm_leads.ir_cron_import_jobs")
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])

    def test_small_file_answers_at_once(self):
        wizard = self._wizard(self._rows(5))
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.created_count), ("done", 5))
        self.assertFalse(wizard.job_id)

    def test_big_file_queues_a_job_then_batches_with_progress(self):
        triggers = self._cron_triggered()
        rows = self._rows(10) + [["dup", "job3@example.com", "", ""], ["bad", "x@example.com", "inf", ""]]
        wizard = self._wizard(rows)
        wizard.action_import()
        job = wizard.job_id
        self.assertEqual(wizard.state, "queued")
        self.assertEqual((job.state, job.total, job.position, job.progress), ("queued", 12, 0, 0))
        self.assertEqual(job.user_id, self.user)
        self.assertFalse(self._leads(), "nothing is imported in the user's request")
        self.assertEqual(self._cron_triggered(), triggers + 1, "the import cron is woken up")
        # the first step reads the file, the next ones import batches: committed, with the cursor
        job._run_one_batch()
        self.assertEqual((job.state, job.position, job.total, job.created_count), ("running", 0, 12, 0))
        self.assertTrue(job.payload)
        self.assertFalse(job.file)
        job._run_one_batch()
        self.assertEqual((job.state, job.position, job.created_count), ("running", 4, 4))
        self.assertAlmostEqual(job.progress, 100 * 4 / 12)
        # the cron runs the rest and reports its progress to Odoo's cron
        with patch.object(type(self.env["ir.cron"]), "_notify_progress") as notify:
            self.Job._cron_run_jobs()
        notify.assert_called_once_with(done=2, remaining=0)
        self.assertEqual(job.state, "done")
        self.assertEqual((job.created_count, job.updated_count, job.rejected_count), (10, 0, 2))
        self.assertEqual(len(self._leads()), 10)
        self.assertEqual(self._leads().user_id, self.user, "created as the user who imported")
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(job.error_file)))
        reasons = {r[0]: r[-1] for r in list(book.active.iter_rows(values_only=True))[1:]}
        self.assertIn("Duplicate of line 5", reasons["dup"])
        self.assertIn("Employees is not a finite number: inf", reasons["bad"])
        # the user is told, in his inbox, with the counts and the error file
        message = job.message_ids.filtered(lambda m: self.user.partner_id in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("Created 10, updated 0, skipped 0, rejected 2", message.body)
        self.assertEqual(message.attachment_ids.name, "rejected_rows.xlsx")

    def test_resume_after_a_crash_without_duplicates(self):
        wizard = self._wizard(self._rows(12))
        wizard.action_import()
        job = wizard.job_id
        job._run_one_batch()  # the file read
        job._run_one_batch()  # a first batch, committed in a scheduled run
        # the next batch crashes half way (its leads created, then the process dies): rolled back
        Batch = type(self.env["crm.lead.import.batch"])
        original = Batch._import_rows

        def crash(model, *args):
            original(model, *args)
            raise RuntimeError("worker killed")

        with (
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
            patch.object(Batch, "_import_rows", crash),
        ):
            job._run_one_batch()
        self.env.invalidate_all()
        self.assertEqual((job.position, len(self._leads())), (4, 4))
        # the restarted cron goes on from the committed cursor
        self.Job._cron_run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(self._leads()), 12)
        self.assertEqual(job.created_count, 12)
        self.assertEqual(len(set(self._leads().mapped("email_from"))), 12, "no duplicates")

    def test_cancel(self):
        wizard = self._wizard(self._rows(12))
        wizard.action_import()
        job = wizard.job_id.with_user(self.user)
        job._run_one_batch()
        job._run_one_batch()
        # another salesperson does not see it, so cannot cancel it
        with self.assertRaises(AccessError):
            job.with_user(self.user2).action_cancel()
        job.action_cancel()
        self.assertEqual(job.state, "cancelled")
        self.Job._cron_run_jobs()
        self.assertEqual((job.position, len(self._leads())), (4, 4), "the committed batches stay")
        with self.assertRaisesRegex(UserError, "Only a queued or running import"):
            job.action_cancel()
        self.assertIn("Cancelled", job.message_ids[0].body)

    def test_hostile_files_refused_fast(self):
        """A sheet of a million empty rows, a sheet declaring the whole grid: refused in well under 2 s."""
        import zipfile

        def with_sheet(sheet_xml):
            buf = io.BytesIO()
            with (
                zipfile.ZipFile(io.BytesIO(write_xlsx(["h"], []))) as src,
                zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst,
            ):
                for item in src.infolist():
                    data = src.read(item.filename)
                    dst.writestr(item, sheet_xml.encode() if item.filename.endswith("sheet1.xml") else data)
            return buf.getvalue()

        ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        first = '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
        empty = "".join(f'<row r="{r}"/>' for r in range(2, 1_000_001))
        files = [
            (
                f"<worksheet {ns}><sheetData>{first}{empty}</sheetData></worksheet>",
                "more than 1000 empty rows",
            ),
            (
                f'<worksheet {ns}><dimension ref="A1:XFD1048576"/><sheetData>{first}</sheetData></worksheet>',
                "16384 columns; at most 256",
            ),
        ]
        for sheet_xml, message in files:
            wizard = self.env["crm.lead.import.wizard"].create(
                {"file": base64.b64encode(with_sheet(sheet_xml)), "filename": "big.xlsx"}
            )
            start = time.monotonic()
            with self.assertRaisesRegex(UserError, message):
                wizard.action_load()
            self.assertLess(time.monotonic() - start, 2)

    def test_bad_values_reject_their_row_only(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_leads.import_background_threshold", 100)
        rows = [
            ["ok", "ok@example.com", "120", ""],
            ["inf", "v1@example.com", "inf", ""],
            ["huge", "v2@example.com", "1e400", ""],
            ["int4", "v3@example.com", "99999999999", ""],
            ["nan", "v4@example.com", "nan", ""],
            ["ctrl", "v5@example.com", "1", "\x07"],
        ]
        wizard = self._wizard(rows, header=["Name", "Email", "Employees", "Notes"], csv=True)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.rejected_count), (1, 5))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file)))
        reasons = {r[0]: (r[-2], r[-1]) for r in list(book.active.iter_rows(values_only=True))[1:]}
        self.assertEqual(reasons["inf"], ("3", "Employees is not a finite number: inf."))
        self.assertIn("not a finite number", reasons["huge"][1])
        self.assertIn("out of range (0 to 2147483647): 99999999999", reasons["int4"][1])
        self.assertIn("not a finite number: nan", reasons["nan"][1])
        self.assertEqual(reasons["ctrl"][1], "Control characters in column 4.")

    def test_owner_column_and_owner(self):
        rows = [
            ["by login", "own1@example.com", "", self.user2.login],
            ["by name", "own2@example.com", "", self.user2.name.upper()],
            ["default", "own3@example.com", "", ""],
            ["nobody", "own4@example.com", "", "no such user"],
        ]
        wizard = self._wizard(rows, user=self.manager, user_id=self.user.id)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.rejected_count), (3, 1))
        owners = {lead.name: lead.user_id for lead in self._leads("own")}
        self.assertEqual(owners, {"by login": self.user2, "by name": self.user2, "default": self.user})
        # a salesperson may not create leads for another one (Odoo's record rules): those rows are rejected
        rows = [["mine", "sale1@example.com", "", ""], ["theirs", "sale2@example.com", "", self.user2.login]]
        wizard = self._wizard(rows)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.rejected_count), (1, 1))
        self.assertEqual(self._leads("sale").name, "mine")

    def test_owner_into_a_pool_goes_through_the_pool(self):
        pool = self._create_pool(max_held=1)
        rows = [["p1", "pool1@example.com", "", self.user2.login], ["p2", "pool2@example.com", "", ""]]
        # a pool manager assigns: logged as an assignment
        wizard = self._wizard(rows, user=self.manager, pool_id=pool.id)
        wizard.action_import()
        self.assertEqual(wizard.created_count, 2)
        leads = {lead.name: lead for lead in self._leads("pool")}
        self.assertEqual((leads["p1"].user_id, leads["p1"].pool_id), (self.user2, pool))
        self.assertFalse(leads["p2"].user_id, "without owner the lead waits in the pool")
        log = self.env["crm.lead.pool.log"].sudo().search([("res_id", "=", leads["p1"].id)])
        self.assertEqual(log.action, "assign")
        # a salesperson may not give pooled leads to someone else, and claims within the pool's cap
        rows = [
            ["q1", "qq1@example.com", "", self.user2.login],
            ["q2", "qq2@example.com", "", self.user.login],
        ]
        rows.append(["q3", "qq3@example.com", "", self.user.login])
        wizard = self._wizard(rows, pool_id=pool.id)
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.rejected_count), (0, 3))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file)))
        reasons = {r[0]: r[-1] for r in list(book.active.iter_rows(values_only=True))[1:]}
        self.assertIn("Only pool managers can give", reasons["q1"])
        self.assertIn("the limit is 1", reasons["q2"])
        self.assertFalse(self._leads("qq"))

    def test_pool_membership_checked_before_reading_rows(self):
        pool = self._create_pool(member_ids=[self.user2.id])
        wizard = self._wizard(self._rows(2), pool_id=pool.id)
        with self.assertRaisesRegex(UserError, "not a member of the pool"):
            wizard.action_import()
