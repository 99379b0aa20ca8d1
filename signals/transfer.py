"""Import and export of signals as CSV or Excel, with Dutch column names.

The import is all-or-nothing: every row is checked with the same form (and so the same
anonymisation guard) as a signal entered in the browser; if any row is wrong, nothing is
saved and every problem is reported with its line number. Messages never repeat the content
of a cell, so personal data in a file does not end up on the screen or in a log: each names
its line, its column and the reason (a refused choice says it is no choice, never what it
was), and a message that would hold a cell's text is replaced by one that does not.

Every cell reaches the guard as the text it shows, numbers included: a spreadsheet makes
612345678 of a mobile number and keeps the leading zero only in its number format. The
columns whose form field is free text are scanned by the form (and may take the proposed
redaction); every other column (a number, a date, a choice, names of aspects) is scanned here,
and a cell in it that holds personal data refuses its row: a placeholder is no number.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from xml.etree import ElementTree

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_variables

from .bodies import CLASSIFICATION_KEY, BodyKind
from .forms import CLASSIFICATION_FIELD, DETAILS_PREFIX, SignalForm
from .guard import scan_fields
from .models import Aspect, OrganisationUnit, OversightBody, Signal

MAX_ROWS = 1000
LIST_SEPARATOR = ";"

# Bounds of an Excel file, checked before openpyxl reads it (an .xlsx file is a zip of XML parts,
# and a small upload can unpack to gigabytes). They follow from the import's own caps: at most
# MAX_ROWS lines, and as much text as the upload limit of a CSV file (SignalImportForm.MAX_BYTES).
MAX_COLUMNS = 32  # the widest export has 19 columns (a test keeps it so), the template 13
MAX_PARTS = 200  # a workbook has about 10 parts, and 2 or 3 more per sheet
MAX_PART_BYTES = 16 * 1024 * 1024  # 8 times the text of the upload limit, in XML
MAX_TOTAL_BYTES = 2 * MAX_PART_BYTES
MAX_RATIO = 100  # XML of a spreadsheet packs 5 to 30 times; a zip bomb a thousand times
RATIO_FROM_BYTES = 1024 * 1024  # small parts may pack as tightly as they like
MAX_TEXT_CHARACTERS = 2 * 1024 * 1024  # == SignalImportForm.MAX_BYTES: what a CSV file may hold
# Every cell of the lines is an element or three (c, v; si, t), the rest of a workbook a few
# thousand elements.
MAX_XML_ELEMENTS = (MAX_ROWS + 2) * MAX_COLUMNS * 4 + 50_000


@dataclass(frozen=True)
class Column:
    name: str  # the Dutch column name in the file
    field: str  # the field of SignalForm
    help: str  # what goes in it (in Dutch: the template is a Dutch document)
    required: bool = False


BASE_COLUMNS = (
    Column("titel", "title", "Korte titel van het signaal, zonder persoonsgegevens.", True),
    Column(
        "omschrijving",
        "description",
        "Wat zag uw orgaan? Beschrijf het patroon, nooit een persoon.",
        True,
    ),
    Column("periode_van", "period_start", "Begin van de waargenomen periode: dd-mm-jjjj.", True),
    Column("periode_tot", "period_end", "Einde van de waargenomen periode: dd-mm-jjjj.", True),
    Column("aantal_zaken", "case_count", "Aantal onderliggende zaken (een geheel getal)."),
    Column("impact", "impact", "laag, midden of hoog (leeg: midden)."),
    Column("positief", "is_positive", "ja als het een goed voorbeeld is, anders nee of leeg."),
    Column("invalshoeken", "aspects", "Namen van de invalshoeken, gescheiden door ;."),
    Column(
        "organisatieonderdelen",
        "organisation_units",
        "Namen van de organisatieonderdelen, gescheiden door ;.",
    ),
    Column("bron", "source_reference", "Bronverwijzing zonder persoonsgegevens."),
    Column("indeling", CLASSIFICATION_FIELD, "Indeling volgens de eigen toetsingskaders."),
)
# Columns the export adds; the import ignores them, so an export can be imported again.
EXPORT_ONLY = ("id", "orgaan", "status", "versie", "aangemaakt", "bijgewerkt")
YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
NO = {"nee", "n", "no", "false", "onwaar", "0", ""}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def columns_for(kind: BodyKind) -> list[Column]:
    columns = list(BASE_COLUMNS)
    if kind.taxonomy:
        codes = ", ".join(category.code for category in kind.taxonomy)
        columns[-1] = Column(
            "indeling", CLASSIFICATION_FIELD, f"Codes, gescheiden door ;. Mogelijk: {codes}."
        )
    for name, form_field in kind.details_fields().items():
        choices = [code for code, _label in getattr(form_field, "choices", []) if code]
        help_text = f"Mogelijk: {', '.join(choices)}." if choices else str(form_field.label)
        columns.append(Column(name, DETAILS_PREFIX + name, help_text))
    return columns


# --- Reading files ------------------------------------------------------------------------------
class FileProblem(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowProblem:
    line: int
    message: str


@dataclass
class ImportCheck:
    rows: list[dict] = field(default_factory=list)  # service keyword arguments, per row
    problems: list[RowProblem] = field(default_factory=list)
    redacted_rows: list[int] = field(default_factory=list)  # lines whose text was redacted

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


@sensitive_variables()
def _read_csv(content: bytes) -> Iterator[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise FileProblem(_("The file is not a text file in UTF-8 or Windows encoding."))
    if "\x00" in text:
        raise FileProblem(_("The file is not a CSV file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        # A dialect of our own: csv.excel itself must stay as it is for the whole process.
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        dialect = type("FallbackDialect", (csv.excel,), {"delimiter": delimiter})

    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise FileProblem(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None


@sensitive_variables()
def _read_xlsx(content: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    unreadable = _("The Excel file cannot be read. Is it an .xlsx file?")
    far_right = _inspect_xlsx(content)  # before openpyxl parses a byte of it
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged file fails in many ways (zip, XML, zlib, openpyxl itself)
        raise FileProblem(unreadable) from None
    try:
        sheet = workbook.worksheets[0]
        # A value beyond the widest import: said, not silently left out. (openpyxl keeps the
        # part of each sheet in _worksheet_path; every part was inspected above.)
        if far := far_right.get(getattr(sheet, "_worksheet_path", None)):
            line, column = far
            raise FileProblem(
                _(
                    "Line %(line)s has a value in column %(column)s; an import uses at most "
                    "%(max)s columns."
                )
                % {"line": line, "column": column, "max": MAX_COLUMNS}
            )
        # Read it whole before the first row is checked: a file damaged halfway fails here,
        # with the same message, and never halfway through an import.
        # (never more than the limit allows, so a small file that unpacks huge stays small;
        # max_col: a sheet's own claim of its size, up to column XFD, is not believed)
        sheet_rows = sheet.iter_rows(max_col=MAX_COLUMNS)
        rows = [[_shown(cell) for cell in row] for row in islice(sheet_rows, MAX_ROWS + 2)]
    except FileProblem:
        raise
    except Exception:
        raise FileProblem(unreadable) from None
    finally:
        workbook.close()
    yield from enumerate(rows, start=1)


# The elements whose text is a cell's content: shared and inline strings (t), values (v) and
# formulas (f).
CELL_TEXT = {"t", "v", "f"}
UTF_16 = (b"\xff\xfe", b"\xfe\xff")  # its byte order marks


@sensitive_variables()
def _inspect_xlsx(content: bytes) -> dict[str, tuple[int, int]]:
    """Refuse an Excel file that unpacks (or parses) to more than an import can hold, before
    openpyxl reads it: openpyxl reads the whole table of shared strings, and the size of each
    sheet, before a single row is taken. First the zip's own account of its parts (zipfile
    never unpacks a part beyond the size it states), then every XML part streamed through a
    parser that counts elements and characters and stops at the first bound crossed.

    Returns, per part, the first (line, column) holding a value beyond MAX_COLUMNS.
    """
    unreadable = _("The Excel file cannot be read. Is it an .xlsx file?")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except Exception:
        raise FileProblem(unreadable) from None
    if len(parts) > MAX_PARTS:
        raise FileProblem(
            _(
                "The Excel file consists of %(count)s parts; an Excel file of signals has "
                "at most %(max)s."
            )
            % {"count": len(parts), "max": MAX_PARTS}
        )
    megabytes = MAX_PART_BYTES // (1024 * 1024)
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise FileProblem(
                _(
                    "A part of the Excel file unpacks to more than %(max)s MB; an Excel file of "
                    "signals is never that large."
                )
                % {"max": megabytes}
            )
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise FileProblem(
                _(
                    "A part of the Excel file unpacks to more than %(max)s times its packed "
                    "size, as a zip bomb does; a spreadsheet never packs that tightly."
                )
                % {"max": MAX_RATIO}
            )
    if sum(part.file_size for part in parts) > MAX_TOTAL_BYTES:
        raise FileProblem(
            _(
                "The Excel file unpacks to more than %(max)s MB; an Excel file of signals is "
                "never that large."
            )
            % {"max": MAX_TOTAL_BYTES // (1024 * 1024)}
        )

    budget = {"elements": MAX_XML_ELEMENTS, "characters": MAX_TEXT_CHARACTERS}
    far_right: dict[str, tuple[int, int]] = {}
    try:
        for part in parts:
            with archive.open(part) as stream:
                far = _scan_part(stream, budget)
            if far:
                far_right[part.filename] = far
    except FileProblem:
        raise
    except Exception:  # bad XML, a damaged zip or CRC, an encrypted part
        raise FileProblem(unreadable) from None
    return far_right


def _scan_part(stream, budget: dict[str, int]) -> tuple[int, int] | None:
    """Stream one part through an XML parser within the budget (not XML: left alone). Each
    element is emptied once read; what stays of it is bounded by the budget of elements."""
    chunk = stream.read(64 * 1024)
    # XML starts with "<", after a byte order mark and white space, in UTF-8 or UTF-16.
    start = chunk.lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if not (chunk.startswith(UTF_16) or start.startswith(b"<")):
        return None  # an image, printer settings: openpyxl does not parse it
    parser = ElementTree.XMLPullParser(events=("end",))
    column = 0
    has_value = False  # whether the cell being read holds some text
    far = None
    while chunk:
        parser.feed(chunk)
        for _event, element in parser.read_events():
            budget["elements"] -= 1
            if budget["elements"] < 0:
                raise FileProblem(
                    _(
                        "The Excel file holds more cells and texts than an import of at most "
                        "%(rows)s signals needs. Remove other sheets, or split it into smaller "
                        "files."
                    )
                    % {"rows": MAX_ROWS}
                )
            name = element.tag.rpartition("}")[2]
            if name in CELL_TEXT:
                text = element.text
                if text:
                    budget["characters"] -= len(text)
                    if budget["characters"] < 0:
                        raise FileProblem(
                            _(
                                "The Excel file holds more text than a CSV file of at most 2 MB "
                                "can hold. Split it into smaller files."
                            )
                        )
                    has_value = has_value or not text.isspace()
            elif name == "c":
                column, line = _cell(element.get("r"), column + 1)
                if far is None and has_value and column > MAX_COLUMNS:
                    far = (line, column)
                has_value = False
            elif name == "row":
                column = 0
            element.clear()
        chunk = stream.read(64 * 1024)
    parser.close()
    return far


CELL_REFERENCE = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def _cell(reference: str | None, column: int) -> tuple[int, int]:
    """The column and line of a cell reference such as AB12 (without one: the next column)."""
    match = CELL_REFERENCE.fullmatch(reference or "")
    if not match:
        return column, 0
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - ord("A") + 1
    return index, int(match.group(2))


ZEROS = re.compile(r"0+")


def _shown(cell) -> object:
    """A cell's value, and a whole number as the text it shows when its number format pads it
    with zeros (a mobile number typed as 0612345678 is stored as 612345678, format 0000000000).
    """
    value = getattr(cell, "value", None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    number_format = getattr(cell, "number_format", "") or ""
    if ZEROS.fullmatch(number_format) and float(value).is_integer():
        return str(int(value)).zfill(len(number_format))
    return value


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (line number, {column: value})
    too_long: list[int] = field(default_factory=list)  # lines with more values than columns


@sensitive_variables()
def read_table(name: str, content: bytes) -> Table:
    """The header and the data rows of a file; line 1 is the header."""
    rows = _read_xlsx(content) if name.lower().endswith(".xlsx") else _read_csv(content)
    header: list[str] | None = None
    table = []
    too_long = []
    for number, values in rows:
        if header is None:
            header = [str(value or "").strip().lower() for value in values]
            while header and not header[-1]:
                header.pop()
            if not any(header):
                raise FileProblem(_("The first line must hold the column names."))
            continue
        if all(value in (None, "") or str(value).strip() == "" for value in values):
            continue  # empty lines are skipped
        if any(str(value or "").strip() for value in values[len(header) :]):
            too_long.append(number)
        if len(table) >= MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(max)s signals. Split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        table.append((number, dict(zip(header, values, strict=False))))
    if header is None:
        raise FileProblem(_("The file is empty."))
    return Table(header=header, rows=table, too_long=too_long)


# --- Checking rows ------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_START:
        text = text[1:]  # our own export protects formulas this way
    return text


def _date(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return ""
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _split(value) -> list[str]:
    return [part.strip() for part in _text(value).split(LIST_SEPARATOR) if part.strip()]


class _Lookup:
    """Aspects and organisation units by name (or short name), case-insensitive."""

    def __init__(self):
        self.aspects = {}
        for aspect in Aspect.objects.filter(is_active=True):
            self.aspects[aspect.name.lower()] = aspect.pk
            self.aspects[aspect.slug.lower()] = aspect.pk
        self.units = {}
        for unit in OrganisationUnit.objects.filter(is_active=True).select_related("parent"):
            self.units.setdefault(unit.name.lower(), unit.pk)
            self.units[str(unit).lower()] = unit.pk


@sensitive_variables()
def check_rows(*, body: OversightBody, table: Table, accept_redactions: bool) -> ImportCheck:
    kind = body.kind_spec
    columns = columns_for(kind)
    check = ImportCheck()
    if not table.rows:
        check.problems.append(RowProblem(0, _("The file holds no signals.")))
        return check
    header = set(table.header)
    known = {column.name for column in columns}
    missing = [column.name for column in columns if column.required and column.name not in header]
    unknown = sorted(name for name in header - known - set(EXPORT_ONLY) if name)
    if missing:
        check.problems.append(
            RowProblem(
                1,
                ngettext("Missing column: %(names)s.", "Missing columns: %(names)s.", len(missing))
                % {"names": ", ".join(missing)},
            )
        )
    if unknown:
        check.problems.append(
            RowProblem(
                1,
                ngettext("Unknown column: %(names)s.", "Unknown columns: %(names)s.", len(unknown))
                % {"names": ", ".join(unknown)},
            )
        )
    for line in table.too_long:
        check.problems.append(
            RowProblem(line, _("This line has more values than the first line has columns."))
        )
    if check.problems:
        return check

    lookup = _Lookup()
    labels = {column.field: column.name for column in columns}
    form_fields = SignalForm(body=body).fields
    for line, values in table.rows:
        problems: list[str] = []
        data: dict[str, object] = {}
        cells = [_text(value) for value in values.values()]
        # The columns the form does not scan (a number, a date, a choice): a cell in one that
        # is not simply a valid value of it is scanned here, and one that holds personal data
        # refuses its row (what it holds is said by kind, never repeated).
        refused = scan_fields(
            {
                column.field: _text(values.get(column.name))
                for column in columns
                if not _is_free_text(form_fields.get(column.field))
                and not _is_valid_value(column, values.get(column.name), form_fields, lookup)
            }
        )
        for column in columns:
            if column.field in refused:
                kinds = ", ".join(refused[column.field].types)
                problems.append(
                    _("%(column)s: personal data (%(kinds)s); remove it from the file.")
                    % {"column": column.name, "kinds": kinds}
                )
        for column in columns:
            value = values.get(column.name)
            if column.field in refused:
                data[column.field] = [] if column.field in LIST_FIELDS else ""
            elif column.field in ("period_start", "period_end"):
                parsed = _date(value)
                if parsed is None:
                    problems.append(
                        _("%(column)s: not a date; use dd-mm-jjjj.") % {"column": column.name}
                    )
                data[column.field] = parsed or ""
            elif column.field == "is_positive":
                answer = _text(value).lower()
                if answer not in YES | NO:
                    problems.append(_("%(column)s: use ja or nee.") % {"column": column.name})
                data[column.field] = "on" if answer in YES else ""
            elif column.field in ("aspects", "organisation_units"):
                names = _split(value)
                table_ = lookup.aspects if column.field == "aspects" else lookup.units
                unknown_names = [n for n in names if n.lower() not in table_]
                if unknown_names:
                    problems.append(
                        ngettext(
                            "%(column)s: %(count)s unknown name; use the names of the template.",
                            "%(column)s: %(count)s unknown names; use the names of the template.",
                            len(unknown_names),
                        )
                        % {"column": column.name, "count": len(unknown_names)}
                    )
                data[column.field] = [table_[n.lower()] for n in names if n.lower() in table_]
            elif column.field == CLASSIFICATION_FIELD and kind.taxonomy:
                data[column.field] = _split(value)
            elif column.field == "impact":
                data[column.field] = _text(value).lower() or "midden"
            elif column.field == "case_count":
                data[column.field] = _text(value) or "1"
            else:
                data[column.field] = _text(value)
        if accept_redactions:
            data["accept_redaction"] = "1"
        form = SignalForm(data=data, body=body)
        if not form.is_valid():
            problems.extend(_form_problems(form, labels, cells, problems))
        if problems:
            check.problems.extend(RowProblem(line, problem) for problem in problems)
            continue
        if form.redacted:
            check.redacted_rows.append(line)
        check.rows.append(form.service_kwargs())
    if check.problems:
        check.rows = []
    return check


def _is_free_text(form_field) -> bool:
    """Whether a field of the signal form scans its own text (and may take the proposed
    redaction): a guarded or plain text field, not a number, a date or a choice."""
    return (
        form_field is not None
        and (getattr(form_field, "guarded", False) or isinstance(form_field, forms.CharField))
        and not getattr(form_field, "choices", None)
    )


def _is_valid_value(column: Column, value, form_fields, lookup: _Lookup) -> bool:
    """Whether a cell of a column that is no free text holds one of the values the column
    takes, and nothing else: a date, ja or nee, known names, codes of the choices. A number
    is never taken as it is: a spreadsheet makes numbers of telephone numbers and BSNs."""
    text = _text(value)
    if not text:
        return True
    if column.field in ("period_start", "period_end"):
        return _date(value) is not None
    if column.field == "is_positive":
        return text.lower() in YES | NO
    if column.field in ("aspects", "organisation_units"):
        known = lookup.aspects if column.field == "aspects" else lookup.units
        return all(name.lower() in known for name in _split(value))
    choices = getattr(form_fields.get(column.field), "choices", None)
    if choices:
        codes = {str(code).lower() for code, _label in _flat_choices(choices)}
        return all(part.lower() in codes for part in _split(value))
    return False


def _flat_choices(choices):
    for code, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            yield from label
        else:
            yield code, label


def _form_problems(form, labels: dict, cells: list[str], said: list[str]) -> list[str]:
    """The form's refusals in the words of the file: the column and the reason, never the
    value (Django's messages for a refused choice repeat it)."""
    problems: list[str] = []
    findings = getattr(form, "findings", None) or {}
    for name, errors in form.errors.as_data().items():
        if name == "__all__":
            if findings:
                kinds = sorted({kind_ for result in findings.values() for kind_ in result.types})
                fields_ = ", ".join(labels.get(f, f) for f in findings)
                problems.append(
                    _("personal data in %(fields)s (%(kinds)s).")
                    % {"fields": fields_, "kinds": ", ".join(kinds)}
                )
            else:
                problems.extend(_reason(error, cells) for error in errors)
            continue
        column = labels.get(name, name)
        if name in findings:
            continue  # said once, with every column that holds personal data
        if any(problem.startswith(column + ":") for problem in [*said, *problems]):
            continue  # already said, in the words of the file
        for error in errors:
            problems.append(f"{column}: {_reason(error, cells)}")
    return problems


# Django's codes for a refused choice: their messages name the value.
CHOICE_CODES = {"invalid_choice", "invalid_pk_value", "invalid_list"}
LIST_FIELDS = {"aspects", "organisation_units", CLASSIFICATION_FIELD}


def _reason(error: ValidationError, cells: list[str]) -> str:
    """Why a value was refused, without the value."""
    if error.code in CHOICE_CODES:
        return _("not one of the possible values; use those of the template.")
    message = " ".join(str(message) for message in error.messages)
    if _repeats_a_cell(message, cells):
        return _("not a valid value.")
    return message


def _repeats_a_cell(message: str, cells: list[str]) -> bool:
    """Whether ``message`` holds the text of a cell of its row (a word of three characters or
    more, on its own)."""
    lowered = message.lower()
    for cell in cells:
        text = cell.strip().lower()
        if len(text) >= 3 and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", lowered):
            return True
    return False


# --- Writing files ------------------------------------------------------------------------------
def _protect(value) -> object:
    """A cell that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_rows(kind: BodyKind, signals: Iterable[Signal]) -> tuple[list[str], list[list]]:
    columns = columns_for(kind)
    header = [*EXPORT_ONLY[:3], *(column.name for column in columns), *EXPORT_ONLY[3:]]
    rows = []
    for signal in signals:
        details = signal.details or {}
        row: list[object] = [signal.pk, signal.body.name, str(signal.get_state_display())]
        for column in columns:
            name = column.field
            if name == "is_positive":
                value = "ja" if signal.is_positive else "nee"
            elif name in ("period_start", "period_end"):
                value = date_format(getattr(signal, name), "d-m-Y")
            elif name == "aspects":
                value = f"{LIST_SEPARATOR} ".join(a.name for a in signal.aspects.all())
            elif name == "organisation_units":
                value = f"{LIST_SEPARATOR} ".join(
                    str(unit) for unit in signal.organisation_units.all()
                )
            elif name == CLASSIFICATION_FIELD:
                value = f"{LIST_SEPARATOR} ".join(details.get(CLASSIFICATION_KEY, []))
            elif name.startswith(DETAILS_PREFIX):
                value = details.get(name[len(DETAILS_PREFIX) :], "")
            else:
                value = getattr(signal, name)
            row.append(value)
        row += [signal.version, signal.created_at, signal.updated_at]
        # Every cell: also the body's name, which an administrator chose.
        rows.append([_protect(value) for value in row])
    return header, rows


def export_queryset(queryset: QuerySet) -> QuerySet:
    """What the export reads, in a fixed number of queries (earlier prefetches replaced)."""
    return (
        queryset.select_related("body")
        .prefetch_related(None)
        .prefetch_related(
            "aspects",
            Prefetch("organisation_units", OrganisationUnit.objects.select_related("parent")),
        )
    )


def write_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                value.strftime("%d-%m-%Y %H:%M") if isinstance(value, datetime) else value
                for value in row
            ]
        )
    # A byte order mark, so that Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: list[str], rows: list[list], *, title: str, notes=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [value.replace(tzinfo=None) if isinstance(value, datetime) else value for value in row]
        )
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, min(48, len(name) + 4)
        )
    sheet.freeze_panes = "A2"
    if notes:
        help_sheet = workbook.create_sheet(str(gettext_lazy("Explanation"))[:31])
        help_sheet.append([_("column"), _("required"), _("what goes in it")])
        for cell in help_sheet[1]:
            cell.font = Font(bold=True)
        for row in notes:
            help_sheet.append(list(row))
        help_sheet.column_dimensions["A"].width = 24
        help_sheet.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(body: OversightBody) -> tuple[list[str], list[list], list[tuple]]:
    """The import template: the header, one example row, and an explanation per column."""
    kind = body.kind_spec
    columns = columns_for(kind)
    example = {
        "titel": "Beslistermijnen Wmo-aanvragen overschreden",
        "omschrijving": (
            "In het tweede halfjaar werd bij een op de drie aanvragen de wettelijke "
            "beslistermijn overschreden, zonder dat de aanvrager daarover werd ingelicht."
        ),
        "periode_van": "01-07-2025",
        "periode_tot": "31-12-2025",
        "aantal_zaken": 12,
        "impact": "midden",
        "positief": "nee",
        "invalshoeken": "Tijdigheid; Communicatie en informatievoorziening",
        "organisatieonderdelen": "",
        "bron": "Jaarverslag 2025, hoofdstuk 3",
        "indeling": kind.taxonomy[0].code if kind.taxonomy else "",
    }
    header = [column.name for column in columns]
    notes = [
        (column.name, _("yes") if column.required else _("no"), column.help) for column in columns
    ]
    return header, [[example.get(name, "") for name in header]], notes
