"""Results read straight from Meta: the Marketing API Insights edge of an ad account, one row per ad and day.

``pull_meta`` asks ``act_…/insights`` (``level=ad``, ``time_increment=1``) through the official
``facebook-business`` SDK, reads every page, and returns a ``ParsedReport`` like a Meta Ads Manager export would
give (source ``"meta"``), for ``import_results``. Each call has its own session and API object: no default API,
account or Graph address of the SDK is set, and its crash reporter (which hooks ``sys.excepthook`` and reports to
Meta) is never turned on. The token travels in the query string of every request, so no message here ever
carries a URL or the token.

What counts as a conversion: Ads Manager's "Results" column counts the result of each campaign's objective. The
Insights edge has no such single number, so a row's conversions are the purchases, leads and registrations of its
``actions`` (``CONVERSION_ACTIONS``): for each of these kinds, the first action type of its list that the row
reports (Meta reports one event under several overlapping types, e.g. ``purchase`` also counts the
``offsite_conversion.fb_pixel_purchase`` ones; adding them would count it twice). Clicks are
``inline_link_clicks`` (Ads Manager's "Link clicks"), the same column an export's ``Link clicks`` gives.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from creative_ai.config import Settings
from creative_ai.errors import ConfigurationError, InputError
from creative_ai.results.models import MetricRow, ParsedReport
from creative_ai.scrub import scrub

__all__ = ["CONVERSION_ACTIONS", "FIELDS", "MAX_MONTHS", "pull_meta"]

# Each kind of result, its action types best first: the broadest (all channels) before the narrower ones it holds.
CONVERSION_ACTIONS: tuple[tuple[str, ...], ...] = (
    ("omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase", "onsite_web_purchase"),
    ("lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"),
    ("omni_complete_registration", "complete_registration", "offsite_conversion.fb_pixel_complete_registration"),
)
FIELDS = (
    "ad_name",
    "ad_id",
    "date_start",
    "date_stop",
    "impressions",
    "reach",
    "inline_link_clicks",
    "spend",
    "account_currency",
    "actions",
)
MAX_MONTHS = 37  # Meta keeps 37 months of Insights
PAGE_LIMIT = 500
MISSING_CREDENTIALS = (
    "no Meta token: set CREATIVE_AI_META_ACCESS_TOKEN (a token with ads_read) and CREATIVE_AI_META_AD_ACCOUNT (act_…)"
)
_AUTH_CODES = frozenset({102, 190, 10, *range(200, 300)})
_RATE_CODES = frozenset({4, 17, 32, 613, *range(80000, 80100)})
_TEMPORARY_CODES = frozenset({1, 2})


def pull_meta(*, settings: Settings, since: date, until: date) -> ParsedReport:
    """Every ad's daily results from ``since`` to ``until`` (both included) in the configured ad account.

    Rows keep the order of the API's answer, ``line`` numbering them from 2 (as if line 1 were a header); rows
    whose dates or numbers do not read are listed in ``skipped``. Raises ``InputError`` for a date range that is
    reversed or over 37 months, and ``ConfigurationError`` without a token or account, and for any failure of the
    Graph API (naming its error code and message, and whether trying again later may help).
    """
    _check_range(since=since, until=until)
    token, account = _credentials(settings)
    rows = _fetch(settings=settings, token=token, account=account, since=since, until=until)
    kept: list[MetricRow] = []
    skipped: list[str] = []
    for index, raw in enumerate(rows):
        line = index + 2
        try:
            kept.append(_metric_row(raw, line=line))
        except _Unreadable as exc:
            skipped.append(f"line {line}: {exc}")
    return ParsedReport(source="meta", rows=kept, skipped=skipped)


def _check_range(*, since: date, until: date) -> None:
    if since > until:
        raise InputError(f"the date range starts after it ends ({since} to {until}): give since on or before until")
    if until > _add_months(since, MAX_MONTHS):
        raise InputError(
            f"the date range {since} to {until} is over {MAX_MONTHS} months, more than Meta keeps: "
            f"ask for at most {MAX_MONTHS} months at a time"
        )


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _credentials(settings: Settings) -> tuple[str, str]:
    token = settings.meta_access_token.get_secret_value().strip() if settings.meta_access_token else ""
    account = (settings.meta_ad_account or "").strip()
    if not token or not account:
        raise ConfigurationError(MISSING_CREDENTIALS)
    number = account.removeprefix("act_")
    if not number.isdigit() or not number.isascii():
        raise ConfigurationError(
            f"CREATIVE_AI_META_AD_ACCOUNT {account!r} is not an ad account id: give act_ and its digits "
            "(Ads Manager shows them in the account menu), e.g. act_1234567890"
        )
    return token, f"act_{number}"


def _fetch(*, settings: Settings, token: str, account: str, since: date, until: date) -> list[dict[str, Any]]:
    """The rows of every page of the account's insights, as plain dicts."""
    import requests
    from facebook_business.adobjects.adaccount import AdAccount  # type: ignore[import-untyped]
    from facebook_business.api import FacebookAdsApi  # type: ignore[import-untyped]
    from facebook_business.exceptions import FacebookError, FacebookRequestError  # type: ignore[import-untyped]
    from facebook_business.session import FacebookSession  # type: ignore[import-untyped]

    session = FacebookSession(access_token=token, timeout=settings.request_timeout)
    if settings.meta_graph_url:
        session.GRAPH = settings.meta_graph_url.rstrip("/")  # on this session only, not the class default
    api = FacebookAdsApi(session)
    params = {
        "level": "ad",
        "time_increment": 1,
        "time_range": {"since": since.isoformat(), "until": until.isoformat()},
        "limit": PAGE_LIMIT,
    }
    # Failures are raised ``from None``: the SDK's and requests' errors hold the request's URL, which carries the
    # token, and a chained cause would print it with any traceback.
    try:
        cursor = AdAccount(account, api=api).get_insights(fields=list(FIELDS), params=params)
        return [_plain(row) for row in cursor]
    except FacebookRequestError as exc:
        raise _graph_error(exc, settings=settings, account=account) from None
    except requests.Timeout:
        raise ConfigurationError(
            f"the Graph API did not answer within {settings.request_timeout:g} s: retrying later may help"
        ) from None
    except requests.ConnectionError:
        raise ConfigurationError(
            "the Graph API could not be reached (connection failed): check the network and CREATIVE_AI_META_GRAPH_URL "
            "if set; retrying later may help"
        ) from None
    except requests.RequestException as exc:
        raise ConfigurationError(
            f"the request to the Graph API failed ({type(exc).__name__}): retrying later may help"
        ) from None
    except (FacebookError, TypeError, ValueError):  # the SDK reading an answer that is not Graph's JSON
        raise ConfigurationError(
            "the Graph API answered something that is not Graph API JSON (a proxy's or gateway's page?): "
            "check CREATIVE_AI_META_GRAPH_URL if set; retrying later may help"
        ) from None
    finally:
        session.requests.close()


def _plain(row: object) -> dict[str, Any]:
    data = row.export_all_data() if hasattr(row, "export_all_data") else row
    if not isinstance(data, Mapping):
        raise TypeError(f"an insights row is a {type(data).__name__}")
    return dict(data)


def _graph_error(exc: Any, *, settings: Settings, account: str) -> ConfigurationError:
    """Graph's error as ours: its code and message (scrubbed of secrets), what to do, whether retrying helps."""
    code = exc.api_error_code()
    subcode = exc.api_error_subcode()
    status = exc.http_status()
    message = scrub(str(exc.api_error_message() or "no message"), settings)
    trace = exc.body().get("error", {}).get("fbtrace_id") if isinstance(exc.body(), dict) else None
    what = f"Graph error {code}" + (f"/{subcode}" if subcode else "") + f" (HTTP {status}): {message}"
    what += f" [fbtrace_id {trace}]" if trace else ""
    if code in _AUTH_CODES:
        return ConfigurationError(
            f"Meta refused the token for {account} ({what}): set CREATIVE_AI_META_ACCESS_TOKEN to a valid token "
            "with ads_read on that account; retrying will not help"
        )
    if code in _RATE_CODES:
        return ConfigurationError(f"Meta's rate limit for {account} was reached ({what}): retrying later may help")
    if code in _TEMPORARY_CODES or exc.api_transient_error() or (isinstance(status, int) and status >= 500):
        return ConfigurationError(f"the Graph API failed for now ({what}): retrying later may help")
    if code is None:
        return ConfigurationError(
            f"the Graph API answered HTTP {status} without a Graph error: check CREATIVE_AI_META_GRAPH_URL if set; "
            "retrying later may help"
        )
    return ConfigurationError(
        f"the Graph API refused the request for {account} ({what}): check CREATIVE_AI_META_AD_ACCOUNT and the "
        "date range; retrying will not help"
    )


class _Unreadable(ValueError):
    """A value of a row that does not read (the row is skipped, saying why)."""


def _metric_row(raw: Mapping[str, Any], *, line: int) -> MetricRow:
    start = _day(raw, "date_start")
    end = _day(raw, "date_stop")
    currency = raw.get("account_currency")
    return MetricRow(
        ad_name=str(raw.get("ad_name") or "").strip(),
        start=start,
        end=end,
        impressions=_count(raw.get("impressions"), "impressions"),
        clicks=_count(raw.get("inline_link_clicks"), "inline_link_clicks"),
        conversions=_conversions(raw.get("actions")),
        spend=_amount(raw.get("spend"), "spend"),
        currency=str(currency).strip().upper() if currency else None,
        line=line,
        utm_content=None,
        reach=_count(raw.get("reach"), "reach"),
    )


def _day(raw: Mapping[str, Any], name: str) -> date:
    value = raw.get(name)
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _Unreadable(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _count(value: object, name: str) -> int:
    """A whole number as Graph sends it (a string); an absent value is 0."""
    if value is None or value == "":
        return 0
    try:
        number = float(str(value))
    except ValueError:
        raise _Unreadable(f"{name} {value!r} is not a number") from None
    if number < 0 or not number.is_integer():
        raise _Unreadable(f"{name} {value!r} is not a count")
    return int(number)


def _amount(value: object, name: str) -> float:
    if value is None or value == "":
        return 0.0
    try:
        number = float(str(value))
    except ValueError:
        raise _Unreadable(f"{name} {value!r} is not a number") from None
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        raise _Unreadable(f"{name} {value!r} is not an amount")
    return number


def _conversions(actions: object) -> int:
    """The row's results: per kind of ``CONVERSION_ACTIONS``, the value of the first action type it reports."""
    if actions is None or actions == "":
        return 0
    if not isinstance(actions, Iterable) or isinstance(actions, str | bytes | Mapping):
        raise _Unreadable(f"actions {actions!r} is not a list of actions")
    values: dict[str, int] = {}
    for action in actions:
        if not isinstance(action, Mapping):
            raise _Unreadable(f"actions holds {action!r}, not an action")
        kind = str(action.get("action_type", ""))
        values[kind] = values.get(kind, 0) + _count(action.get("value"), f"actions {kind}")
    total = 0
    for types in CONVERSION_ACTIONS:
        total += next((values[t] for t in types if t in values), 0)
    return total
