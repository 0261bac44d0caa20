"""crm_leads/lib/spreadsheet.py: reading .xls/.xlsx/.csv and refusing bad files clearly."""

import io

import openpyxl
import pytest
import xlwt
from conftest import load_lib

sheet = load_lib("crm_leads", "spreadsheet")


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xls(rows):
    book = xlwt.Workbook()
    ws = book.add_sheet("S")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


ROWS = [["Name", "Email", "Qty"], ["张三", "a@x.cn", 3], ["", "", ""], ["Li", "b@y.com", 2.5]]


@pytest.mark.parametrize("maker,name", [(_xlsx, "leads.xlsx"), (_xls, "leads.xls")])
def test_workbooks(maker, name):
    header, rows = sheet.read_rows(name, maker(ROWS))
    assert header == ["Name", "Email", "Qty"]
    assert rows == [["张三", "a@x.cn", "3"], ["Li", "b@y.com", "2.5"]]


def test_csv_utf8_and_gbk():
    text = "名称;邮箱\n张三;a@x.cn\n"
    for enc in ("utf-8", "gbk"):
        header, rows = sheet.read_rows("l.csv", text.encode(enc))
        assert header == ["名称", "邮箱"] and rows == [["张三", "a@x.cn"]]


@pytest.mark.parametrize(
    "name,content,msg",
    [
        ("x.xlsx", b"", "empty"),
        ("x.xlsx", b"PK\x03\x04garbage", "not a readable .xlsx"),
        ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage", "not a readable .xls"),
        ("x.xls", _xlsx(ROWS), "named .xls"),
        ("x.pdf", b"%PDF-1.4", "Unsupported file type"),
        ("x.csv", b"\n\n", "no rows"),
    ],
)
def test_bad_files(name, content, msg):
    with pytest.raises(sheet.SpreadsheetError, match=msg):
        sheet.read_rows(name, content)


def test_too_many_rows():
    content = ("a\n" + "x\n" * 11).encode()
    with pytest.raises(sheet.SpreadsheetError, match="at most 10"):
        sheet.read_rows("x.csv", content, max_rows=10)


def test_map_columns_and_error_file():
    mapping = sheet.map_columns(
        ["E-mail ", "公司名称", "junk"], {"email": ["e-mail", "邮箱"], "partner_name": ["公司名称"]}
    )
    assert mapping == {"email": 0, "partner_name": 1}
    data = sheet.write_xlsx(["Row", "Reason"], [[2, "bad email"]])
    header, rows = sheet.read_rows("errors.xlsx", data)
    assert header == ["Row", "Reason"] and rows == [["2", "bad email"]]
