"""Results pulled from the Meta Marketing API (a fake Graph server of our own) store what an Ads Manager export of
the same numbers stores; paging, the request's parameters, refusals and Graph failures, and no global SDK state."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from facebook_business.api import FacebookAdsApi  # type: ignore[import-untyped]
from facebook_business.session import FacebookSession  # type: ignore[import-untyped]
from pydantic import SecretStr

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import ConfigurationError, InputError
from creative_ai.results.ingest import import_results
from creative_ai.results.pull_meta import FIELDS, pull_meta
from creative_ai.results.sources import parse_report
from tests.fake_graph import FakeGraph
from tests.servers import free_port

CAMPAIGN = "spring-sale"
ADS = ["spring_p1_en_1x1_v1", "spring_p1_en_9x16_v1", "spring_p2_de_1x1_v1"]
SINCE, UNTIL = date(2026, 11, 1), date(2026, 11, 3)

# (ad, day, impressions, reach, link clicks, spend, actions, the Results Ads Manager shows): Meta reports one
# purchase under several overlapping action types, so the results are not the sum of every action listed.
DAYS: list[tuple[str, str, int, int, int | None, str, list[tuple[str, int]] | None, int]] = [
    (ADS[0], "2026-11-01", 1200, 950, 31, "12.40", [("link_click", 31), ("purchase", 3), ("omni_purchase", 3)], 3),
    (ADS[0], "2026-11-02", 1530, 1101, 44, "15.05", [("offsite_conversion.fb_pixel_purchase", 2)], 2),
    (ADS[0], "2026-11-03", 980, 870, None, "9.99", None, 0),
    (ADS[1], "2026-11-01", 2210, 1800, 52, "20.00", [("omni_purchase", 4), ("purchase", 4), ("link_click", 52)], 4),
    (ADS[1], "2026-11-02", 2050, 1640, 47, "18.75", [("lead", 2), ("onsite_conversion.lead_grouped", 2)], 2),
    (ADS[1], "2026-11-03", 1990, 1622, 39, "17.10", [("complete_registration", 1), ("purchase", 1)], 2),
    (ADS[2], "2026-11-01", 640, 600, 9, "4.31", [("post_engagement", 12)], 0),
    (ADS[2], "2026-11-02", 702, 655, 12, "5.02", [("offsite_conversion.fb_pixel_lead", 1)], 1),
    (ADS[2], "2026-11-03", 815, 700, 15, "6.66", [("purchase", 1), ("offsite_conversion.fb_pixel_purchase", 1)], 1),
]


def graph_rows() -> list[dict[str, Any]]:
    """The days as the Insights edge sends them: numbers as strings, a field with nothing to count left out."""
    rows = []
    for n, (ad, day, impressions, reach, clicks, spend, actions, _results) in enumerate(DAYS):
        row: dict[str, Any] = {
            "ad_name": ad,
            "ad_id": str(23850000000000 + ADS.index(ad)),
            "date_start": day,
            "date_stop": day,
            "impressions": str(impressions),
            "reach": str(reach),
            "spend": spend,
            "account_currency": "USD",
        }
        if clicks is not None:
            row["inline_link_clicks"] = str(clicks)
        if actions is not None:
            row["actions"] = [{"action_type": kind, "value": str(value)} for kind, value in actions]
        rows.append(row if n % 2 else {k: row[k] for k in reversed(row)})  # Graph does not promise an order
    return rows


def ads_manager_csv() -> bytes:
    """An Ads Manager export of the same days (Breakdown: Day), with its real header names."""
    header = ["Ad name", "Day", "Reporting starts", "Reporting ends", "Impressions", "Reach", "Link clicks"]
    header += ["Results", "Amount spent (USD)"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for ad, day, impressions, reach, clicks, spend, _actions, results in DAYS:
        writer.writerow(
            [ad, day, SINCE.isoformat(), UNTIL.isoformat(), impressions, reach, clicks or 0, results, spend]
        )
    return out.getvalue().encode("utf-8")


def make_repo(path: Path) -> Repository:
    """A migrated SQLite repository that knows the campaign's creatives by their ad names."""
    repo = Repository.open("sqlite:///" + str(path))
    repo.save_campaign(
        campaign_id=CAMPAIGN,
        name="Spring sale",
        status="succeeded",
        brief={"campaign": CAMPAIGN},
        brief_sha256="0" * 64,
        target_market="EU",
        output_dir="outputs",
        products=[("p1", "Product 1", None), ("p2", "Product 2", None)],
    )
    for ad in ADS:
        _, product, locale, ratio, _ = ad.split("_")
        repo.record_version(
            ad_name=ad,
            campaign_id=CAMPAIGN,
            product_id=product,
            locale=locale,
            aspect_ratio=ratio,
            version=1,
            sha256=ad.encode().hex().ljust(64, "0")[:64],
            previous_ad_name=None,
            message="Fresh for spring",
            cta="Shop now",
            hero="hero.png",
        )
    return repo


def stored(repo: Repository) -> list[tuple[object, ...]]:
    return [
        (m.ad_name, m.period_start, m.period_end, m.impressions, m.clicks, m.conversions, m.spend, m.currency, m.reach)
        for m in repo.metrics(CAMPAIGN)
    ]


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph() as fake:
        fake.serve("act_1", graph_rows(), page_size=4)
        yield fake


def settings_for(graph: FakeGraph, tmp_path: Path, *, token: str | None = None, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "meta_access_token": SecretStr(token or graph.access_token),
        "meta_ad_account": "act_1",
        "meta_graph_url": graph.url,
        "database_url": "sqlite:///" + str(tmp_path / "settings.db"),
        **extra,
    }
    return Settings(**values)


def test_pulled_results_store_what_the_ads_manager_export_stores(graph: FakeGraph, tmp_path: Path) -> None:
    report = pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert graph.count == 3  # 9 rows in pages of 4
    assert report.source == "meta" and report.skipped == []
    pulled = make_repo(tmp_path / "pulled.db")
    summary = import_results(report, repo=pulled, origin="meta:act_1")
    assert (summary.rows, summary.matched, summary.unmatched, summary.added) == (9, 9, [], 9)

    data = ads_manager_csv()
    exported = make_repo(tmp_path / "exported.db")
    from_file = import_results(parse_report(data, filename="export.csv"), repo=exported, origin="export.csv", data=data)
    assert (from_file.rows, from_file.matched, from_file.added) == (9, 9, 9)

    assert stored(pulled) == stored(exported)
    assert len(stored(pulled)) == 9
    assert summary.file_totals == from_file.file_totals
    # The numbers themselves, not only their agreement: overlapping action types counted once, absent = 0.
    first = stored(pulled)[0]
    assert first == (ADS[0], date(2026, 11, 1), date(2026, 11, 1), 1200, 31, 3, 12.40, "USD", 950)
    assert [m.clicks for m in pulled.metrics(CAMPAIGN) if m.ad_name == ADS[0]] == [31, 44, 0]
    assert sum(m.conversions for m in pulled.metrics(CAMPAIGN)) == sum(d[-1] for d in DAYS)


def test_every_page_is_read_and_the_request_asks_for_daily_ad_rows(graph: FakeGraph, tmp_path: Path) -> None:
    report = pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert graph.count >= 2
    first, second = graph.requests[0], graph.requests[1]
    assert "after" not in first.params and second.params["after"]
    for request in graph.requests:
        assert request.path == f"/{FacebookAdsApi.API_VERSION}/act_1/insights"
        assert request.params["level"] == "ad"
        assert request.params["time_increment"] == "1"
        assert json.loads(request.params["time_range"]) == {"since": "2026-11-01", "until": "2026-11-03"}
        assert request.params["limit"] == "500"
        assert set(request.params["fields"].split(",")) == set(FIELDS)
    assert [r.line for r in report.rows] == list(range(2, 11))  # the row's index in the answer, from 2
    assert [(r.ad_name, r.start.isoformat()) for r in report.rows] == [(d[0], d[1]) for d in DAYS]
    assert all(r.utm_content is None and r.start == r.end for r in report.rows)


def test_one_page_is_one_request(graph: FakeGraph, tmp_path: Path) -> None:
    graph.serve("act_1", graph_rows()[:3], page_size=10)
    report = pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert len(report.rows) == 3 and graph.count == 1


def test_a_wrong_token_names_graph_error_190_and_never_the_token(graph: FakeGraph, tmp_path: Path) -> None:
    token = "EAAwrongwrongwrong0123456789"
    with pytest.raises(ConfigurationError) as caught:
        pull_meta(settings=settings_for(graph, tmp_path, token=token), since=SINCE, until=UNTIL)
    text = str(caught.value)
    assert "190" in text and "CREATIVE_AI_META_ACCESS_TOKEN" in text and "will not help" in text
    assert token not in text and "access_token=" not in text and graph.url not in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no chained URL either
    assert graph.requests[0].status == 400


@pytest.mark.parametrize("missing", ["meta_access_token", "meta_ad_account"])
def test_no_token_or_account_is_refused_before_any_request(graph: FakeGraph, tmp_path: Path, missing: str) -> None:
    settings = settings_for(graph, tmp_path, **{missing: None})
    with pytest.raises(ConfigurationError, match="CREATIVE_AI_META_ACCESS_TOKEN") as caught:
        pull_meta(settings=settings, since=SINCE, until=UNTIL)
    assert "CREATIVE_AI_META_AD_ACCOUNT" in str(caught.value)
    assert graph.count == 0


def test_an_account_that_is_not_an_id_is_refused(graph: FakeGraph, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="act_1234567890"):
        pull_meta(settings=settings_for(graph, tmp_path, meta_ad_account="My shop"), since=SINCE, until=UNTIL)
    assert graph.count == 0
    report = pull_meta(settings=settings_for(graph, tmp_path, meta_ad_account="1"), since=SINCE, until=UNTIL)
    assert len(report.rows) == 9 and graph.requests[0].path.endswith("/act_1/insights")


def test_no_global_sdk_state_is_left_or_used(graph: FakeGraph, tmp_path: Path) -> None:
    hook, default_api, default_graph = sys.excepthook, FacebookAdsApi.get_default_api(), FacebookSession.GRAPH
    pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert sys.excepthook is hook  # the SDK's crash reporter stayed off
    assert FacebookAdsApi.get_default_api() is default_api
    assert FacebookAdsApi.get_default_account_id() is None
    assert FacebookSession.GRAPH == default_graph == "https://graph.facebook.com"
    # A second account with another token on another server: each call uses its own.
    with FakeGraph(access_token="EAAsecondtoken9876543210") as other:
        other.serve("act_2", graph_rows()[:2])
        settings = settings_for(other, tmp_path, meta_ad_account="act_2")
        assert len(pull_meta(settings=settings, since=SINCE, until=UNTIL).rows) == 2
        assert other.requests[0].params["access_token"] == "EAAsecondtoken9876543210"
    assert len(pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL).rows) == 9
    assert graph.requests[-1].params["access_token"] == graph.access_token


@pytest.mark.parametrize(
    ("status", "code", "message", "transient", "expected"),
    [
        (400, 17, "User request limit reached", False, "rate limit"),
        (400, 80000, "There have been too many calls from this ad-account", False, "rate limit"),
        (500, 2, "Service temporarily unavailable", True, "failed for now"),
        (403, 200, "Requires ads_read permission", False, "refused the token"),
    ],
)
def test_graph_failures_name_the_code_and_say_whether_retrying_helps(
    graph: FakeGraph, tmp_path: Path, status: int, code: int, message: str, transient: bool, expected: str
) -> None:
    graph.fail(status=status, code=code, message=message, transient=transient)
    with pytest.raises(ConfigurationError) as caught:
        pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    text = str(caught.value)
    assert f"Graph error {code}" in text and message in text and expected in text
    assert ("retrying later may help" in text) == (expected != "refused the token")
    assert graph.access_token not in text and "access_token=" not in text and graph.url not in text


def test_a_failure_on_a_later_page_fails_the_pull(graph: FakeGraph, tmp_path: Path) -> None:
    graph.fail(status=503, code=2, message="Service temporarily unavailable", transient=True, on_request=2)
    with pytest.raises(ConfigurationError, match="Graph error 2 "):
        pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert graph.count == 2 and graph.requests[0].status == 200 and graph.requests[1].status == 503
    assert graph.requests[1].params["after"]


def test_an_answer_that_is_not_graph_json_is_a_clear_error(graph: FakeGraph, tmp_path: Path) -> None:
    graph.fail(status=502, raw="<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ConfigurationError, match="not Graph API JSON") as caught:
        pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert graph.access_token not in str(caught.value)


def test_an_unreachable_graph_is_a_clear_error_without_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = Settings(
        meta_access_token=SecretStr("EAAunreachable0123456789"),
        meta_ad_account="act_1",
        meta_graph_url=url,
        database_url="sqlite:///" + str(tmp_path / "x.db"),
    )
    with pytest.raises(ConfigurationError, match="could not be reached") as caught:
        pull_meta(settings=settings, since=SINCE, until=UNTIL)
    text = str(caught.value)
    assert "EAAunreachable" not in text and url not in text and "access_token" not in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_rows_that_do_not_read_are_skipped_with_their_line(graph: FakeGraph, tmp_path: Path) -> None:
    rows = graph_rows()[:3]
    rows[1] = {**rows[1], "impressions": "n/a"}
    rows[2] = {**rows[2], "date_start": None}
    graph.serve("act_1", rows)
    report = pull_meta(settings=settings_for(graph, tmp_path), since=SINCE, until=UNTIL)
    assert [r.line for r in report.rows] == [2]
    assert report.skipped == [
        "line 3: impressions 'n/a' is not a number",
        "line 4: date_start None is not a date (YYYY-MM-DD)",
    ]


def test_date_ranges_meta_cannot_answer_are_refused(graph: FakeGraph, tmp_path: Path) -> None:
    settings = settings_for(graph, tmp_path)
    with pytest.raises(InputError, match="starts after it ends"):
        pull_meta(settings=settings, since=date(2026, 11, 3), until=date(2026, 11, 2))
    with pytest.raises(InputError, match="over 37 months"):
        pull_meta(settings=settings, since=date(2023, 10, 31), until=date(2026, 12, 1))
    assert graph.count == 0
    pull_meta(settings=settings, since=date(2023, 10, 31), until=date(2026, 11, 30))  # 37 months exactly
    pull_meta(settings=settings, since=SINCE, until=SINCE)  # one day
    assert graph.count == 6
