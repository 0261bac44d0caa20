"""Read and write the spreadsheets the suite imports (.xls with xlrd, .xlsx with openpyxl, .csv).

Plain Python, no ORM: the import wizards of crm_leads and crm_inventory_link call these.
Every failure to read a file raises :class:`SpreadsheetError` with a message fit for the user,
before anything is created.
"""

import csv
import datetime
import io
import zipfile

MAX_ROWS = 100_000


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet (corrupt, wrong type, empty, too large).

    ``code`` and ``params`` name the problem, so that the caller can say it in the user's language; the
    message is the English text."""

    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.time() else value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _read_xls(content):
    try:
        import xlrd  # optional dependency, checked by the manifest
    except ImportError as exc:  # pragma: no cover
        raise SpreadsheetError("missing_xlrd", "Reading .xls files needs the Python package xlrd.") from exc
    try:
        book = xlrd.open_workbook(file_contents=content)
    except Exception as exc:
        raise SpreadsheetError(
            "bad_xls", f"The file is not a readable .xls workbook ({exc}).", detail=str(exc)
        ) from exc
    if not book.nsheets:
        raise SpreadsheetError("no_sheet", "The workbook has no sheet.")
    sheet = book.sheet_by_index(0)
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            row.append(_cell_text(value))
        rows.append(row)
    return rows


def _read_xlsx(content):
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover
        raise SpreadsheetError(
            "missing_openpyxl", "Reading .xlsx files needs the Python package openpyxl."
        ) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(
            "bad_xlsx", f"The file is not a readable .xlsx workbook ({exc}).", detail=str(exc)
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        raise SpreadsheetError(
            "bad_xlsx", f"The .xlsx workbook could not be read ({exc}).", detail=str(exc)
        ) from exc
    finally:
        book.close()
    return rows


def _read_csv(content):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SpreadsheetError("bad_encoding", "The CSV file is neither UTF-8 nor GB18030 text.")
    if "\x00" in text:
        raise SpreadsheetError("binary_csv", "The CSV file contains binary data.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise SpreadsheetError("bad_csv", f"The CSV file is malformed ({exc}).", detail=str(exc)) from exc


READERS = {"xls": _read_xls, "xlsx": _read_xlsx, "csv": _read_csv}


def file_kind(filename, content):
    """Tell the kind of a file by its signature, falling back to its extension."""
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext in READERS:
        return ext
    raise SpreadsheetError(
        "unsupported_type",
        f"Unsupported file type {ext or '(none)'}: use .xls, .xlsx or .csv.",
        ext=ext or "-",
    )


def read_rows(filename, content, max_rows=MAX_ROWS):
    """Return ``(header, rows)`` of the first sheet: lists of stripped strings, empty rows dropped.

    Raises :class:`SpreadsheetError` on an empty, corrupt, unsupported or oversized file.
    """
    if not content:
        raise SpreadsheetError("empty", "The file is empty.")
    kind = file_kind(filename, content)
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext in READERS and ext != kind:
        raise SpreadsheetError(
            "kind_mismatch",
            f"The file is named .{ext} but its content is a .{kind} file.",
            ext=ext,
            kind=kind,
        )
    rows = [row for row in READERS[kind](content) if any(cell for cell in row)]
    if not rows:
        raise SpreadsheetError("no_rows", "The file has no rows.")
    if len(rows) - 1 > max_rows:
        raise SpreadsheetError(
            "too_many_rows",
            f"The file has {len(rows) - 1} rows; at most {max_rows} can be imported at once.",
            rows=len(rows) - 1,
            max_rows=max_rows,
        )
    header = rows[0]
    width = len(header)
    body = [(row + [""] * width)[: max(width, len(row))] for row in rows[1:]]
    return header, body


def normalize_header(text):
    """Header cell to a comparable key: lower case, no spaces, underscores or surrounding punctuation."""
    return "".join(ch for ch in (text or "").strip().lower() if ch not in " _-*:：").strip()


def map_columns(header, aliases):
    """Map the file's header to field names.

    ``aliases`` is ``{field: [accepted header texts, e.g. "email", "邮箱"]}``. Returns
    ``{field: column index}`` for every field found; unknown columns are ignored.
    """
    keys = {normalize_header(h): i for i, h in enumerate(header)}
    mapping = {}
    for field, names in aliases.items():
        for name in [field, *names]:
            idx = keys.get(normalize_header(name))
            if idx is not None:
                mapping[field] = idx
                break
    return mapping


def write_xlsx(header, rows):
    """Build an .xlsx file (bytes) from a header and rows, e.g. the rejected rows with their reason."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    for c, text in enumerate(header):
        sheet.write_string(0, c, str(text), bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, "" if value is None else str(value))
    book.close()
    return buf.getvalue()
