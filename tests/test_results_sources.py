"""Report exports read into rows: Meta, TikTok and generic CSVs, a Google Ads workbook, detection, and refusals."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from creative_ai.errors import InputError
from creative_ai.results.sources import parse_report, read_report
from creative_ai.results.sources_files import MAX_BYTES
from creative_ai.results.sources_values import parse_amount, parse_date

META_HEADER = [
    "Campaign name",
    "Ad set name",
    "Ad name",
    "Reporting starts",
    "Reporting ends",
    "Results",
    "Result indicator",
    "Reach",
    "Impressions",
    "Link clicks",
    "Amount spent (EUR)",
    "URL tags",
]
TIKTOK_HEADER = ["Campaign name", "Ad group name", "Ad name", "By Day", "Cost", "Currency", "Impressions", "Reach"]
TIKTOK_HEADER += ["Clicks (destination)", "CTR (destination)", "Conversions"]
GENERIC_HEADER = ["ad_name", "date", "impressions", "clicks", "conversions", "spend", "currency"]


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def meta_rows() -> list[list[str]]:
    lines = [META_HEADER]
    lines.append(["", "", "", "2026-11-01", "2026-11-07", "30", "", "9,000", "12,345", "420", "345.67", ""])
    lines.append(["Spring", "All", "hero-a", "2026-11-01", "2026-11-07", "18", "actions:offsite_conversion"])
    lines[-1] += ["5,001", "7,345", "250", "€210.50", "utm_source=facebook&utm_content=hero-a_v1"]
    lines.append(["Spring", "All", "hero-b", "11/01/2026", "11/07/2026", "--", "", " --", "5,000", "170", "135.17", ""])
    return lines


def test_meta_csv_period_rows_with_euros_and_a_summary_row(tmp_path: Path) -> None:
    report = read_report(write_csv(tmp_path / "meta.csv", meta_rows()))
    assert report.source == "meta"
    assert [r.ad_name for r in report.rows] == ["hero-a", "hero-b"]
    a, b = report.rows
    assert (a.start, a.end) == (date(2026, 11, 1), date(2026, 11, 7))
    assert (a.impressions, a.clicks, a.conversions, a.spend, a.currency) == (7345, 250, 18, 210.5, "EUR")
    assert (a.reach, a.utm_content, a.line) == (5001, "hero-a_v1", 3)
    assert (b.start, b.end) == (date(2026, 11, 1), date(2026, 11, 7))  # US month/day/year
    assert (b.conversions, b.reach, b.utm_content, b.line) == (0, None, None, 4)  # "--" is none
    assert report.skipped == ["line 2: summary row without an ad name not counted"]


def test_meta_daily_rows_take_their_day_and_utf16_with_bom_reads(tmp_path: Path) -> None:
    header = ["Ad name", "Day", "Reporting starts", "Reporting ends", "Impressions", "Reach", "Clicks (all)"]
    header += ["Purchases", "Amount spent (USD)", "Website URL"]
    rows = [header]
    rows.append(["hero-a", "2026-11-03", "2026-11-01", "2026-11-07", "1,000", "800", "31", "2", "$12.40"])
    rows[-1].append("https://shop.example/p?utm_source=fb&utm_content=hero-a_v2")
    rows.append(["hero-a", "2026-11-04", "2026-11-01", "2026-11-07", "1,100", "850", "40", "3", "$13.00", ""])
    path = write_csv(tmp_path / "meta-daily.csv", rows, delimiter="\t", encoding="utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    report = read_report(path)
    assert report.source == "meta"
    first, second = report.rows
    assert first.start == first.end == date(2026, 11, 3)
    assert second.start == second.end == date(2026, 11, 4)
    assert (first.clicks, first.conversions, first.spend, first.currency) == (31, 2, 12.4, "USD")
    assert first.utm_content == "hero-a_v2"
    assert report.skipped == []


def test_utf8_with_bom_and_semicolons(tmp_path: Path) -> None:
    rows = [GENERIC_HEADER, ["hero-a", "2026-11-03", "1234", "12", "1", "12,50", "eur"]]
    report = read_report(write_csv(tmp_path / "g.csv", rows, delimiter=";", encoding="utf-8-sig"))
    (row,) = report.rows
    assert report.source == "generic"
    assert (row.impressions, row.spend, row.currency) == (1234, 12.5, "EUR")


def test_tiktok_csv() -> None:
    rows = [TIKTOK_HEADER]
    rows.append(["Spring", "G1", "hero-a", "2026-11-03", "20.00", "USD", "2,000", "1,500", "60", "3.00%", "4"])
    rows.append(["Spring", "G1", "hero-b", "2026-11-01 ~ 2026-11-07", "35.5", "", "3000", "2500", "90", "3%", "5"])
    report = parse_report(_csv_bytes(rows), filename="tiktok.csv")
    assert report.source == "tiktok"
    a, b = report.rows
    assert (a.start, a.end, a.impressions, a.clicks, a.conversions, a.spend) == (
        date(2026, 11, 3),
        date(2026, 11, 3),
        2000,
        60,
        4,
        20.0,
    )
    assert (a.currency, a.reach, b.currency) == ("USD", 1500, None)
    assert (b.start, b.end) == (date(2026, 11, 1), date(2026, 11, 7))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def google_rows() -> list[list[object]]:
    url_a, url_b = "https://shop.example/?utm_content=hero-a_v1", "https://shop.example/?utm_content=hero-b_v1"
    return [
        ["Ad report"],
        ["November 1, 2026 - November 30, 2026"],
        [
            "Ad status",
            "Final URL",
            "Campaign",
            "Ad group",
            "Day",
            "Currency code",
            "Impr.",
            "Clicks",
            "Conversions",
            "Cost",
        ],
        ["Enabled", url_a, "Spring", "G", "Nov 3, 2026", "USD", "1,200", "40", "2.50", "30.10"],
        ["Enabled", url_b, "Spring", "G", datetime(2026, 11, 4), "USD", 900, 30, 1.5, 22.2],
        ["Total: Account", " --", " --", " --", " --", "USD", "2,100", "70", "4.00", "52.30"],
        ["Total: Search", " --", " --", " --", " --", "USD", "2,100", "70", "4.00", "52.30"],
    ]


def test_google_xlsx_with_title_lines_above_the_header(tmp_path: Path) -> None:
    report = read_report(write_xlsx(tmp_path / "google.xlsx", google_rows()))
    assert report.source == "google"
    a, b = report.rows
    assert a.ad_name == "https://shop.example/?utm_content=hero-a_v1"
    assert (a.utm_content, a.start, a.end, a.line) == ("hero-a_v1", date(2026, 11, 3), date(2026, 11, 3), 4)
    assert (a.impressions, a.clicks, a.conversions, a.spend, a.currency) == (
        1200,
        40,
        2.5,
        30.1,
        "USD",
    )  # fractions kept
    assert (b.start, b.impressions, b.conversions, b.spend, b.line) == (date(2026, 11, 4), 900, 1.5, 22.2, 5)
    assert report.skipped == [
        "line 6: totals row 'Total: Account' not counted",
        "line 7: totals row 'Total: Search' not counted",
    ]


def test_google_without_a_day_column_takes_the_range_line(tmp_path: Path) -> None:
    rows = [row[:4] + row[5:] for row in google_rows()]
    rows[1] = ["Nov 1, 2026 - Nov 30, 2026"]
    report = read_report(write_xlsx(tmp_path / "google.xlsx", rows))
    assert {(r.start, r.end) for r in report.rows} == {(date(2026, 11, 1), date(2026, 11, 30))}


def test_google_cost_with_its_currency_and_a_formula_never_run(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Ad name", "Date", "Impressions", "Clicks", "Conversions", "Cost (GBP)"]]
    rows.append(["hero-a", "2026-11-03", 100, 5, 1, "=1000*2"])
    report = read_report(write_xlsx(tmp_path / "formula.xlsx", rows), source="google")
    (row,) = report.rows
    assert (row.spend, row.currency) == (0.0, "GBP")  # a formula without a saved value is empty, never evaluated


def test_generic_csv_with_start_and_end(tmp_path: Path) -> None:
    header = ["ad_name", "start", "end", "impressions", "clicks", "conversions", "spend", "currency", "url"]
    rows = [header, ["hero-a", "2026-11-01", "2026-11-07", "100", "7", "1", "9.99", "USD", "https://x.example/?a=1"]]
    rows.append(["Total makeover", "2026-11-01", "2026-11-07", "1", "1", "0", "1", "USD", ""])  # an ad, not a total
    report = read_report(write_csv(tmp_path / "generic.csv", rows))
    row, makeover = report.rows
    assert makeover.ad_name == "Total makeover"
    assert report.source == "generic"
    assert (row.start, row.end, row.spend, row.utm_content, row.reach) == (
        date(2026, 11, 1),
        date(2026, 11, 7),
        9.99,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("filename", "rows", "source"),
    [
        ("m.csv", meta_rows(), "meta"),
        ("t.csv", [TIKTOK_HEADER], "tiktok"),
        ("g.csv", [["Ad", "Day", "Impr.", "Clicks", "Conversions", "Cost", "Currency code"]], "google"),
        ("x.csv", [GENERIC_HEADER], "generic"),
    ],
)
def test_the_source_is_told_from_the_headers(filename: str, rows: list[list[str]], source: str) -> None:
    assert parse_report(_csv_bytes(rows), filename=filename).source == source


def test_a_source_that_does_not_fit_names_the_missing_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "meta.csv", meta_rows())
    with pytest.raises(InputError) as caught:
        read_report(path, source="tiktok")
    message = str(caught.value)
    assert "meta.csv does not fit a TikTok Ads Manager export" in message
    assert "'Clicks (destination)' or 'Clicks'" in message
    assert "'Cost' or 'Total cost'" in message
    assert "fits a meta report" in message
    assert read_report(path, source="meta").source == "meta"


def test_unknown_headers_list_what_each_source_accepts(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sales.csv", [["order", "amount"], ["1", "2"]])
    with pytest.raises(InputError) as caught:
        read_report(path)
    message = str(caught.value)
    assert "sales.csv has no header row of a known report export" in message
    for name in ("'Amount spent'", "'Clicks (destination)'", "'Impr.'", "'ad_name'"):
        assert name in message


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"impressions": "n/a"}, "line 3: impressions 'n/a' is not a number"),
        ({"clicks": "1.5"}, "line 3: clicks '1.5' is not a whole number"),
        ({"spend": "-3"}, "line 3: spend '-3' is negative"),
        ({"date": "someday"}, "line 3: date 'someday' is not a date"),
        ({"currency": "euro"}, "line 3: currency 'euro' is not an ISO currency code (like USD)"),
        ({"spend": "1e3"}, "line 3: spend '1e3' is not a number"),
        ({"spend": "nan"}, "line 3: spend 'nan' is not a number"),
    ],
)
def test_a_value_that_does_not_read_skips_its_row(tmp_path: Path, cells: dict[str, str], message: str) -> None:
    good = ["hero-a", "2026-11-03", "100", "5", "1", "2.00", "USD"]
    bad = [cells.get(name, value) for name, value in zip(GENERIC_HEADER, good, strict=True)]
    report = read_report(write_csv(tmp_path / "r.csv", [GENERIC_HEADER, good, bad, good]))
    assert [r.line for r in report.rows] == [2, 4]
    assert report.skipped == [message]


def test_a_period_that_ends_before_it_starts_is_skipped(tmp_path: Path) -> None:
    header = ["ad_name", "start", "end", "impressions", "clicks", "conversions", "spend"]
    rows = [header, ["a", "2026-11-05", "2026-11-01", "1", "1", "0", "1"], ["b", "2026-11-05 ~ 2026-11-01"]]
    report = read_report(write_csv(tmp_path / "r.csv", rows))
    assert report.skipped[0] == "line 2: end '2026-11-01' is before start 2026-11-05"
    rows = [GENERIC_HEADER, ["a", "2026-11-05 ~ 2026-11-01", "1", "1", "0", "1", ""]]
    assert read_report(write_csv(tmp_path / "s.csv", rows)).skipped == [
        "line 2: date '2026-11-05 ~ 2026-11-01' ends before it starts"
    ]


def test_quoted_newlines_keep_the_line_of_each_row(tmp_path: Path) -> None:
    rows = [GENERIC_HEADER, ["two\nlines", "2026-11-03", "1", "1", "0", "1", ""], [], ["b", "2026-11-03"] + ["x"] * 5]
    report = read_report(write_csv(tmp_path / "r.csv", rows))
    assert [r.line for r in report.rows] == [2]
    assert report.skipped == ["line 5: impressions 'x' is not a number"]


def test_empty_oversized_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"\xef\xbb\xbf\n")
    with pytest.raises(InputError, match=r"(?s)empty\.csv is empty.*'Amount spent \(USD\)'"):
        read_report(tmp_path / "empty.csv")
    with pytest.raises(InputError, match=r"big\.csv is 50\.0 MB, over the 50 MB limit"):
        parse_report(b"x" * (MAX_BYTES + 1), filename="big.csv")
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match="over the 50 MB limit"):
        read_report(big)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(InputError, match=r"broken\.xlsx is not a readable XLSX workbook"):
        read_report(tmp_path / "broken.xlsx")
    (tmp_path / "latin.csv").write_bytes("ad_name\ncaf\xe9".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.csv is not UTF-8 or UTF-16 text"):
        read_report(tmp_path / "latin.csv")
    with pytest.raises(InputError, match=r"missing\.csv does not exist"):
        read_report(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="has no header row of a Google Ads ad report"):
        read_report(write_xlsx(tmp_path / "blank.xlsx", [["hello"]]), source="google")
    with pytest.raises(InputError, match="unknown report source 'bing'"):
        parse_report(b"ad_name", filename="r.csv", source="bing")  # type: ignore[arg-type]


def test_a_workbook_is_known_by_its_bytes_and_a_broken_sheet_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "google.xlsx", google_rows())
    assert parse_report(path.read_bytes(), filename="upload.csv").source == "google"
    for name, cut in (
        ("head", lambda xml: xml[:40]),
        ("rows", lambda xml: xml[: xml.index(b"</sheetData>")] + b"<row"),
    ):
        # "head": the sheet breaks before its size is read (at load); "rows": it breaks among its rows
        broken = io.BytesIO()
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
            for item in source.infolist():
                xml = source.read(item)
                target.writestr(item, cut(xml) if item.filename == "xl/worksheets/sheet1.xml" else xml)
        with pytest.raises(InputError, match=rf"{name}\.xlsx is not a readable XLSX workbook"):
            parse_report(broken.getvalue(), filename=f"{name}.xlsx")


def test_nul_characters_and_a_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nul\.csv holds NUL characters"):
        parse_report(b"ad_name\x00,date", filename="nul.csv")
    with pytest.raises(InputError, match="cannot be read"):
        read_report(tmp_path)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,234.50", 1234.5),
        ("1.234,50", 1234.5),
        ("USD 12.00", 12.0),
        ("12.5 EUR", 12.5),
        ("7%", 7.0),
        ("\u20ac 1\u202f234,5", 1234.5),  # a narrow no-break space between thousands
        ("1,234,567", 1234567.0),
        (" --", 0.0),
        ("", 0.0),
        (3, 3.0),
    ],
)
def test_amounts_as_the_platforms_print_them(text: str | int, amount: float) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text",
    ["2026-11-03", "2026-11-03 00:00:00", "11/03/2026", "Nov 3, 2026", "November 3, 2026", "2026/11/03", "03.11.2026"],
)
def test_days_as_the_platforms_print_them(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 3)
