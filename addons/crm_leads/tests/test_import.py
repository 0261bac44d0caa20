import base64
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..lib.spreadsheet import write_xlsx
from .common import CrmLeadsCommon

HEADER = ["线索名称", "公司", "邮箱", "电话", "国家", "员工数", "Unused"]
ROWS = [
    ["Lead A", "ACME", "a@acme.com", "", "BE", "120", "x"],
    ["Lead B", "Beta", "", "+32 2 555 12 34", "", "", ""],
    ["Lead C", "Gamma", "not-an-email", "", "", "", ""],
    ["Lead A again", "ACME", "A@acme.com", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["Lead D", "Delta", "d@delta.com", "", "Atlantis", "", ""],
]


@tagged("post_install", "-at_install")
class TestImport(CrmLeadsCommon):
    def _csv(self, header, rows):
        lines = [",".join(header)] + [",".join(r) for r in rows]
        return "\n".join(lines).encode("utf-8")

    def _wizard(self, content, filename, user=None):
        env = self.env(user=user or self.user)
        wizard = env["crm.lead.import.wizard"].create(
            {"file": base64.b64encode(content), "filename": filename}
        )
        wizard.action_load()
        return wizard

    def _leads(self):
        return self.Lead.search([("email_from", "ilike", "acme.com")]) | self.Lead.search(
            [("name", "in", ["Lead B", "Lead C", "Lead D"])]
        )

    def test_import_csv_with_rejects_and_reimport(self):
        wizard = self._wizard(self._csv(HEADER, ROWS), "leads.csv")
        mapping = {line.column_name: line.field_name for line in wizard.mapping_ids}
        self.assertEqual(mapping["线索名称"], "name")
        self.assertEqual(mapping["邮箱"], "email_from")
        self.assertFalse(mapping["Unused"])
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.updated_count, wizard.rejected_count), (2, 0, 3))
        lead_a = self.Lead.search([("email_from", "=", "a@acme.com")])
        self.assertEqual(lead_a.country_id, self.belgium)
        self.assertEqual(lead_a.employee_count, 120)
        self.assertEqual(lead_a.lead_score, 50, "imported leads are scored")
        # the rejected rows come back with their reason
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file)))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][-2:], ("Line", "Reason"))
        reasons = {r[0]: r[-1] for r in rows[1:]}
        self.assertIn("Invalid email", reasons["Lead C"])
        self.assertIn("Duplicate of line 2", reasons["Lead A again"])
        self.assertIn("Unknown country", reasons["Lead D"])
        # importing the same file again creates nothing new
        before = self.Lead.search_count([])
        again = self._wizard(self._csv(HEADER, ROWS), "leads.csv")
        again.action_import()
        self.assertEqual((again.created_count, again.updated_count), (0, 2))
        self.assertEqual(self.Lead.search_count([]), before)

    def test_import_xlsx_into_pool(self):
        pool = self._create_pool()
        content = write_xlsx(
            ["Name", "Email", "Tags"], [["X1", "x1@example.com", ""], ["X2", "x2@example.com", "nope"]]
        )
        wizard = self._wizard(content, "leads.xlsx")
        wizard.pool_id = pool
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.rejected_count), (1, 1))
        lead = self.Lead.search([("email_from", "=", "x1@example.com")])
        self.assertEqual(lead.pool_id, pool)
        self.assertFalse(lead.user_id)

    def test_import_xls(self):
        try:
            import xlwt
        except ImportError:
            self.skipTest("xlwt is needed to build an .xls file")
        book = xlwt.Workbook()
        sheet = book.add_sheet("Leads")
        for r, row in enumerate([["Name", "Phone"], ["Xls lead", "+32 2 555 00 11"]]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        buf = io.BytesIO()
        book.save(buf)
        wizard = self._wizard(buf.getvalue(), "leads.xls")
        wizard.action_import()
        self.assertEqual(wizard.created_count, 1)
        self.assertTrue(self.Lead.search([("name", "=", "Xls lead")]))

    def test_corrupt_or_wrong_file_creates_nothing(self):
        before = self.Lead.search_count([])
        for content, name, message in [
            (b"PK\x03\x04garbage", "leads.xlsx", "not a readable .xlsx"),
            (b"%PDF-1.4 ...", "leads.pdf", "Unsupported file type"),
            (b"\x00\x01\x02", "leads.csv", "binary data"),
        ]:
            wizard = self.env["crm.lead.import.wizard"].create(
                {"file": base64.b64encode(content) or False, "filename": name}
            )
            with self.assertRaisesRegex(UserError, message):
                wizard.action_load()
        self.assertEqual(self.Lead.search_count([]), before)

    def test_mapping_needs_contact_column(self):
        wizard = self._wizard(self._csv(["Name", "City"], [["N", "Gent"]]), "x.csv")
        with self.assertRaisesRegex(UserError, "email or the phone"):
            wizard.action_import()
        with Form(wizard) as form, form.mapping_ids.edit(1) as line:
            line.field_name = "name"
        with self.assertRaisesRegex(UserError, "Two columns"):
            wizard.action_import()

    def test_file_errors_in_the_users_language(self):
        """The spreadsheet library speaks English; the user reads the whole message in his language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_leads"], ["zh_CN"], overwrite=True)
        wizard = (
            self.env["crm.lead.import.wizard"]
            .with_context(lang="zh_CN")
            .create({"file": base64.b64encode(b"name\nx\x00y"), "filename": "leads.csv"})
        )
        with self.assertRaises(UserError) as caught:
            wizard._read_file()
        self.assertIn("CSV 文件包含二进制数据。", str(caught.exception))
        self.assertNotIn("binary", str(caught.exception))
