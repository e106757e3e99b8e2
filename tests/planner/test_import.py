"""Reading and validating whole workbooks: layout tolerance, every problem at once, warnings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner import validate_command
from planner.domain import Level
from planner.importer import ImportResult, load_dataset, load_workbook, validate
from planner.parse import FORMULA_NO_VALUE
from planner.problems import Problem, Severity, WorkbookErrors, WorkbookUnreadable
from planner.workbook import RawWorkbook, read_workbook
from tests.fixtures.workbooks import (
    PLAN_START,
    Sheets,
    valid_sheets,
    write_csv_folder,
    write_ods,
    write_xlsx,
)

TODAY = date(2026, 1, 1)
REPO = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, sheets: Sheets, fmt: str = "xlsx", **kw: object) -> ImportResult:
    if fmt == "xlsx":
        path = write_xlsx(tmp_path / "book.xlsx", sheets, **kw)  # type: ignore[arg-type]
    elif fmt == "ods":
        path = write_ods(tmp_path / "book.ods", sheets, **kw)  # type: ignore[arg-type]
    else:
        path = write_csv_folder(tmp_path / "book", sheets)
    return load_workbook(path, today=TODAY)


def find(result: ImportResult, severity: Severity, sheet: str, text: str,
         row: int | None = None, column: str | None = None) -> Problem:
    matches = [p for p in result.problems if p.severity is severity and p.sheet == sheet
               and text in p.message and (row is None or p.row == row)
               and (column is None or p.column == column)]
    assert matches, (f"no {severity} {sheet!r} row {row} {column!r} ~ {text!r} in:\n"
                     + "\n".join(p.render() for p in result.problems))
    return matches[0]


def test_valid_workbook_loads_without_problems(tmp_path: Path) -> None:
    result = load(tmp_path, valid_sheets())
    assert result.ok and result.problems == []
    ds = result.dataset
    assert ds is not None
    assert [c.contract_id for c in ds.contracts] == ["C1", "C2"]
    assert ds.streams[1].unit_price == 12.5 and ds.streams[1].sensitivity is Level.PUBLIC
    assert ds.vendors[1].max_share == 0.5
    assert ds.capacity[0].ramp_weeks == 2
    assert ds.settings.plan_start == PLAN_START and ds.settings.unserved_penalty == 500
    assert ds.streams[0].row == 2 and ds.capacity[2].row == 4
    assert ds.source is not None and len(ds.source.sha256) == 64


@pytest.mark.parametrize("fmt", ["ods", "csv"])
def test_ods_and_csv_folder_read_like_xlsx(tmp_path: Path, fmt: str) -> None:
    reference = load(tmp_path, valid_sheets()).dataset
    other = load(tmp_path, valid_sheets(), fmt).dataset
    assert reference is not None and other is not None
    for name in ("contracts", "streams", "vendors", "capacity", "settings"):
        assert getattr(other, name) == getattr(reference, name)


def test_csv_folder_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Workstreams"][2][5] = "12,5"
    path = write_csv_folder(tmp_path / "csv", sheets, delimiter=";")
    ds = load_dataset(path, today=TODAY)
    assert ds.streams[1].unit_price == 12.5


def test_header_below_title_rows_and_loose_headers(tmp_path: Path) -> None:
    sheets = valid_sheets()
    contracts = sheets["Contracts"]
    contracts[0] = ["Contract ID", "VENDOR", "Title", "End Date", "Notice-Days (days)",
                    "termination fee [money]", "Min_Commitment ($)", "Auto Renew",
                    "renewal months", "Renewal Notice Days"]
    sheets["Contracts"] = [["Q3 contracts to exit"], ["prepared by procurement"], [],
                           *contracts]
    result = load(tmp_path, sheets)
    assert result.ok, [p.render() for p in result.problems]
    assert result.raw.sheets["Contracts"].header_row == 4
    assert result.dataset is not None and result.dataset.contracts[0].row == 5
    assert result.dataset.contracts[0].notice_days == 30


def test_problems_name_headers_as_written(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Contracts"][0][4] = "Notice Days"
    sheets["Contracts"][1][4] = "soon"
    result = load(tmp_path, sheets)
    problem = find(result, Severity.ERROR, "Contracts", "not a number", 2, "Notice Days")
    assert problem.found == "soon" and problem.expected == "a whole number >= 0"


def test_unknown_columns_kept_and_warned(tmp_path: Path) -> None:
    sheets = valid_sheets()
    for i, row in enumerate(sheets["Workstreams"]):
        row.append("Owner" if i == 0 else f"person {i}")
    result = load(tmp_path, sheets)
    assert result.ok
    find(result, Severity.WARNING, "Workstreams", "unknown column 'Owner'", 1, "Owner")
    assert result.raw.sheets["Workstreams"].headers[-1] == "Owner"
    assert result.dataset is not None
    assert result.dataset.extra["Workstreams"]["S2"] == {"Owner": "person 2"}


def test_blank_rows_ignored_and_total_rows_skipped_with_warning(tmp_path: Path) -> None:
    sheets = valid_sheets()
    streams = sheets["Workstreams"]
    streams.insert(2, [None] * 9)
    streams.append([None] * 9)
    streams.append(["Total", None, None, None, 350, None])
    streams.append(["Note: volumes as of May"])
    result = load(tmp_path, sheets)
    assert result.ok
    assert result.dataset is not None and len(result.dataset.streams) == 3
    assert result.dataset.streams[1].row == 4  # the blank row 3 kept Excel numbering
    total = find(result, Severity.WARNING, "Workstreams", "skipped", 7)
    assert "Total" in total.found
    find(result, Severity.WARNING, "Workstreams", "skipped", 8)
    assert not [p for p in result.problems if p.row == 3]


def test_hidden_sheet_never_taken_for_visible(tmp_path: Path) -> None:
    sheets = valid_sheets()
    decoy = [list(r) for r in sheets["Contracts"]]
    decoy[1][0] = "HIDDEN"
    sheets["contracts (old)"] = decoy  # different name: simply ignored
    sheets["CONTRACTS "] = decoy
    result = load(tmp_path, sheets, hidden=["CONTRACTS "])
    assert result.dataset is not None
    assert result.dataset.contracts[0].contract_id == "C1"
    find(result, Severity.WARNING, "Contracts", "hidden sheet 'CONTRACTS ' ignored")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_only_contracts_sheet_hidden_is_an_error(tmp_path: Path, fmt: str) -> None:
    result = load(tmp_path, valid_sheets(), fmt, hidden=["Contracts"])
    assert not result.ok
    problem = find(result, Severity.ERROR, "Contracts", "hidden")
    assert "unhide" in problem.message
    assert not [p for p in result.problems if "missing sheet" in p.message]


def test_missing_sheet_and_columns(tmp_path: Path) -> None:
    sheets = valid_sheets()
    del sheets["Capacity"]
    sheets["Vendors"] = [["name", "clearance"], ["Turing", "public"]]
    sheets["Workstreams"] = [[h for h in sheets["Workstreams"][0] if h != "unit_price"],
                             ["S1", "C1", "x", "coding", 10, "public", 4, None]]
    result = load(tmp_path, sheets)
    assert not result.ok and result.dataset is None
    find(result, Severity.ERROR, "Capacity", "missing sheet 'Capacity'")
    find(result, Severity.ERROR, "Workstreams", "missing column 'unit_price'", 1, "unit_price")
    assert not [p for p in result.problems if p.sheet == "Workstreams" and p.row == 2]
    find(result, Severity.ERROR, "Vendors", "missing column 'vendor'", 1, "vendor")
    assert not [p for p in result.problems if p.column == "clearance"]


def test_missing_id_column_still_checks_the_other_cells(tmp_path: Path) -> None:
    sheets = valid_sheets()
    for row in sheets["Workstreams"]:
        del row[0]
    sheets["Workstreams"][2][3] = "lots"
    result = load(tmp_path, sheets)
    find(result, Severity.ERROR, "Workstreams", "missing column 'stream_id'", 1, "stream_id")
    find(result, Severity.ERROR, "Workstreams", "not a number", 3, "weekly_volume")
    assert not [p for p in result.problems if "skipped" in p.message]


def test_no_header_row_at_all(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Capacity"] = [["Turing", "coding", 100, 40]]
    result = load(tmp_path, sheets)
    assert result.raw.sheets["Capacity"].headers == []
    problem = find(result, Severity.ERROR, "Capacity", "no header row", None, "weekly_capacity")
    assert "first 20 rows" in problem.message


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    sheets = valid_sheets()
    c, s, v, cap = (sheets[n] for n in ("Contracts", "Workstreams", "Vendors", "Capacity"))
    c[1][3] = "03/04/2026"  # ambiguous date
    c[2][3] = "31/02/2026"  # impossible date
    c.append(["C1", "Other", "dup", date(2026, 5, 1)])  # duplicate ID (row 4)
    s[1][4] = -5  # negative volume
    s[2][4] = 0  # zero volume
    s[3][1] = "C9"  # unknown contract
    s.append(["S1", "C1", "dup", "coding", 10, "abc"])  # duplicate ID, bad money (row 5)
    s.append(["S4", "C2", "formula", "coding", "=B2*2", 10])  # formula, no stored value
    v[2][4] = 40  # fraction > 1
    cap.append(["Turing", " Coding ", 10, 40])  # duplicate (vendor, skill) pair
    cap.append(["Nobody", "coding", 10, 40])  # unknown vendor
    result = load(tmp_path, sheets)
    assert result.dataset is None
    E = Severity.ERROR
    assert "ambiguous" in find(result, E, "Contracts", "ambiguous", 2, "end_date").message
    find(result, E, "Contracts", "impossible", 3, "end_date")
    find(result, E, "Contracts", "duplicate contract_id (first on row 2)", 4, "contract_id")
    find(result, E, "Workstreams", "negative", 2, "weekly_volume")
    find(result, E, "Workstreams", "zero", 3, "weekly_volume")
    assert find(result, E, "Workstreams", "unknown contract_id", 4, "contract_id").found == "C9"
    find(result, E, "Workstreams", "duplicate stream_id", 5, "stream_id")
    find(result, E, "Workstreams", "not a number", 5, "unit_price")
    find(result, E, "Workstreams", "formula", 6, "weekly_volume")
    find(result, E, "Vendors", "above 1", 3, "max_share")
    find(result, E, "Capacity", "duplicate vendor + skill (first on row 2)", 5, "skill")
    find(result, E, "Capacity", "unknown vendor", 6, "vendor")
    assert len(result.errors) == 12
    with pytest.raises(WorkbookErrors) as info:
        load_dataset(tmp_path / "book.xlsx", today=TODAY)
    assert len(info.value.errors) == 12
    assert "Workstreams, row 6, column 'weekly_volume'" in info.value.render()


def test_formula_cells_with_and_without_stored_value(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Workstreams"][1][8] = "=TODAY()"  # optional column: still an error, not a default
    result = load(tmp_path, sheets)
    assert result.raw.sheets["Workstreams"].rows[0].cells[8] is FORMULA_NO_VALUE
    find(result, Severity.ERROR, "Workstreams", "formula", 2, "exit_by")


def test_formula_cached_values_are_used(tmp_path: Path) -> None:
    import zipfile

    path = write_xlsx(tmp_path / "f.xlsx", valid_sheets())
    # Plant a formula with a stored value, as Excel saves it.
    fixed = tmp_path / "g.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(fixed, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                text = data.decode()
                start = text.index('<c r="E2"')
                end = text.index("</c>", start) + 4
                data = (text[:start] + '<c r="E2"><f>40+60</f><v>100</v></c>'
                        + text[end:]).encode()
            zout.writestr(info, data)
    ds = load_dataset(fixed, today=TODAY)
    assert ds.streams[0].weekly_volume == 100


def test_contracts_and_workstreams_need_a_row(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Workstreams"] = sheets["Workstreams"][:1]
    sheets["Capacity"] = sheets["Capacity"][:1]  # may be empty
    sheets["Vendors"] = sheets["Vendors"][:1]
    result = load(tmp_path, sheets)
    find(result, Severity.ERROR, "Workstreams", "no data rows")
    assert not [p for p in result.errors if p.sheet in ("Vendors", "Capacity")]


def test_warnings_do_not_block(tmp_path: Path) -> None:
    sheets = valid_sheets()
    c, s, v, cap = (sheets[n] for n in ("Contracts", "Workstreams", "Vendors", "Capacity"))
    c.append(["C3", "Scale AI", "idle", date(2026, 8, 1)])  # no streams; defaults applied
    c.append(["C4", "Scale AI", "over", date(2025, 12, 1), 30, 0, 0, "N", 12, 60])
    s.append(["S4", "C4", "", "LiDAR 3D", 10, 2000, "restricted", 0])  # nobody can take it
    v.append(["Idle Co", "public", "N", 0, 1])  # no capacity rows
    v.append(["Scale AI", "public", "N", 0, 1])  # the exited vendor
    cap.append(["Scale AI", "coding", 10, 1])
    sheets["Settings"][0] = ["Key", "Value"]
    result = load(tmp_path, sheets)
    assert result.ok, [p.render() for p in result.errors]
    W = Severity.WARNING
    find(result, W, "Contracts", "no streams", 4, "contract_id")
    find(result, W, "Contracts", "empty notice_days: default 30 used in 1 row(s) (4)", 4,
         "notice_days")
    find(result, W, "Contracts", "already over before plan start", 5, "end_date")
    find(result, W, "Workstreams", "no eligible vendor", 5, "skill")
    find(result, W, "Vendors", "no Capacity rows", 4, "vendor")
    find(result, W, "Vendors", "exited", 5, "vendor")
    penalty = find(result, W, "Settings", "unserved_penalty is below a unit price", 5, "Value")
    assert "2000" in penalty.expected and penalty.found == "500"


def test_auto_renewal_that_cannot_be_refused_is_not_over(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Contracts"][2][3] = date(2025, 12, 20)
    sheets["Contracts"][2][7] = "Y"
    result = load(tmp_path, sheets)
    assert not [p for p in result.problems if "already over" in p.message]


def test_settings_defaults_and_plan_start(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Settings"] = [["Key", "Value"], ["Horizon Weeks", 52], ["color", "blue"]]
    result = load(tmp_path, sheets)
    assert result.dataset is not None
    settings = result.dataset.settings
    assert settings.plan_start == date(2026, 1, 5)  # Monday on/after Thursday 2026-01-01
    assert settings.horizon_weeks == 52 and settings.currency == "USD"
    find(result, Severity.WARNING, "Settings", "plan_start not set")
    find(result, Severity.WARNING, "Settings", "unknown setting 'color'", 3)
    on_monday = validate(result.raw, today=date(2026, 1, 12)).dataset
    assert on_monday is not None and on_monday.settings.plan_start == date(2026, 1, 12)


def test_settings_sheet_is_optional(tmp_path: Path) -> None:
    sheets = valid_sheets()
    del sheets["Settings"]
    result = load(tmp_path, sheets)
    assert result.ok
    find(result, Severity.WARNING, "Settings", "no Settings sheet")


def test_settings_typed_without_header(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Settings"] = sheets["Settings"][1:]
    sheets["Settings"][1][1] = "lots"
    result = load(tmp_path, sheets)
    assert result.raw.sheets["Settings"].header_row == 0
    find(result, Severity.ERROR, "Settings", "horizon_weeks", 2, "value")
    result.raw.sheets["Settings"].rows[1].cells[1] = 30
    fixed = validate(result.raw, TODAY)
    assert fixed.dataset is not None and fixed.dataset.settings.horizon_weeks == 30
    assert fixed.dataset.settings.plan_start == PLAN_START


def test_bad_settings(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Settings"] = [["key", "value"], ["horizon_weeks", 400], ["mode", "quick"],
                          ["currency", "dollars"], ["plan_start", "2026-01-05"],
                          ["Plan Start", "2026-01-12"]]
    result = load(tmp_path, sheets)
    assert find(result, Severity.ERROR, "Settings", "too large", 2, "value").found == "400"
    find(result, Severity.ERROR, "Settings", "mode", 3, "value")
    find(result, Severity.ERROR, "Settings", "currency", 4, "value")
    find(result, Severity.ERROR, "Settings", "appears twice (first on row 5)", 6, "key")


def test_ids_stay_text_and_references_match_trimmed(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Contracts"][1][0] = "00123"
    sheets["Contracts"][2][0] = 456
    sheets["Workstreams"][1][1] = " 00123 "
    sheets["Workstreams"][2][1] = "00123"
    sheets["Workstreams"][3][1] = 456.0
    sheets["Capacity"][1][0] = "Turing "
    ds = load_dataset(write_xlsx(tmp_path / "ids.xlsx", sheets), today=TODAY)
    assert [c.contract_id for c in ds.contracts] == ["00123", "456"]
    assert [s.contract_id for s in ds.streams] == ["00123", "00123", "456"]


def test_date1904_workbook(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Contracts"][1][3] = 44650  # a serial typed as a number, 1904 system
    result = load(tmp_path, sheets, date1904=True)
    assert result.raw.date1904
    assert result.dataset is not None
    assert result.dataset.contracts[0].end_date == date(2026, 3, 31)
    assert result.dataset.contracts[1].end_date == date(2026, 9, 1)  # a real date cell
    assert result.dataset.settings.plan_start == PLAN_START


def test_money_and_percent_text_in_cells(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Contracts"][1][5] = "$12k"
    sheets["Contracts"][1][6] = "1 200,50 €"
    sheets["Vendors"][2][4] = "40%"
    sheets["Workstreams"][1][5] = "$1,200.50"
    ds = load_dataset(write_xlsx(tmp_path / "m.xlsx", sheets), today=TODAY)
    assert ds.contracts[0].termination_fee == 12000
    assert ds.contracts[0].min_commitment == pytest.approx(1200.5)
    assert ds.vendors[1].max_share == pytest.approx(0.4)
    assert ds.streams[0].unit_price == pytest.approx(1200.5)


def test_edit_raw_cells_and_validate_again(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Workstreams"][2][4] = "lots"
    result = load(tmp_path, sheets)
    problem = find(result, Severity.ERROR, "Workstreams", "not a number")
    sheet = result.raw.sheets[problem.sheet]
    row = next(r for r in sheet.rows if r.excel_row == problem.row)
    assert problem.column is not None
    row.cells[sheet.headers.index(problem.column)] = 250
    again = validate(result.raw, today=TODAY)
    assert again.ok and again.dataset is not None
    assert again.dataset.streams[1].weekly_volume == 250


def test_raw_workbook_json_round_trip(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Workstreams"][1][8] = "=TODAY()"
    sheets["Contracts"][1][2] = "  spaced  "
    raw = read_workbook(write_xlsx(tmp_path / "r.xlsx", sheets, date1904=True))
    text = json.dumps(raw.to_json())
    back = RawWorkbook.from_json(json.loads(text))
    assert back == raw
    assert back.sheets["Workstreams"].rows[0].cells[8] is FORMULA_NO_VALUE
    assert validate(back, TODAY).problems == validate(raw, TODAY).problems


def test_calamine_and_openpyxl_read_the_same(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is used only where it gives exactly what the streaming path gives."""
    import planner.workbook as wb

    sheets = valid_sheets()
    sheets["Contracts"].insert(0, ["Title row"])
    sheets["Workstreams"][1][8] = "=TODAY()"
    sheets["Workstreams"][2][2] = "  padded "
    sheets["Workstreams"][3][4] = 50.0
    sheets["Vendors"][1][2] = True
    sheets["Vendors"][2][3] = "#N/A"  # openpyxl writes this as an error cell
    path = write_xlsx(tmp_path / "same.xlsx", sheets, date1904=True)
    books = [path, *sorted((REPO / "sample_contracts").glob("*.xlsx")),
             *sorted((_examples() or tmp_path).glob("*.xlsx"))]
    used: list[str] = []
    original = wb._CalamineReader.read

    def spy(self: object, name: str, *args: object) -> object:
        result = original(self, name, *args)  # type: ignore[arg-type]
        used.append(name if result is not None else "")
        return result

    monkeypatch.setattr(wb._CalamineReader, "read", spy)
    fast = [read_workbook(p) for p in books]
    assert all(r.sheets for r in fast)
    assert len(used) == 5 * len(books) and all(used)  # every sheet took the fast path
    assert fast[0].sheets["Vendors"].rows[1].cells[3] == "#N/A"
    assert fast[0].sheets["Workstreams"].rows[0].cells[8] is FORMULA_NO_VALUE
    monkeypatch.setattr(wb, "_fast_plan", lambda xml: None)
    slow = [read_workbook(p) for p in books]
    assert fast == slow


def _examples() -> Path | None:
    candidates = [REPO.parent / "shared" / "examples", Path("/work/shared/examples")]
    return next((c for c in candidates if c.is_dir()), None)


def test_examples_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    folder = _examples()
    if folder is None:
        pytest.skip("shared/examples is not beside this checkout")
    books = sorted(folder.glob("*.xlsx"))
    assert len(books) >= 5
    for book in books:
        assert validate_command.run(book) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "3 contracts, 2 streams, 2 vendors, 2 capacity rows" in out  # e_edge_cases


def test_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", valid_sheets())
    assert validate_command.run(good) == 0
    out = capsys.readouterr().out
    assert "2 contracts, 3 streams, 2 vendors, 3 capacity rows" in out
    assert "weekly volume 350 tasks" in out and "weekly spend 9,750.00 USD" in out
    sheets = valid_sheets()
    sheets["Workstreams"][1][4] = "many"
    sheets["Contracts"].append(["Total"])
    bad = write_xlsx(tmp_path / "bad.xlsx", sheets)
    assert validate_command.run(bad) == 2
    out = capsys.readouterr().out
    assert ("error: Workstreams, row 2, column 'weekly_volume': not a number (found 'many', "
            "expected a number > 0)") in out
    assert "warning: Contracts, row 4" in out and "REJECTED" in out
    assert validate_command.run(bad, quiet=True) == 2
    out = capsys.readouterr().out
    assert "error:" in out and "warning:" not in out
    (tmp_path / "junk.xlsx").write_text("a,b\n1,2\n")
    assert validate_command.run(tmp_path / "junk.xlsx") == 2
    captured = capsys.readouterr()
    assert "CSV" in captured.err and "Traceback" not in captured.err


def test_cli_validate_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main

    assert main(["validate", str(write_xlsx(tmp_path / "b.xlsx", valid_sheets()))]) == 0
    assert "OK:" in capsys.readouterr().out


def test_unreadable_path() -> None:
    with pytest.raises(WorkbookUnreadable, match="no such file"):
        load_workbook("/nonexistent/book.xlsx")


def test_user_docs_cover_every_column_and_setting() -> None:
    from planner.schema import SETTINGS_KEYS, SHEETS

    text = (REPO / "docs" / "workbook-format.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"## {sheet.name}" in text
        for column in sheet.columns:
            assert f"| {column.name} |" in text or sheet.name == "Settings", column.name
    for key in SETTINGS_KEYS:
        assert f"| {key.name} |" in text, key.name


def test_errors_come_first_and_do_not_breed_false_warnings(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Vendors"][2][4] = 40  # Surge rejected: its offers must not look missing
    sheets["Contracts"].append(["Total"])
    result = load(tmp_path, sheets)
    severities = [p.severity for p in result.problems]
    assert severities == sorted(severities, key=lambda s: s is not Severity.ERROR)
    assert severities[0] is Severity.ERROR and Severity.WARNING in severities
    assert not [p for p in result.problems if "eligible" in p.message]


def test_ods_written_by_another_tool(tmp_path: Path) -> None:
    """odfpy (through pandas) writes cells differently from our hand-made .ods."""
    import pandas as pd

    path = tmp_path / "pandas.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in valid_sheets().items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=name,
                                                             index=False)
    reference = load(tmp_path, valid_sheets()).dataset
    ds = load_dataset(path, today=TODAY)
    assert reference is not None
    assert (ds.contracts, ds.streams, ds.vendors, ds.capacity) == (
        reference.contracts, reference.streams, reference.vendors, reference.capacity)


def test_error_cells_are_reported_as_found(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["Capacity"][1][3] = "#DIV/0!"
    result = load(tmp_path, sheets)
    assert find(result, Severity.ERROR, "Capacity", "not a number", 2, "unit_price").found == (
        "#DIV/0!")
