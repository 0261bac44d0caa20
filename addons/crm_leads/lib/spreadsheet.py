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
MAX_COLUMNS = 256  # the .xls limit; no import of the suite has more than ~20 columns
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024  # an .xlsx is a zip: its parts are bounded once unpacked too
MAX_EMPTY_RUN = 1_000  # consecutive empty rows of a sheet before it is judged padded and refused


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


def _too_many_rows(rows, max_rows):
    return SpreadsheetError(
        "too_many_rows",
        f"The file has more than {max_rows} rows; at most {max_rows} can be imported at once.",
        rows=rows,
        max_rows=max_rows,
    )


def _too_many_columns(columns):
    return SpreadsheetError(
        "too_many_columns",
        f"The sheet has {columns} columns; at most {MAX_COLUMNS} can be imported.",
        columns=columns,
        max_columns=MAX_COLUMNS,
    )


def bounded_rows(rows, max_rows=MAX_ROWS, max_empty_run=None):
    """Yield the non-empty rows of ``rows`` (iterables of cell texts, trailing empty cells dropped) while
    counting them: more than ``max_rows`` data rows (plus the header), more than :data:`MAX_COLUMNS` used
    columns or, if given, more than ``max_empty_run`` consecutive empty rows raise :class:`SpreadsheetError`
    as soon as they are seen, without reading the rest of the file."""
    count = empty_run = 0
    for row in rows:
        row = list(row)
        while row and not row[-1]:
            row.pop()
        if not row:
            empty_run += 1
            if max_empty_run is not None and empty_run > max_empty_run:
                raise SpreadsheetError(
                    "empty_rows",
                    f"The sheet has more than {max_empty_run} empty rows in a row after line {count}: "
                    "delete the empty rows and save the file again.",
                    max_empty_run=max_empty_run,
                    line=count,
                )
            continue
        empty_run = 0
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns(len(row))
        count += 1
        if count - 1 > max_rows:
            raise _too_many_rows(count - 1, max_rows)
        yield row


def _read_xls(content, max_rows):
    try:
        import xlrd  # optional dependency, checked by the manifest
    except ImportError as exc:  # pragma: no cover
        raise SpreadsheetError("missing_xlrd", "Reading .xls files needs the Python package xlrd.") from exc
    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True, ragged_rows=True)
        if not book.nsheets:
            raise SpreadsheetError("no_sheet", "The workbook has no sheet.")
        sheet = book.sheet_by_index(0)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            "bad_xls", f"The file is not a readable .xls workbook ({exc}).", detail=str(exc)
        ) from exc
    if sheet.ncols > MAX_COLUMNS:
        raise _too_many_columns(sheet.ncols)

    def cells(r):
        for cell in sheet.row(r):
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            yield _cell_text(value)

    try:
        yield from bounded_rows((cells(r) for r in range(sheet.nrows)), max_rows)
    finally:
        book.release_resources()


def _check_zip(content):
    """Refuse an .xlsx whose parts unpack to more than :data:`MAX_UNZIPPED_BYTES` (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(
            "bad_xlsx", f"The file is not a readable .xlsx workbook ({exc}).", detail=str(exc)
        ) from exc
    if size > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError(
            "too_large",
            f"The file is too large ({size // 1048576} MB unpacked); at most "
            f"{MAX_UNZIPPED_BYTES // 1048576} MB can be imported.",
            size=size // 1048576,
            max_size=MAX_UNZIPPED_BYTES // 1048576,
        )


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _scan_sheet_without_dimension(stream, max_rows):
    """Count the rows of a sheet part that declares no dimension (openpyxl would read all of it just to
    look for one) and refuse it early when it is padded or too long; returns whether it has a dimension."""
    from xml.etree.ElementTree import iterparse

    count = empty_run = last = 0
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "dimension":
                return True
            continue
        if tag != "row":
            continue
        number = int(element.get("r") or last + 1)
        filled = any(_local(child.tag) in ("v", "is", "f") for cell in element for child in cell)
        run = empty_run + number - last - (1 if filled else 0)  # absent rows count as empty ones
        empty_run = 0 if filled else run
        if run > MAX_EMPTY_RUN:
            raise SpreadsheetError(
                "empty_rows",
                f"The sheet has more than {MAX_EMPTY_RUN} empty rows in a row after line {count}: "
                "delete the empty rows and save the file again.",
                max_empty_run=MAX_EMPTY_RUN,
                line=count,
            )
        count += bool(filled)
        if count - 1 > max_rows:
            raise _too_many_rows(count - 1, max_rows)
        last = number
        element.clear()
    return False


def _scan_sheets(content, max_rows):
    """Before openpyxl opens the workbook: every sheet part without a declared dimension is counted."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as stream:
                    _scan_sheet_without_dimension(stream, max_rows)


def _check_dimension(sheet, max_rows):
    """The sheet's declared range (A1:XFD1048576): refused before reading a cell when it is far beyond
    the limits. It may also understate the content: the rows are counted while read anyway."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if columns > MAX_COLUMNS:
        raise _too_many_columns(columns)
    if rows > max_rows + 1 + MAX_EMPTY_RUN:
        raise _too_many_rows(rows - 1, max_rows)
    sheet.reset_dimensions()  # iterate over the rows really present, not a padded declared range


def _read_xlsx(content, max_rows):
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover
        raise SpreadsheetError(
            "missing_openpyxl", "Reading .xlsx files needs the Python package openpyxl."
        ) from exc
    _check_zip(content)
    try:
        _scan_sheets(content, max_rows)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        raise SpreadsheetError(
            "bad_xlsx", f"The file is not a readable .xlsx workbook ({exc}).", detail=str(exc)
        ) from exc
    try:
        sheet = book.worksheets[0]
        _check_dimension(sheet, max_rows)
        rows = (map(_cell_text, row) for row in sheet.iter_rows(values_only=True))
        yield from bounded_rows(rows, max_rows, MAX_EMPTY_RUN)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            "bad_xlsx", f"The .xlsx workbook could not be read ({exc}).", detail=str(exc)
        ) from exc
    finally:
        book.close()


def _read_csv(content, max_rows):
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
        reader = csv.reader(io.StringIO(text), dialect)
        yield from bounded_rows(([c.strip() for c in row] for row in reader), max_rows)
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


def _check_file(filename, content):
    """The kind of a file (xls, xlsx, csv) after the checks that need no parsing: size, type, name."""
    if not content:
        raise SpreadsheetError("empty", "The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            "too_large",
            f"The file is too large ({len(content) // 1048576} MB); at most "
            f"{MAX_FILE_BYTES // 1048576} MB can be imported.",
            size=len(content) // 1048576,
            max_size=MAX_FILE_BYTES // 1048576,
        )
    kind = file_kind(filename, content)
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext in READERS and ext != kind:
        raise SpreadsheetError(
            "kind_mismatch",
            f"The file is named .{ext} but its content is a .{kind} file.",
            ext=ext,
            kind=kind,
        )
    return kind


def read_rows(filename, content, max_rows=MAX_ROWS):
    """Return ``(header, rows)`` of the first sheet: lists of stripped strings, empty rows dropped.

    Bounded: the file size, the rows and the columns are checked while the file is streamed, so that an
    oversized or padded file is refused at once. Raises :class:`SpreadsheetError` on an empty, corrupt,
    unsupported or oversized file.
    """
    kind = _check_file(filename, content)
    rows = list(READERS[kind](content, max_rows))
    if not rows:
        raise SpreadsheetError("no_rows", "The file has no rows.")
    header = rows[0]
    width = len(header)
    body = [(row + [""] * width)[: max(width, len(row))] for row in rows[1:]]
    return header, body


def read_header(filename, content):
    """The first non-empty row of the file, without reading the rest (the column mapping step)."""
    rows = READERS[_check_file(filename, content)](content, MAX_ROWS)
    try:
        return next(rows)
    except StopIteration:
        raise SpreadsheetError("no_rows", "The file has no rows.")
    finally:
        rows.close()


def estimate_rows(filename, content):
    """About how many data rows the file has, cheaply: the lines of a CSV, the declared range of an .xlsx
    sheet (counted when it declares none), the rows of an .xls sheet. To choose between an import now
    and one in the background; the rows are counted exactly when read."""
    kind = _check_file(filename, content)
    if kind == "csv":
        return max(content.count(b"\n") - 1, 0)
    if kind == "xls":
        return sum(1 for _row in READERS["xls"](content, MAX_ROWS)) - 1
    _check_zip(content)
    _scan_sheets(content, MAX_ROWS)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        name = next((n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")), None)
        if not name:
            return 0
        with archive.open(name) as stream:
            return _declared_rows(stream)


def _declared_rows(stream):
    from xml.etree.ElementTree import iterparse

    rows = 0
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start" and tag == "dimension":
            ref = element.get("ref") or ""
            last = ref.rsplit(":", 1)[-1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$")
            return max(int(last or 1) - 1, 0)
        if event == "end" and tag == "row":
            rows += 1
            element.clear()
    return max(rows - 1, 0)


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
