"""Hostile and broken files: a one-line reason, never a traceback, never a hang.

Every file is built here, in code. Each test also has a hang guard (a generous bound, far
above the ~1 s these take, so a loaded CI machine cannot make it flaky): a bomb that
expands for minutes is as bad as a crash. Speed itself is measured by bench/bench_import.py.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import planner.workbook as wbmod
from planner import validate_command
from planner.importer import load_workbook
from planner.problems import Severity, WorkbookUnreadable
from planner.workbook import OLE2_MAGIC, read_workbook
from tests.fixtures.workbooks import (
    ods_row,
    ods_table,
    rewrite_member,
    valid_sheets,
    write_ods,
    write_ods_xml,
    write_xlsx,
)

LIMIT_SECONDS = 60.0  # hang guard, not a speed goal
REPO = Path(__file__).resolve().parents[2]


@contextmanager
def within(seconds: float = LIMIT_SECONDS) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s"


def refused(path: Path, *fragments: str) -> str:
    """Read ``path``, expect WorkbookUnreadable with a one-line reason holding fragments."""
    with within(), pytest.raises(WorkbookUnreadable) as info:
        read_workbook(path)
    reason = info.value.reason
    assert "\n" not in str(info.value)
    for fragment in fragments:
        assert fragment.lower() in reason.lower(), reason
    return reason


def test_csv_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "contracts.xlsx"
    path.write_text("contract_id,vendor,end_date\nC1,Scale AI,2026-05-01\n")
    refused(path, "not a workbook", "CSV")


def test_html_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text("<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>")
    refused(path, "HTML")


@pytest.mark.parametrize("data", [b"", b"\x00" * 100, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                                  b"%PDF-1.7\n"])
def test_empty_and_binary_junk(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(data)
    reason = refused(path)
    assert ("empty" in reason) if not data else ("not a workbook" in reason)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_truncated_workbook(tmp_path: Path, keep: float) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", valid_sheets()).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: int(len(whole) * keep)])
    refused(path, "truncated or damaged")


def test_corrupted_member(tmp_path: Path) -> None:
    whole = bytearray(write_xlsx(tmp_path / "whole.xlsx", valid_sheets()).read_bytes())
    start = whole.index(b"xl/worksheets/sheet1.xml") + 40  # inside the compressed data
    whole[start:start + 200] = b"\xff" * 200
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bytes(whole))
    refused(path)


def _cfb(*stream_names: str) -> bytes:
    """Enough of an OLE2 compound file to be recognised: header magic + directory names."""
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for n in stream_names)
    return OLE2_MAGIC + b"\0" * 504 + names + b"\0" * 512


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(_cfb("EncryptionInfo", "EncryptedPackage"))
    refused(path, "password-protected")


def test_password_protected_ods(tmp_path: Path) -> None:
    base = write_ods(tmp_path / "plain.ods", valid_sheets())
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    path = rewrite_member(base, tmp_path / "secret.ods", "META-INF/manifest.xml",
                          manifest.encode())
    refused(path, "password-protected")


def test_old_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(_cfb("Workbook", "SummaryInformation"))
    refused(path, "97-2003", "save it as .xlsx")


def test_zip_without_workbook_and_word_document(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("readme.txt", "hello")
    refused(plain, "zip archive")
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    refused(docx, "Word document")


def test_binary_xlsb(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    refused(path, ".xlsb", "save it as .xlsx")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.replace("&lol0;", "&lol;")
              for i in range(1, 10))
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(("member", "xml"), [
    ("xl/sharedStrings.xml", BILLION_LAUGHS),
    ("xl/worksheets/sheet1.xml", EXTERNAL_ENTITY),
    ("xl/workbook.xml", EXTERNAL_ENTITY),
])
def test_xml_entity_bombs_and_external_entities(tmp_path: Path, member: str, xml: str) -> None:
    base = write_xlsx(tmp_path / "base.xlsx", valid_sheets())
    if member == "xl/sharedStrings.xml":  # openpyxl writes inline strings: add the part
        with zipfile.ZipFile(base, "a") as zf:
            zf.writestr(member, "<sst/>")
    path = rewrite_member(base, tmp_path / "bomb.xlsx", member, xml.encode())
    refused(path, "unsafe XML")


def test_defusedxml_guards_the_streaming_parser(tmp_path: Path) -> None:
    """Even past the prolog check (a DTD after a long comment), defusedxml refuses it."""
    base = write_xlsx(tmp_path / "base.xlsx", valid_sheets())
    xml = EXTERNAL_ENTITY.replace('<?xml version="1.0"?>',
                                  '<?xml version="1.0"?><!--' + "x" * 70000 + "-->")
    path = rewrite_member(base, tmp_path / "late.xlsx", "xl/worksheets/sheet1.xml",
                          xml.encode())
    refused(path, "unsafe XML")


def test_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    base = write_xlsx(tmp_path / "base.xlsx", valid_sheets())
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/media/padding.bin", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(48):  # 48 MiB of zeros: ~50 KiB compressed
                fh.write(chunk)
    reason = refused(path, "zip bomb")
    assert "padding.bin" in reason


def test_too_many_zip_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wbmod, "MAX_ZIP_MEMBERS", 50)
    path = write_xlsx(tmp_path / "many.xlsx", valid_sheets())
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(60):
            zf.writestr(f"xl/media/image{i}.png", b"x")
    refused(path, "parts")


def _sheet_xml_with(extra_rows: str, dimension: str = "A1:B2") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>key</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>value</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>horizon_weeks</t></is></c>'
        '<c r="B2"><v>26</v></c></row>'
        f"{extra_rows}</sheetData></worksheet>"
    ).encode()


def _with_settings_xml(tmp_path: Path, xml: bytes) -> Path:
    base = write_xlsx(tmp_path / "base.xlsx", valid_sheets())
    return rewrite_member(base, tmp_path / "odd.xlsx", "xl/worksheets/sheet5.xml", xml)


def test_huge_claimed_dimension_costs_nothing(tmp_path: Path) -> None:
    path = _with_settings_xml(tmp_path, _sheet_xml_with("", "A1:XFD1048576"))
    with within():
        result = load_workbook(path)
    assert result.dataset is not None and result.dataset.settings.horizon_weeks == 26


@pytest.mark.parametrize("ref", ["XFD1048576", "XFD2", "A1048576"])
def test_one_stray_cell_far_away(tmp_path: Path, ref: str) -> None:
    row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    stray = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>' if row > 2 else ""
    xml = _sheet_xml_with(stray)
    if row == 2:  # same row as data: put the stray cell at the end of row 2
        xml = xml.replace(b'<c r="B2"><v>26</v></c>', f'<c r="B2"><v>26</v></c><c r="{ref}">'
                          '<v>1</v></c>'.encode())
    path = _with_settings_xml(tmp_path, xml)
    with within():
        result = load_workbook(path)
    assert result.dataset is not None
    warning = next(p for p in result.problems if "ignored" in p.message and p.sheet == "Settings")
    assert warning.severity is Severity.WARNING and ref in warning.found


def test_stray_cell_does_not_reach_calamine(tmp_path: Path) -> None:
    """calamine allocates the cells' bounding box densely: one cell at XFD1048576 would
    abort the process (out of memory), so such a sheet must never be handed to it."""
    path = _with_settings_xml(tmp_path, _sheet_xml_with(
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30));"
            "from planner.importer import load_workbook;"
            f"r = load_workbook({str(path)!r}); print('ok', r.ok)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok True"


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wbmod, "MAX_ROWS", 50)
    sheets = valid_sheets()
    sheets["Workstreams"] += [[f"X{i}", "C1", "", "coding", 1, 1] for i in range(400)]
    path = write_xlsx(tmp_path / "long.xlsx", sheets)
    result = load_workbook(path)
    problem = next(p for p in result.errors if p.sheet == "Workstreams")
    assert "more than 50 rows" in problem.message


def test_too_many_columns_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wbmod, "MAX_COLS", 12)
    sheets = valid_sheets()
    sheets["Vendors"][1] += [None] * 20 + ["far away"]
    result = load_workbook(write_xlsx(tmp_path / "wide.xlsx", sheets))
    assert result.ok
    assert any("column 12" in p.message and p.sheet == "Vendors" for p in result.warnings)


def test_read_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wbmod, "READ_BUDGET_SECONDS", -1.0)
    sheets = valid_sheets()
    sheets["Workstreams"] += [[f"X{i}", "C1", "", "coding", 1, 1] for i in range(600)]
    refused(write_xlsx(tmp_path / "slow.xlsx", sheets), "reading took more than")


def test_ods_repeat_bombs(tmp_path: Path) -> None:
    sheets = valid_sheets()
    tables = []
    for name, rows in sheets.items():
        xml = [ods_row(r) for r in rows]
        if name == "Vendors":  # LibreOffice-style padding: huge repeats of empty cells/rows
            xml.append('<table:table-row table:number-rows-repeated="1048000">'
                       '<table:table-cell table:number-columns-repeated="16384"/>'
                       "</table:table-row>")
        if name == "Capacity":  # a non-empty cell repeated across every column
            xml.append('<table:table-row><table:table-cell table:number-columns-repeated='
                       '"16384" office:value-type="string"><text:p>x</text:p>'
                       "</table:table-cell></table:table-row>")
        tables.append(ods_table(name, xml))
    with within():
        result = load_workbook(write_ods_xml(tmp_path / "pad.ods", tables))
    assert len(result.raw.sheets["Capacity"].headers) <= wbmod.MAX_COLS
    assert any(p.sheet == "Capacity" and "ignored" in p.message for p in result.warnings)


def test_ods_row_repeat_bomb_with_content(tmp_path: Path) -> None:
    sheets = valid_sheets()
    tables = [ods_table(n, [ods_row(r) for r in rows]) for n, rows in sheets.items()
              if n != "Workstreams"]
    tables.append(ods_table("Workstreams", [
        ods_row(sheets["Workstreams"][0]),
        ods_row(["S1", "C1", "", "coding", 1, 1], repeat=1_000_000_000),
    ]))
    with within():
        result = load_workbook(write_ods_xml(tmp_path / "rows.ods", tables))
    assert any("more than" in p.message and p.sheet == "Workstreams" for p in result.errors)


def test_ods_very_long_row_and_blank_text_repeats(tmp_path: Path) -> None:
    sheets = valid_sheets()
    tables = [ods_table(n, [ods_row(r) for r in rows]) for n, rows in sheets.items()]
    long_row = ("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="float" office:value="{i * 7919 % 100003}"/>'
        for i in range(200_000)) + "</table:table-row>")
    blank = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
             'office:value-type="string" table:number-columns-repeated="1024"><text:p> '
             "</text:p></table:table-cell></table:table-row>")
    tables.append(ods_table("Scratch", [long_row]))
    tables[0] = tables[0].replace("</table:table>", blank + "</table:table>")
    with within():
        result = load_workbook(write_ods_xml(tmp_path / "long.ods", tables))
    assert result.ok, [p.render() for p in result.errors]


def test_ods_entity_bomb(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "book.ods", valid_sheets())
    xml = BILLION_LAUGHS.replace("sst", "office:document-content")
    refused(rewrite_member(path, tmp_path / "bomb.ods", "content.xml", xml.encode()),
            "unsafe XML")


def test_very_many_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "base.xlsx", valid_sheets())
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(6, 6 + wbmod.MAX_SHEETS + 10):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", "<worksheet/>")
    refused(path, "sheets")
    tables = [ods_table(f"S{i}", []) for i in range(wbmod.MAX_SHEETS + 10)]
    refused(write_ods_xml(tmp_path / "many.ods", tables), "sheets")


def test_many_sheets_under_the_cap_read_quickly(tmp_path: Path) -> None:
    sheets = valid_sheets()
    for i in range(300):
        sheets[f"Notes {i}"] = [["note"], [i]]
    with within():
        result = load_workbook(write_xlsx(tmp_path / "busy.xlsx", sheets))
    assert result.ok


@pytest.mark.parametrize("make", ["csv", "html", "empty", "cut", "bomb"])
def test_validate_command_never_shows_a_traceback(tmp_path: Path, make: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "input.xlsx"
    whole = write_xlsx(tmp_path / "whole.xlsx", valid_sheets()).read_bytes()
    path.write_bytes({"csv": b"a,b\n1,2\n", "html": b"<html></html>", "empty": b"",
                      "cut": whole[:300], "bomb": b""}[make])
    if make == "bomb":
        rewrite_member(tmp_path / "whole.xlsx", path, "xl/workbook.xml",
                       EXTERNAL_ENTITY.encode())
    with within():
        code = validate_command.run(path)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: cannot read") and err.count("\n") == 1
    assert "Traceback" not in err


_INSERTS = [b"9", b"<", b">", b'"', b"/", b' r="XFD1048576"', b'<c r="A5"><v>1</v></c>',
            b'<c r="B7" t="e"><v>#REF!</v></c>', b'<c r="C9"><f>1</f></c>', b"&amp;", b"&#0;",
            b'<c r="E9" t="b"><v>1</v></c>', b'<c r="G9" s="1"><v>46000</v></c>', b' t="d"']


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        pos = rng.randrange(len(out))
        op = rng.random()
        if op < 0.35:
            out[pos] = rng.choice(b"0123456789ABCXYZ <>/\"=")
        elif op < 0.7:
            out[pos:pos] = rng.choice(_INSERTS)
        else:
            del out[pos:pos + rng.randint(1, 12)]
    return bytes(out)


def test_mutated_workbooks_never_crash_and_both_readers_agree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random damage to the XML inside a real workbook: a workbook or a one-line refusal,
    and, for damage to the sheets, the calamine fast path reads exactly what the streaming
    reader reads. (Damage elsewhere, e.g. to styles, may leave calamine able to read what
    openpyxl refuses; that is the fast path being more forgiving, not reading otherwise.)"""
    sheets = valid_sheets()
    sheets["Workstreams"][1][8] = "=TODAY()"
    sheets["Vendors"][1][3] = "#N/A"
    with zipfile.ZipFile(write_xlsx(tmp_path / "base.xlsx", sheets)) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    fast_plan = wbmod._fast_plan
    rng = random.Random(20261125)
    readable = 0
    xml_parts = [n for n in parts if n.endswith(".xml")]
    for i in range(160):
        sheet_damage = rng.random() < 0.6
        member = rng.choice([n for n in xml_parts if n.startswith("xl/worksheets/")]
                            if sheet_damage else xml_parts)
        path = tmp_path / f"m{i}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, _mutate(rng, data) if name == member else data)
        results = []
        for plan in (fast_plan, lambda xml: None):
            monkeypatch.setattr(wbmod, "_fast_plan", plan)
            with within():
                try:
                    results.append(read_workbook(path))
                except WorkbookUnreadable as exc:
                    assert "\n" not in str(exc)
                    results.append(None)
        if member.startswith("xl/worksheets/"):
            assert results[0] == results[1], member
        readable += results[0] is not None
    assert readable > 20  # the test exercised the readers, not only the refusals


def test_zip_entry_that_understates_its_size(tmp_path: Path) -> None:
    """A directory entry claiming 1 KiB for a part that inflates to 40 MiB."""
    big = b"<sst>" + b"<si><t>x</t></si>" * 2_500_000 + b"</sst>"
    base = write_xlsx(tmp_path / "base.xlsx", valid_sheets())
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("xl/sharedStrings.xml", big)
    data = bytearray(path.read_bytes())
    size = len(big).to_bytes(4, "little")
    assert data.count(size) == 2  # local header and central directory entry
    data = data.replace(size, (1024).to_bytes(4, "little"))
    path.write_bytes(bytes(data))
    refused(path, "damaged")
