"""crm_leads/lib/spreadsheet.py: reading .xls/.xlsx/.csv and refusing bad files clearly."""

import io
import time

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


# --- bounded parsing: hostile files are refused while streamed, in well under 2 s ---------------------


def _xlsx_with_sheet_xml(sheet_xml):
    """An .xlsx whose first sheet is ``sheet_xml`` (what a hostile or broken writer may produce)."""
    import zipfile

    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx([["a"]]))) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            dst.writestr(item, data)
    return buf.getvalue()


SHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}<sheetData>{}</sheetData></worksheet>'


def test_xlsx_of_a_million_empty_rows_refused_fast():
    rows = "".join(f'<row r="{r}"/>' for r in range(2, 1_000_001))
    content = _xlsx_with_sheet_xml(
        SHEET.format("", '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>' + rows)
    )
    start = time.monotonic()
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.xlsx", content)
    assert info.value.code == "empty_rows"
    assert time.monotonic() - start < 2


def test_xlsx_declaring_the_whole_grid_refused_fast():
    content = _xlsx_with_sheet_xml(
        SHEET.format(
            '<dimension ref="A1:XFD1048576"/>',
            '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>',
        )
    )
    start = time.monotonic()
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.xlsx", content)
    assert info.value.code == "too_many_columns"
    assert time.monotonic() - start < 2


def test_xlsx_understating_its_dimension_is_counted_while_read():
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>v</t></is></c></row>' for r in range(1, 30)
    )
    content = _xlsx_with_sheet_xml(SHEET.format('<dimension ref="A1:A2"/>', body))
    with pytest.raises(sheet.SpreadsheetError, match="more than 10 rows"):
        sheet.read_rows("x.xlsx", content, max_rows=10)
    header, rows = sheet.read_rows("x.xlsx", content, max_rows=100)
    assert len(rows) == 28, "the declared A1:A2 does not hide the other rows"


def test_a_cell_far_to_the_right_is_refused():
    cells = '<c r="A1" t="inlineStr"><is><t>h</t></is></c><c r="XFD1" t="inlineStr"><is><t>x</t></is></c>'
    body = f'<row r="1">{cells}</row>'
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.xlsx", _xlsx_with_sheet_xml(SHEET.format("", body)))
    assert info.value.code == "too_many_columns"


def test_trailing_empty_rows_within_the_bound_are_ignored():
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
    body += '<row r="2"><c r="A2" t="inlineStr"><is><t>v</t></is></c></row>'
    body += "".join(f'<row r="{r}"/>' for r in range(3, 500))
    assert sheet.read_rows("x.xlsx", _xlsx_with_sheet_xml(SHEET.format("", body))) == (["h"], [["v"]])


def test_csv_rows_counted_while_read_and_file_size_bounded(monkeypatch):
    content = ("a\n" + "x\n" * 200_000).encode()
    start = time.monotonic()
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.csv", content, max_rows=100)
    assert info.value.code == "too_many_rows"
    assert time.monotonic() - start < 2
    monkeypatch.setattr(sheet, "MAX_FILE_BYTES", 1000)
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.csv", content)
    assert info.value.code == "too_large"


def test_csv_too_many_columns():
    content = ("a\n" + ",".join(["x"] * 300) + "\n").encode()
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.csv", content)
    assert info.value.code == "too_many_columns"


def test_xls_rows_bounded():
    with pytest.raises(sheet.SpreadsheetError) as info:
        sheet.read_rows("x.xls", _xls([["h"]] + [["v"]] * 30), max_rows=10)
    assert info.value.code == "too_many_rows"


def test_read_header_reads_no_further():
    content = ("\n\nname,email\n" + "x,y\n" * 10 + ",".join(["z"] * 300)).encode()
    assert sheet.read_header("x.csv", content) == ["name", "email"]
    assert sheet.read_header("x.xlsx", _xlsx([[None], ["h1", "h2"], ["v", "w"]])) == ["h1", "h2"]


def test_estimate_rows():
    assert sheet.estimate_rows("x.csv", b"h\n1\n2\n3\n") == 3
    assert sheet.estimate_rows("x.xlsx", _xlsx([["h"]] + [["v"]] * 7)) == 7
    assert sheet.estimate_rows("x.xls", _xls([["h"]] + [["v"]] * 4)) == 4
    body = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>v</t></is></c></row>' for r in range(1, 6))
    assert sheet.estimate_rows("x.xlsx", _xlsx_with_sheet_xml(SHEET.format("", body))) == 4
