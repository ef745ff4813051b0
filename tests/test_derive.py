"""What the site says at an instant: indicator, component states, deadlines, promises, uptime."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen.content.loader import load_site
from statusgen.content.model import ComponentStatus, IncidentStatus, MaintenanceStatus
from statusgen.timeutil import parse_time
from statusgen.view import CommitmentState, Indicator, derive

from .conftest import NOW

OPEN_INCIDENT = """
title: Login failures
impact: {impact}
components: {{api: partial_outage}}
started_at: 2026-11-25T10:00:00+01:00
updates:
  - at: 2026-11-25T10:10:00+01:00
    status: investigating
    body: Some logins fail.
  - at: 2026-11-25T11:00:00+01:00
    status: identified
    components: {{web: degraded_performance}}
    body: A certificate expired.
    {promise}
"""


def view_of(site: Path, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    return derive(load_site(site), now)


def test_quiet_site(make_site: Callable[..., Path]) -> None:
    view = view_of(make_site())
    assert view.indicator is Indicator.NONE
    assert view.indicator.description == "All Systems Operational"
    assert all(c.status is ComponentStatus.OPERATIONAL for c in view.components.values())
    assert view.open_incidents == []
    assert [i.id for i in view.recent_incidents] == ["2026-11-20-api-errors"]


@pytest.mark.parametrize("impact,indicator", [("none", Indicator.NONE), ("minor", Indicator.MINOR),
                                              ("major", Indicator.MAJOR), ("critical", Indicator.CRITICAL)])
def test_indicator_follows_the_worst_open_impact(make_site: Callable[..., Path], impact: str,
                                                 indicator: Indicator) -> None:
    site = make_site({"incidents/2026-11-25-login.yaml": OPEN_INCIDENT.format(impact=impact, promise="")})
    assert view_of(site).indicator is indicator


def test_component_status_is_the_worst_of_open_incidents(make_site: Callable[..., Path]) -> None:
    site = make_site({
        "incidents/2026-11-25-login.yaml": OPEN_INCIDENT.format(impact="major", promise=""),
        "incidents/2026-11-25-other.yaml": """
            title: API slow
            impact: minor
            components: {api: degraded_performance, email: major_outage}
            updates:
              - {at: 2026-11-25T11:30:00+01:00, status: investigating, body: Slow.}
        """,
    })
    view = view_of(site)
    assert view.components["api"].status is ComponentStatus.PARTIAL_OUTAGE
    assert view.components["web"].status is ComponentStatus.DEGRADED_PERFORMANCE
    assert view.components["email"].status is ComponentStatus.MAJOR_OUTAGE
    assert [i.id for i in view.open_incidents] == ["2026-11-25-other", "2026-11-25-login"]


def test_next_update_from_policy_then_overdue(make_site: Callable[..., Path]) -> None:
    site = make_site({"incidents/2026-11-25-login.yaml": OPEN_INCIDENT.format(impact="major", promise="")})
    # Policy default for major: 1h after the last update (11:00).
    at_limit = view_of(site, parse_time("2026-11-25T12:00:00+01:00")).open_incidents[0]
    assert at_limit.next_update_by == parse_time("2026-11-25T12:00:00+01:00")
    assert not at_limit.next_update_promised
    assert not at_limit.overdue
    late = view_of(site, parse_time("2026-11-25T12:00:01+01:00")).open_incidents[0]
    assert late.overdue


def test_next_update_from_promise(make_site: Callable[..., Path]) -> None:
    site = make_site({"incidents/2026-11-25-login.yaml": OPEN_INCIDENT.format(
        impact="major", promise="next_update_in: 2h")})
    incident = view_of(site).open_incidents[0]
    assert incident.next_update_by == parse_time("2026-11-25T13:00:00+01:00")
    assert incident.next_update_promised
    assert incident.status is IncidentStatus.IDENTIFIED


def test_resolution_clears_components_and_sets_duration(make_site: Callable[..., Path]) -> None:
    view = view_of(make_site())
    incident = view.incidents[0]
    assert not incident.is_open
    assert incident.resolved_at == parse_time("2026-11-20T10:00:00+01:00")
    assert incident.duration == dt.timedelta(hours=1)
    assert incident.next_update_by is None
    assert [(s.component, s.status) for s in incident.segments] == [("api", ComponentStatus.PARTIAL_OUTAGE)]


def test_correction_does_not_move_resolution(make_site: Callable[..., Path]) -> None:
    site = make_site({"incidents/2026-11-20-api-errors.yaml": """
        title: API errors
        impact: minor
        components: {api: partial_outage}
        updates:
          - {at: 2026-11-20T09:00:00+01:00, status: investigating, body: Errors.}
          - {at: 2026-11-20T10:00:00+01:00, status: resolved, body: Fixed after an hour.}
          - {at: 2026-11-20T12:00:00+01:00, corrects: 2, body: It lasted 70 minutes.}
    """})
    incident = view_of(site).incidents[0]
    assert incident.status is IncidentStatus.RESOLVED
    assert incident.resolved_at == parse_time("2026-11-20T10:00:00+01:00")
    assert [u.number for u in incident.corrected_by[2]] == [3]


def test_maintenance_follows_the_clock_unless_told(make_site: Callable[..., Path]) -> None:
    site = make_site()
    assert view_of(site).upcoming_maintenance[0].status is MaintenanceStatus.SCHEDULED
    running = view_of(site, parse_time("2026-12-01T03:00:00Z"))
    assert running.indicator is Indicator.MAINTENANCE
    assert running.components["web"].status is ComponentStatus.UNDER_MAINTENANCE
    assert running.maintenance[0].status is MaintenanceStatus.IN_PROGRESS
    done = view_of(site, parse_time("2026-12-01T05:00:00Z"))
    assert done.maintenance[0].status is MaintenanceStatus.COMPLETED
    assert done.components["web"].status is ComponentStatus.OPERATIONAL


def test_overrunning_maintenance_stays_in_progress(make_site: Callable[..., Path]) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": """
        title: Database upgrade
        components: [web]
        announced_at: 2026-11-20T10:00:00Z
        starts_at: 2026-12-01T02:00:00Z
        ends_at: 2026-12-01T04:00:00Z
        body: Read-only for two hours.
        updates:
          - {at: 2026-12-01T02:00:00Z, status: in_progress, body: Started.}
    """})
    view = view_of(site, parse_time("2026-12-01T06:00:00Z"))
    assert view.maintenance[0].status is MaintenanceStatus.IN_PROGRESS
    assert view.components["web"].status is ComponentStatus.UNDER_MAINTENANCE


def test_cancelled_maintenance_affects_nothing(make_site: Callable[..., Path]) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": """
        title: Database upgrade
        components: [web]
        announced_at: 2026-11-20T10:00:00Z
        starts_at: 2026-12-01T02:00:00Z
        ends_at: 2026-12-01T04:00:00Z
        body: Read-only for two hours.
        updates:
          - {at: 2026-11-28T02:00:00Z, status: cancelled, body: Not needed after all.}
    """})
    view = view_of(site, parse_time("2026-12-01T03:00:00Z"))
    assert view.maintenance[0].status is MaintenanceStatus.CANCELLED
    assert view.indicator is Indicator.NONE
    assert view.upcoming_maintenance == []


COMMITMENT = """
title: Canary deploys
made_at: 2026-11-01T12:00:00+01:00
due: 2026-11-20
body: Every deploy goes to 5% first.
updates:
{updates}
"""


@pytest.mark.parametrize("updates,state", [
    ("  []", CommitmentState.BROKEN),  # due date passed, nothing said
    ("  - {at: 2026-11-19T12:00:00+01:00, status: delivered, body: Done.}", CommitmentState.KEPT),
    ("  - {at: 2026-11-20T23:59:00+01:00, status: delivered, body: Done.}", CommitmentState.KEPT),
    ("  - {at: 2026-11-21T00:00:01+01:00, status: delivered, body: Done.}", CommitmentState.LATE),
    ("  - {at: 2026-11-18T12:00:00+01:00, status: at_risk, due: 2026-12-20, body: Vendor delay.}",
     CommitmentState.AT_RISK),
    ("  - {at: 2026-11-18T12:00:00+01:00, status: in_progress, due: 2026-12-20, body: Vendor delay.}",
     CommitmentState.OPEN),
    # A new date announced only after the old one passed does not un-break the promise.
    ("  - {at: 2026-11-22T12:00:00+01:00, status: at_risk, due: 2026-12-20, body: Vendor delay.}",
     CommitmentState.BROKEN),
    ("  - {at: 2026-11-18T12:00:00+01:00, status: withdrawn, body: Replaced by blue-green deploys.}",
     CommitmentState.WITHDRAWN),
])
def test_commitment_states(make_site: Callable[..., Path], updates: str, state: CommitmentState) -> None:
    site = make_site({"commitments/2026-11-22-canary-deploys.yaml": COMMITMENT.format(updates=updates)})
    view = view_of(site)
    assert view.commitments[0].state is state


def test_moved_date_keeps_the_original(make_site: Callable[..., Path]) -> None:
    site = make_site({"commitments/2026-11-22-canary-deploys.yaml": COMMITMENT.format(
        updates="  - {at: 2026-11-18T12:00:00+01:00, status: at_risk, due: 2026-12-20, body: Vendor delay.}")})
    commitment = view_of(site).commitments[0]
    assert commitment.original_due.value == dt.date(2026, 11, 20)
    assert commitment.current_due.value == dt.date(2026, 12, 20)
    assert [c.in_time for c in commitment.changes] == [True]


def test_due_date_ends_at_local_midnight_across_dst(make_site: Callable[..., Path]) -> None:
    """A date means the end of that day in the site's zone, also on the 25-hour day."""
    site = make_site({"commitments/2026-11-22-canary-deploys.yaml": """
        title: Canary deploys
        made_at: 2026-10-01T12:00:00+02:00
        due: 2026-10-25
        body: Every deploy goes to 5% first.
    """})
    commitment = view_of(site, parse_time("2026-10-25T23:59:59+01:00")).commitments[0]
    assert commitment.original_due.deadline == parse_time("2026-10-26T00:00:00+01:00")
    assert commitment.state is CommitmentState.OPEN
    assert view_of(site, parse_time("2026-10-26T00:00:01+01:00")).commitments[0].state is CommitmentState.BROKEN


def test_uptime_counts_outage_minutes_per_local_day(make_site: Callable[..., Path]) -> None:
    view = view_of(make_site())
    api = view.components["api"]
    day = next(d for d in api.days if d.date == dt.date(2026, 11, 20))
    assert day.worst is ComponentStatus.PARTIAL_OUTAGE
    assert day.minutes == {ComponentStatus.PARTIAL_OUTAGE: 60}
    assert day.sources == ["incidents/2026-11-20-api-errors"]
    # A partial outage counts half: 30 minutes of a 24-hour day.
    assert day.uptime == pytest.approx(1 - 30 / 1440)
    assert len(api.days) == 90 and api.days[-1].date == dt.date(2026, 11, 25)
    assert view.components["email"].uptime == 1.0


def test_uptime_splits_an_outage_across_the_dst_night(make_site: Callable[..., Path]) -> None:
    """From 23:00 CEST on Oct 24 to 01:00 CET on Oct 25 is 3 hours: 1 on the 24th, 2 on the 25th."""
    site = make_site({"incidents/2026-10-24-night.yaml": """
        title: Night outage
        impact: critical
        components: {email: major_outage}
        started_at: 2026-10-24T23:00:00+02:00
        updates:
          - {at: 2026-10-24T23:05:00+02:00, status: investigating, body: Email is down.}
          - {at: 2026-10-25T02:00:00+01:00, status: resolved, body: Email works again after three hours.}
    """})
    email = view_of(site).components["email"]
    by_date = {d.date: d for d in email.days}
    assert by_date[dt.date(2026, 10, 24)].minutes == {ComponentStatus.MAJOR_OUTAGE: 60}
    assert by_date[dt.date(2026, 10, 25)].minutes == {ComponentStatus.MAJOR_OUTAGE: 180}
    # The 25th has 25 hours.
    assert by_date[dt.date(2026, 10, 25)].uptime == pytest.approx(1 - 180 / (25 * 60))


def test_overlapping_incidents_count_once_at_the_worst_status(make_site: Callable[..., Path]) -> None:
    site = make_site({
        "incidents/2026-11-20-api-errors.yaml": None,
        "commitments/2026-11-22-canary-deploys.yaml": None,
        "incidents/2026-11-24-a.yaml": """
            title: A
            impact: minor
            components: {api: degraded_performance}
            updates:
              - {at: 2026-11-24T10:00:00+01:00, status: investigating, body: Slow.}
              - {at: 2026-11-24T12:00:00+01:00, status: resolved, body: Fine after two hours.}
        """,
        "incidents/2026-11-24-b.yaml": """
            title: B
            impact: major
            components: {api: major_outage}
            updates:
              - {at: 2026-11-24T11:00:00+01:00, status: investigating, body: Down.}
              - {at: 2026-11-24T11:30:00+01:00, status: resolved, body: Up after 30 minutes.}
        """,
    })
    day = view_of(site).components["api"].days[-2]
    assert day.date == dt.date(2026, 11, 24)
    assert day.minutes == {ComponentStatus.DEGRADED_PERFORMANCE: 90, ComponentStatus.MAJOR_OUTAGE: 30}
    assert day.worst is ComponentStatus.MAJOR_OUTAGE
    assert day.sources == ["incidents/2026-11-24-a", "incidents/2026-11-24-b"]


def test_history_months_link_both_ways(make_site: Callable[..., Path]) -> None:
    view = view_of(make_site())
    assert [(m.year, m.month) for m in view.months] == [(2026, 12), (2026, 11)]
    december, november = view.months
    assert december.previous.path == november.path and november.next.path == december.path
    assert november.previous is None and december.next is None
