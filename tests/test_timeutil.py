"""Times, dates and durations: property-based round trips and the DST edges."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statusgen import timeutil
from statusgen.timeutil import TimeFormatError, end_of_day, parse_duration, parse_time, start_of_day

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = st.sampled_from([dt.UTC, BERLIN, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"),
                         ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Pacific/Chatham")])
AWARE = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=ZONES)


@given(AWARE)
def test_parse_time_round_trips_isoformat(value: dt.datetime) -> None:
    parsed = parse_time(value.isoformat())
    # Compare in UTC: Python never calls a time in a repeated DST hour equal across zones.
    assert parsed.astimezone(dt.UTC) == value.astimezone(dt.UTC)
    assert parsed.utcoffset() == value.utcoffset()


@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_naive_times_are_refused(value: dt.datetime) -> None:
    with pytest.raises(TimeFormatError, match="has no offset"):
        parse_time(value.isoformat())


@pytest.mark.parametrize("text", ["2026-11-20T09:12:00Z", "2026-11-20T09:12Z", "2026-11-20T10:12:00+01:00",
                                  "2026-11-20T10:12:00+0100", "2026-11-20 10:12:00+01:00",
                                  "2026-11-20T04:12:00-05:00"])
def test_offset_spellings(text: str) -> None:
    assert parse_time(text) == dt.datetime(2026, 11, 20, 9, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("text,message", [
    ("2026-11-20", "expected a time, got the date"),
    ("yesterday", "is not a time"),
    ("2026-13-01T00:00:00Z", "is not a time"),
    ("2026-11-20T25:00:00Z", "is not a time"),
    ("", "is not a time"),
])
def test_bad_times(text: str, message: str) -> None:
    with pytest.raises(TimeFormatError, match=message):
        parse_time(text)


@given(st.integers(min_value=1, max_value=10 * 365 * 86400))
def test_duration_round_trip(seconds: int) -> None:
    delta = dt.timedelta(seconds=seconds)
    assert parse_duration(timeutil.format_duration(delta)) == delta


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=5, max_size=5))
def test_duration_units_add_up(parts: list[int]) -> None:
    w, d, h, m, s = parts
    text = "".join(f"{n}{u}" for n, u in zip(parts, "wdhms", strict=True) if n)
    total = dt.timedelta(weeks=w, days=d, hours=h, minutes=m, seconds=s)
    if total > timeutil.LONGEST_DURATION:
        with pytest.raises(TimeFormatError, match="longer than ten years"):
            parse_duration(text)
    elif total:
        assert parse_duration(text) == total
    else:
        with pytest.raises(TimeFormatError):
            parse_duration(text or "0m")


@pytest.mark.parametrize(("text", "ok"), [("3650d", True), ("3650d1s", False), ("521w3d", True),
                                          ("99999999999999w", False), ("1970-01-01", True)])
def test_durations_and_dates_stay_in_range(text: str, ok: bool) -> None:
    """Ten years at most, and years 1970-2199: no arithmetic on what was accepted can overflow."""
    parse = timeutil.parse_date if "-" in text else parse_duration
    if ok:
        parse(text)
    else:
        with pytest.raises(TimeFormatError):
            parse(text)


@pytest.mark.parametrize("text", ["1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00",
                                  "0001-01-01T00:00:00-12:00"])
def test_times_outside_the_years_statusgen_handles_are_refused(text: str) -> None:
    with pytest.raises(TimeFormatError, match="outside 1970-2199"):
        timeutil.parse_time(text)


@pytest.mark.parametrize("text", ["", "30", "m30", "1h 30 min", "30 minutes", "1.5h", "-1h", "0m", "1m1h", "h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_duration(text)


@given(st.text(max_size=12))
def test_duration_parser_never_crashes(text: str) -> None:
    try:
        assert parse_duration(text) > dt.timedelta(0)
    except TimeFormatError as exc:
        assert exc.hint


@given(st.text(max_size=40))
def test_time_parser_never_crashes(text: str) -> None:
    try:
        assert parse_time(text).tzinfo is not None
    except TimeFormatError as exc:
        assert exc.hint


# -- DST: Europe/Berlin springs forward on 2026-03-29 and falls back on 2026-10-25 ------------

def test_spring_forward_day_is_23_hours() -> None:
    day = dt.date(2026, 3, 29)
    assert end_of_day(day, BERLIN) - start_of_day(day, BERLIN) == dt.timedelta(hours=23)


def test_fall_back_day_is_25_hours() -> None:
    day = dt.date(2026, 10, 25)
    assert end_of_day(day, BERLIN) - start_of_day(day, BERLIN) == dt.timedelta(hours=25)
    assert end_of_day(day, BERLIN).astimezone(BERLIN).isoformat() == "2026-10-26T00:00:00+01:00"
    assert start_of_day(day, BERLIN).astimezone(BERLIN).isoformat() == "2026-10-25T00:00:00+02:00"


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)), ZONES)
def test_days_tile_time(day: dt.date, tz: dt.tzinfo) -> None:
    """Consecutive days meet exactly, whatever DST does in between."""
    assert end_of_day(day, tz) == start_of_day(day + dt.timedelta(days=1), tz)
    length = end_of_day(day, tz) - start_of_day(day, tz)
    assert dt.timedelta(hours=22) <= length <= dt.timedelta(hours=26)
    assert end_of_day(day, tz).astimezone(tz).date() == day + dt.timedelta(days=1)


def test_same_wall_time_twice_on_fall_back() -> None:
    """02:30 happens twice on 2026-10-25 in Berlin; the offsets tell them apart."""
    first = parse_time("2026-10-25T02:30:00+02:00")
    second = parse_time("2026-10-25T02:30:00+01:00")
    assert second - first == dt.timedelta(hours=1)


def test_unknown_zone_suggests_the_close_one() -> None:
    with pytest.raises(TimeFormatError) as info:
        timeutil.load_zone("Europe/Berlim")
    assert info.value.hint == "did you mean 'Europe/Berlin'?"


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/localtime", ""])
def test_zone_names_cannot_read_files(name: str) -> None:
    with pytest.raises(TimeFormatError):
        timeutil.load_zone(name)


@pytest.mark.parametrize("minutes,text", [(0, "less than a minute"), (1, "1 min"), (65, "1 h 5 min"),
                                          (1440, "1 day"), (1441, "1 day"), (3000, "2 days 2 h")])
def test_humanize_duration(minutes: int, text: str) -> None:
    assert timeutil.humanize_duration(dt.timedelta(minutes=minutes)) == text
