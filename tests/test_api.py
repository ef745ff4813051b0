"""The JSON API: Statuspage v2 documents checked against a schema written from its documentation."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from statusgen.build import build
from statusgen.outputs.statuspage import stable_id

from .conftest import BASE_SITE, EXAMPLE_SITE, NOW, TESTS

SCHEMA = json.loads((TESTS / "schemas" / "statuspage-v2.json").read_text(encoding="utf-8"))
DOCUMENTS = {
    "summary.json": "summary",
    "status.json": "status_document",
    "components.json": "components_document",
    "incidents.json": "incidents_document",
    "incidents/unresolved.json": "incidents_document",
    "scheduled-maintenances.json": "scheduled_maintenances_document",
    "scheduled-maintenances/upcoming.json": "scheduled_maintenances_document",
    "scheduled-maintenances/active.json": "scheduled_maintenances_document",
}
RUNNING = """
title: Email relay upgrade
components: [email]
announced_at: 2026-11-20T10:00:00+01:00
starts_at: 2026-11-25T11:00:00+01:00
ends_at: 2026-11-25T13:00:00+01:00
body: Short pauses.
updates:
  - {at: 2026-11-25T11:01:00+01:00, status: in_progress, body: Started.}
"""


def validator(document: str) -> jsonschema.Draft202012Validator:
    schema = dict(SCHEMA, **{"$ref": f"#/$defs/{document}"})
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    # Without rfc3339-validator and rfc3986-validator, jsonschema skips these formats silently.
    assert {"date-time", "uri", "date"} <= set(checker.checkers)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def load(out: Path, name: str) -> Any:
    raw = (out / "api" / "v2" / name).read_bytes()
    assert raw.endswith(b"}\n")
    return json.loads(raw)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api") / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    return out


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base site with a maintenance running at NOW and an incident open."""
    site = tmp_path_factory.mktemp("busy") / "site"
    shutil.copytree(BASE_SITE, site)
    (site / "maintenance" / "2026-11-25-storage.yaml").write_text(RUNNING.lstrip(), encoding="utf-8")
    (site / "incidents" / "2026-11-25-web.yaml").write_text(
        "title: Website slow\nimpact: minor\ncomponents: {web: degraded_performance}\nupdates:\n"
        "  - {at: 2026-11-25T11:00:00+01:00, status: investigating, body: Slow pages.}\n"
        "  - {at: 2026-11-25T11:30:00+01:00, status: monitoring, components: {web: operational}, "
        "body: Better.}\n", encoding="utf-8")
    out = site.parent / "public"
    build(site, out, now=NOW)
    return out


@pytest.mark.parametrize("site", ["example", "busy"])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_v2_documents_match_the_schema(request: pytest.FixtureRequest, site: str, name: str) -> None:
    out = request.getfixturevalue(site)
    errors = sorted(validator(DOCUMENTS[name]).iter_errors(load(out, name)), key=lambda e: e.json_path)
    assert [f"{e.json_path}: {e.message}" for e in errors][:5] == []


def test_schema_is_strict(example: Path) -> None:
    """The checks above mean something: an unknown field or value is rejected."""
    summary = load(example, "summary.json")
    summary["components"][1]["uptime"] = 0.99
    assert not validator("summary").is_valid(summary)
    summary = load(example, "summary.json")
    summary["status"]["indicator"] = "green"
    assert not validator("summary").is_valid(summary)
    summary = load(example, "summary.json")
    summary["page"]["updated_at"] = "2026-11-25T12:00:00"  # no offset
    assert not validator("summary").is_valid(summary)


def test_summary_agrees_with_the_other_documents(busy: Path) -> None:
    summary = load(busy, "summary.json")
    assert summary["page"] == load(busy, "status.json")["page"]
    assert summary["status"] == load(busy, "status.json")["status"] == {
        "indicator": "minor", "description": "Minor Service Outage"}
    assert summary["components"] == load(busy, "components.json")["components"]
    assert summary["incidents"] == load(busy, "incidents/unresolved.json")["incidents"]
    active = load(busy, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    upcoming = load(busy, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert summary["scheduled_maintenances"] == active + upcoming  # by start: the running one began first
    assert [m["status"] for m in active] == ["in_progress"]
    assert [m["status"] for m in upcoming] == ["scheduled"]
    web = next(c for c in summary["components"] if c["id"] == "web")
    assert web["status"] == "operational"  # an update set it back while the incident stays open
    assert web["updated_at"] == "2026-11-25T11:30:00.000+01:00"


def test_components_with_group_containers(example: Path) -> None:
    components = load(example, "components.json")["components"]
    by_id = {c["id"]: c for c in components}
    assert len(by_id) == len(components)
    groups = [c for c in components if c["group"]]
    assert [g["name"] for g in groups] == ["Platform", "Data"]
    assert groups[0]["components"] == ["api", "dashboard", "auth"]
    for group in groups:
        assert group["id"] == stable_id("group", group["name"])
        for child in group["components"]:
            assert by_id[child]["group_id"] == group["id"]
    assert by_id["email"]["group_id"] is None
    assert [c["position"] for c in components if c["group_id"] is None] == [1, 2, 3, 4]
    assert by_id["auth"]["status"] == "partial_outage"
    assert by_id["api"]["description"] == "REST API at api.acme.example, including the CLI and SDKs."


def test_incident_updates_and_affected_components(example: Path) -> None:
    incidents = load(example, "incidents.json")["incidents"]
    latency = next(i for i in incidents if i["name"] == "Elevated API latency in eu-west")
    assert latency["id"] == stable_id("incident", "2026-11-20-api-latency")
    assert latency["shortlink"] == "https://status.acme.example/incidents/2026-11-20-api-latency/"
    assert latency["status"] == "resolved" and latency["impact"] == "minor"
    assert latency["started_at"] == "2026-11-20T09:12:00.000+01:00"
    assert latency["monitoring_at"] == "2026-11-20T10:24:00.000+01:00"
    assert latency["resolved_at"] == "2026-11-20T10:52:00.000+01:00"
    updates = latency["incident_updates"]
    assert [u["status"] for u in updates] == [
        "resolved", "monitoring", "identified", "identified", "investigating"]
    assert all(u["incident_id"] == latency["id"] for u in updates)
    changes = [[(a["code"], a["old_status"], a["new_status"]) for a in u["affected_components"] or []]
               for u in reversed(updates)]
    assert changes == [
        [("api", "operational", "degraded_performance")],
        [("api", "degraded_performance", "partial_outage")],
        [],  # a correction changes no component: null
        [("api", "partial_outage", "degraded_performance")],
        [("api", "degraded_performance", "operational")],
    ]
    assert updates[2]["affected_components"] is None


def test_incidents_list_is_recent_and_unresolved_only_open(example: Path) -> None:
    incidents = load(example, "incidents.json")["incidents"]
    assert len(incidents) == 10
    unresolved = load(example, "incidents/unresolved.json")["incidents"]
    assert [i["name"] for i in unresolved] == ["Single sign-on (SAML) sign-in failing"]
    assert {i["status"] for i in incidents} >= {"identified", "resolved", "postmortem"}


def test_cancelled_maintenance_is_completed_in_v2_and_cancelled_natively(example: Path) -> None:
    maintenance = load(example, "scheduled-maintenances.json")["scheduled_maintenances"]
    cancelled = next(m for m in maintenance if m["name"] == "PostgreSQL minor version upgrade")
    assert cancelled["status"] == "completed"
    assert cancelled["resolved_at"] == "2026-11-16T14:30:00.000+01:00"
    assert [u["status"] for u in cancelled["incident_updates"]] == ["completed", "scheduled"]
    assert cancelled["incident_updates"][-1]["body"].startswith("We will upgrade all Managed databases")
    assert cancelled["impact"] == "maintenance"
    assert cancelled["scheduled_for"] == "2026-11-18T01:00:00.000+01:00"
    native = json.loads((example / "api" / "statusgen.json").read_text(encoding="utf-8"))
    mine = next(m for m in native["maintenance"] if m["id"] == "2026-11-18-postgres-upgrade")
    assert mine["status"] == "cancelled" and mine["statuspage_id"] == cancelled["id"]


def test_ids_never_change_when_content_is_added(make_site: Callable[..., Path], tmp_path: Path) -> None:
    def ids(out: Path) -> dict[str, str]:
        found: dict[str, str] = {}
        for name in ("incidents.json", "scheduled-maintenances.json"):
            doc = load(out, name)
            for item in doc.get("incidents", doc.get("scheduled_maintenances")):
                found[item["name"]] = item["id"]
                for update in item["incident_updates"]:
                    found[f"{item['name']} {update['display_at']}"] = update["id"]
        return found | {"page": load(out, "status.json")["page"]["id"]}

    site = make_site()
    build(site, tmp_path / "a", now=NOW)
    # The same slug as the maintenance: Statuspage keeps both kinds in one id space.
    (site / "incidents" / "2026-12-01-db.yaml").write_text(
        "title: Database errors\nimpact: minor\nupdates:\n"
        "  - {at: 2026-11-24T09:00:00+01:00, status: investigating, body: Errors.}\n", encoding="utf-8")
    build(site, tmp_path / "b", now=NOW)
    before, after = ids(tmp_path / "a"), ids(tmp_path / "b")
    assert {k: after[k] for k in before} == before
    assert len(set(after.values())) == len(after), "no two things share an id"


def test_native_document_has_what_v2_cannot_say(example: Path) -> None:
    native = json.loads((example / "api" / "statusgen.json").read_text(encoding="utf-8"))
    assert native["format"] == 1
    assert native["status"] == load(example, "status.json")["status"]
    sso = next(i for i in native["incidents"] if i["open"])
    assert sso["next_update_by"] == "2026-11-25T12:35:00.000+01:00"
    assert sso["next_update_promised"] is True and sso["next_update_overdue"] is False
    assert sso["workaround"]
    with_postmortem = [i for i in native["incidents"] if i["postmortem"]]
    assert with_postmortem and all(i["postmortem"]["url"].endswith("#postmortem") for i in with_postmortem)
    ledger = native["commitments"]["ledger"]
    assert sum(ledger.values()) == len(native["commitments"]["items"]) == 6
    assert native["policy"]["update_every_seconds"]["critical"] == 1800
    assert {c["id"] for c in native["components"]} == {c["id"] for c in load(example, "components.json")[
        "components"] if not c["group"]}
    assert all(0 <= c["uptime_90_days"] <= 1 for c in native["components"])


def test_native_document_carries_the_responsiveness_figures(example: Path) -> None:
    """The same figures as the home page, for tools (docs/principles.md, 10)."""
    native = json.loads((example / "api" / "statusgen.json").read_text(encoding="utf-8"))
    figures = native["responsiveness"]
    assert figures["window_days"] == 90
    assert figures["to"].startswith("2026-11-25T11:00:00")
    assert figures["incidents"] > 0 and figures["first_update_median_seconds"] > 0
    promises = figures["next_update_promises"]
    assert 0 <= promises["kept"] <= promises["settled"]
    assert set(figures["commitments"]) == {"kept", "late", "broken", "withdrawn", "reduced"}
    assert native["policy"]["refresh_seconds"] == 900
    assert native["policy"]["backfill_tolerance_seconds"] == 1800
