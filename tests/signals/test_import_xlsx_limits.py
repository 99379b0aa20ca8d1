"""Hostile Excel files: a zip bomb or a sheet that unpacks huge is refused before openpyxl
parses it, in Dutch, with its reason; the worker that reads one stays small and answers at once.

Every hostile file is built here, from a real workbook made by openpyxl: its shared strings,
its sheet or its list of parts replaced by what an attacker would post.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from signals import transfer
from signals.bodies import all_kinds
from signals.models import Signal
from tests.signals.test_import_export import (
    REKENKAMER_HEADER,
    good_rows,
    nl,
    page_text,
    upload,
)

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- Building hostile files -----------------------------------------------------------------------
def base_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(REKENKAMER_HEADER)
    for row in good_rows()[:1]:
        sheet.append([row.get(name) for name in REKENKAMER_HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rebuilt(replace: dict[str, object], *, add: int = 0) -> bytes:
    """The base workbook with parts replaced or added (bytes, or an iterable of byte chunks
    that is streamed into the archive) and ``add`` extra tiny parts."""
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    names = source.namelist()
    if "xl/sharedStrings.xml" in replace:
        # openpyxl writes inline strings; Excel a table of shared strings, declared so.
        replace = {
            "[Content_Types].xml": source.read("[Content_Types].xml").replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                b"</Types>",
            ),
            "xl/_rels/workbook.xml.rels": source.read("xl/_rels/workbook.xml.rels").replace(
                b"</Relationships>",
                b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9"/>'
                b"</Relationships>",
            ),
            **replace,
        }
    names += [name for name in replace if name not in names]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            content = replace.get(name)
            if content is None:
                archive.writestr(name, source.read(name))
            elif isinstance(content, bytes):
                archive.writestr(name, content)
            else:
                with archive.open(name, "w", force_zip64=True) as part:
                    for chunk in content:
                        part.write(chunk)
        for number in range(add):
            archive.writestr(f"customXml/item{number}.xml", b"<a/>")
    return buffer.getvalue()


def repeated(head: bytes, unit: bytes, times: int, tail: bytes):
    yield head
    block = unit * 10_000
    for _ in range(times // 10_000):
        yield block
    yield tail


SST_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_TAIL = b"</sheetData></worksheet>"


def header_row() -> bytes:
    cells = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(REKENKAMER_HEADER, start=1)
    )
    return f'<row r="1">{cells}</row>'.encode()


def shared_strings_bomb() -> bytes:
    """The attack of the issue: one string repeated three million times (51 MB unpacked)."""
    return rebuilt(
        {"xl/sharedStrings.xml": repeated(SST_HEAD, b"<si><t>x</t></si>", 3_000_000, b"</sst>")}
    )


def inline_cells_bomb() -> bytes:
    """A sheet whose cells each hold one letter repeated, 1,000 cells of 100,000 each."""
    cell = b'<c t="inlineStr"><is><t>' + b"A" * 100_000 + b"</t></is></c>"
    rows = (b'<row r="2">' + cell * 10 + b"</row>" for _ in range(100))
    return rebuilt({"xl/worksheets/sheet1.xml": [SHEET_HEAD, header_row(), *rows, SHEET_TAIL]})


def tightly_packed() -> bytes:
    """Below the bound of a part's size (8 MB), but a thousand times smaller packed."""
    cell = b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + b"A" * 8 * MB + b"</t></is></c></row>"
    return rebuilt({"xl/worksheets/sheet1.xml": [SHEET_HEAD, header_row(), cell, SHEET_TAIL]})


def huge_in_all() -> bytes:
    """Three parts of 12 MB that pack 64 times: each within the bounds of a part, too big
    together."""
    part = b"".join(
        (f"<x>{n * 7919 % 100003}</x>" if n % 40 == 0 else "<x>1</x>").encode()
        for n in range(1_500_000)
    )
    return rebuilt({f"customXml/item{n}.xml": part for n in range(3)})


def many_distinct_strings() -> bytes:
    """Within every size bound of the zip (it packs like ordinary text), but 300,000 strings."""
    strings = (f"<si><t>{n * 7919 % 1000003}</t></si>".encode() for n in range(300_000))
    return rebuilt({"xl/sharedStrings.xml": [SST_HEAD, *strings, b"</sst>"]})


def strings_in_utf_16() -> bytes:
    """The same in UTF-16 (which XML allows and openpyxl reads): it must be counted too."""
    strings = "".join(f"<si><t>{n * 7919 % 1000003}</t></si>" for n in range(200_000))
    table = (SST_HEAD.decode() + strings + "</sst>").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"'
    )
    return rebuilt({"xl/sharedStrings.xml": table.encode("utf-16")})


def too_much_text() -> bytes:
    """Within the bounds of the zip and of the number of cells: 600 lines whose cells hold
    3 million characters of varied text in all (a CSV file of the same would be 3 MB)."""

    def rows():
        for line in range(2, 602):
            words = " ".join(f"zaak{line * 31 + n * 17}" for n in range(500))
            cell = f'<c r="B{line}" t="inlineStr"><is><t>{words}</t></is></c>'
            yield f'<row r="{line}">{cell}</row>'.encode()

    return rebuilt({"xl/worksheets/sheet1.xml": [SHEET_HEAD, header_row(), *rows(), SHEET_TAIL]})


def at_the_bounds() -> bytes:
    """An ordinary file that uses the whole budget of elements (each string is two, si and t),
    which must be read whole and still quickly."""
    count = transfer.MAX_XML_ELEMENTS // 2 - 5_000
    strings = (f"<si><t>{n * 7919 % 1000003}</t></si>".encode() for n in range(count))
    return rebuilt({"xl/sharedStrings.xml": [SST_HEAD, *strings, b"</sst>"]})


def many_parts() -> bytes:
    return rebuilt({}, add=5_000)


def a_value_far_to_the_right() -> bytes:
    far = openpyxl.utils.get_column_letter(transfer.MAX_COLUMNS + 1)
    row = (
        f'<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c><c r="{far}3"><v>1</v></c></row>'
    )
    return rebuilt(
        {"xl/worksheets/sheet1.xml": [SHEET_HEAD, header_row(), row.encode(), SHEET_TAIL]}
    )


def messages() -> dict[str, str]:
    """The Dutch answer to each hostile file (each names its reason)."""
    return {
        "shared_strings_bomb": nl(
            "A part of the Excel file unpacks to more than %(max)s MB; an Excel file of "
            "signals is never that large.",
            max=transfer.MAX_PART_BYTES // MB,
        ),
        "inline_cells_bomb": nl(
            "A part of the Excel file unpacks to more than %(max)s MB; an Excel file of "
            "signals is never that large.",
            max=transfer.MAX_PART_BYTES // MB,
        ),
        "tightly_packed": nl(
            "A part of the Excel file unpacks to more than %(max)s times its packed size, as a "
            "zip bomb does; a spreadsheet never packs that tightly.",
            max=transfer.MAX_RATIO,
        ),
        "huge_in_all": nl(
            "The Excel file unpacks to more than %(max)s MB; an Excel file of signals is never "
            "that large.",
            max=transfer.MAX_TOTAL_BYTES // MB,
        ),
        "many_distinct_strings": nl(
            "The Excel file holds more cells and texts than an import of at most %(rows)s "
            "signals needs. Remove other sheets, or split it into smaller files.",
            rows=transfer.MAX_ROWS,
        ),
        "strings_in_utf_16": nl(
            "The Excel file holds more cells and texts than an import of at most %(rows)s "
            "signals needs. Remove other sheets, or split it into smaller files.",
            rows=transfer.MAX_ROWS,
        ),
        "too_much_text": nl(
            "The Excel file holds more text than a CSV file of at most 2 MB can hold. "
            "Split it into smaller files."
        ),
        "many_parts": nl(
            "The Excel file consists of %(count)s parts; an Excel file of signals has at most "
            "%(max)s.",
            count=5_000 + len(zipfile.ZipFile(io.BytesIO(base_workbook())).namelist()),
            max=transfer.MAX_PARTS,
        ),
        "a_value_far_to_the_right": nl(
            "Line %(line)s has a value in column %(column)s; an import uses at most %(max)s "
            "columns.",
            line=3,
            column=transfer.MAX_COLUMNS + 1,
            max=transfer.MAX_COLUMNS,
        ),
    }


HOSTILE = [
    shared_strings_bomb,
    inline_cells_bomb,
    tightly_packed,
    huge_in_all,
    many_distinct_strings,
    strings_in_utf_16,
    too_much_text,
    many_parts,
    a_value_far_to_the_right,
]


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# --- The answer ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("build", HOSTILE, ids=lambda build: build.__name__)
def test_a_hostile_excel_file_is_refused_in_dutch_with_its_reason(member_client, body, build):
    content = build()
    assert len(content) < 2 * MB  # every one passes the upload limit
    response = upload(member_client, body, "signalen.xlsx", content)
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    assert not Signal.objects.exists()
    page = page_text(response)
    assert messages()[build.__name__] in page, page
    assert nl("Nothing was imported") in page


def test_the_bounds_follow_from_the_import_s_own_caps():
    from signals.forms import SignalImportForm

    assert transfer.MAX_TEXT_CHARACTERS == SignalImportForm.MAX_BYTES
    # The widest file an import takes back (an export) fits the columns read.
    widest = max(len(transfer.columns_for(kind)) for kind in all_kinds())
    assert widest + len(transfer.EXPORT_ONLY) <= transfer.MAX_COLUMNS
    # The parts may unpack to much more than any file of the import's size of text needs...
    assert transfer.MAX_PART_BYTES >= 4 * SignalImportForm.MAX_BYTES
    # ...and the cells of the row cap fit the count of cells and texts.
    assert transfer.MAX_XML_ELEMENTS >= (transfer.MAX_ROWS + 1) * transfer.MAX_COLUMNS * 3


def test_an_ordinary_excel_file_at_the_row_cap_is_read_whole():
    """Bounded, not crippled: the template's columns filled for the maximum number of rows,
    with a description of 1,500 characters each (2 MB of text is the cap; this is 1.5 MB)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(REKENKAMER_HEADER)
    row = good_rows()[0]
    for number in range(transfer.MAX_ROWS):
        values = {**row, "omschrijving": f"Signaal {number}: " + "wachttijd en bezwaar " * 70}
        sheet.append([values.get(name) for name in REKENKAMER_HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = transfer.read_table("signalen.xlsx", buffer.getvalue())
    assert len(table.rows) == transfer.MAX_ROWS
    assert table.rows[-1][1]["omschrijving"].startswith(f"Signaal {transfer.MAX_ROWS - 1}: ")


# --- The worker: memory and time ------------------------------------------------------------------
CHILD = """
import json, sys, time
import django
django.setup()
from django.utils import translation
from signals import transfer
from signals.bodies import all_kinds

translation.activate("nl")
answers = {}
for path in sys.argv[1:]:
    with open(path, "rb") as file:
        content = file.read()
    start = time.monotonic()
    try:
        transfer.read_table("signalen.xlsx", content)
        answer = None
    except transfer.FileProblem as problem:
        answer = str(problem)
    answers[path] = {"seconds": time.monotonic() - start, "answer": answer}
# The peak resident memory of this process since it started (getrusage's ru_maxrss would
# also count the test process it was forked from: Linux keeps that high-water mark over exec).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"answers": answers, "peak_mb": peak_kb / 1024}))
"""


def test_a_worker_reading_the_hostile_files_stays_under_300_mb_and_answers_within_5_s(tmp_path):
    """The whole import of each file runs in a fresh Python process (as a gunicorn worker
    would, Django set up); its peak resident memory is read from the kernel (VmHWM of
    /proc/self/status), its time per file with a monotonic clock."""
    paths = []
    for build in [*HOSTILE, at_the_bounds]:  # the last one is read: no answer
        path = Path(tmp_path) / f"{build.__name__}.xlsx"
        path.write_bytes(build())
        paths.append(str(path))
    expected = messages()
    env = {
        **__import__("os").environ,
        "DJANGO_SETTINGS_MODULE": "rodedraden.settings.test",
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *paths],
            capture_output=True,
            text=True,
            timeout=120,  # a deadline for the whole child; the bound asserted is per file
            env=env,
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading the hostile files took more than 120 s")
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for build, path in zip([*HOSTILE, at_the_bounds], paths, strict=True):
        answer = report["answers"][path]
        assert answer["answer"] == expected.get(build.__name__), (build.__name__, report)
        assert answer["seconds"] < 5, (build.__name__, report)
    assert report["peak_mb"] < 300, report
