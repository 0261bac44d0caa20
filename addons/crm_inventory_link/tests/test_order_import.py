import base64
import io

import openpyxl
import xlwt

from odoo.addons.crm_leads.lib.spreadsheet import read_rows
from odoo.tests import tagged

from .common import CrmInventoryLinkCommon

HEADER = ["Order", "Customer", "Product", "Qty", "Price"]


def make_xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def make_xls(rows):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Orders")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@tagged("post_install", "-at_install")
class TestOrderImport(CrmInventoryLinkCommon):
    def _import(self, content, filename):
        wizard = (
            self.env["crm.order.import"]
            .with_user(self.user)
            .create({"file": base64.b64encode(content), "filename": filename})
        )
        wizard.action_import()
        return wizard

    def _orders(self):
        return self.env["sale.order"].search([("partner_id", "in", (self.customer | self.other).ids)])

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create({"name": "客户乙", "vat": "BE0477472701"})

    def test_import_xlsx(self):
        rows = [
            HEADER,
            ["PO-1", "CIL-C1", "CIL-B1", 2, 15.5],
            ["PO-1", "CIL-C1", "4006381333931", 3, None],
            ["PO-2", "BE0477472701", "CIL-B3", 1, 9],
        ]
        wizard = self._import(make_xlsx(rows), "orders.xlsx")
        self.assertEqual(wizard.order_count, 2)
        self.assertEqual(wizard.error_count, 0)
        self.assertFalse(wizard.error_file)
        order = wizard.order_ids.filtered(lambda o: o.client_order_ref == "PO-1")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.state, "draft")
        line_b1 = order.order_line.filtered(lambda ln: ln.product_id == self.product_buy)
        self.assertEqual((line_b1.product_uom_qty, line_b1.price_unit), (2.0, 15.5))
        line_b2 = order.order_line.filtered(lambda ln: ln.product_id == self.product_buy2)
        self.assertEqual(line_b2.product_uom_qty, 3.0)
        self.assertEqual(line_b2.price_unit, 100.0, "no price in the file: the pricelist price")
        other_order = wizard.order_ids - order
        self.assertEqual(other_order.partner_id, self.other)
        action = wizard.action_view_orders()
        self.assertEqual(action["domain"], [("id", "in", wizard.order_ids.ids)])

    def test_import_xls_chinese_headers_with_errors(self):
        rows = [
            ["客户订单号", "客户", "产品编码", "数量", "单价"],
            ["A", "客户乙", "CIL-B1", 5, 10],
            ["B", "CIL-C1", "CIL-B1", 1, 10],
            ["B", "CIL-C1", "UNKNOWN", 1, 10],
            ["C", "Nobody", "CIL-B2", 1, 10],
            ["D", "CIL-C1", "CIL-B2", "many", 10],
        ]
        wizard = self._import(make_xls(rows), "orders.xls")
        self.assertEqual(wizard.order_count, 1)
        self.assertEqual(wizard.order_ids.partner_id, self.other)
        self.assertEqual(wizard.error_count, 4)
        header, errors = read_rows(wizard.error_filename, base64.b64decode(wizard.error_file))
        self.assertEqual(header[-1], "Error")
        self.assertEqual([row[0] for row in errors], ["B", "B", "C", "D"])
        messages = [row[-1] for row in errors]
        self.assertIn("another row", messages[0])
        self.assertIn("unknown product UNKNOWN", messages[1])
        self.assertIn("unknown customer Nobody", messages[2])
        self.assertIn("invalid quantity", messages[3])
        self.assertEqual(len(self._orders()), 1, "an order with a bad row is not created")

    def test_corrupt_file_creates_nothing(self):
        count = self.env["sale.order"].search_count([])
        for content, filename in (
            (b"PK\x03\x04 this is not a workbook", "orders.xlsx"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage", "orders.xls"),
            (make_xlsx([HEADER, ["PO-1", "CIL-C1", "CIL-B1", 2, 1]]), "orders.xls"),
            (b"", "orders.xlsx"),
        ):
            with self.assertRaisesRegex(Exception, "cannot be imported"):
                self._import(content, filename)
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_missing_columns(self):
        with self.assertRaisesRegex(Exception, "no column for: product, quantity"):
            self._import(make_xlsx([["Customer", "Price"], ["CIL-C1", 1]]), "orders.xlsx")
        self.assertFalse(self._orders())
