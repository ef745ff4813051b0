#!/usr/bin/env python3
"""Generate a synthetic statusgen site for benchmarks.

    python benchmarks/generate.py OUTDIR --incidents N [--components 20] [--updates 4] [--seed 1]

Writes OUTDIR/site.yaml, OUTDIR/incidents/<id>.yaml (N incidents, the newest one still open),
OUTDIR/maintenance/<id>.yaml (about N/100) and OUTDIR/commitments/<id>.yaml (about N/100).

The content follows the format in FORMAT.md and the loader's rules: every time has an offset, ids are
lowercase slugs, only documented keys, updates oldest first with `at` >= started_at, promises
(`next_update_in` / `next_update_by`) only on unresolved updates and always after the update, and no
commitment is broken at the benchmark's "now" (2026-11-25T12:00:00+01:00).

Standard library only; the YAML is written by hand. Strings are quoted with json.dumps (a JSON string is
a valid YAML double-quoted scalar) or written as `|` block scalars when they span lines. Output is
byte-for-byte deterministic for a given set of arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from datetime import date, datetime, timedelta

# ---------------------------------------------------------------------------------------------------------
# Fixed points in time. Internally every time is a naive datetime in UTC.

NOW = datetime(2026, 11, 25, 11, 0)            # 2026-11-25T12:00:00+01:00, the benchmark's --now
OPEN_START = datetime(2026, 11, 25, 9, 0)      # 2026-11-25T10:00:00+01:00, the one open incident
HISTORY_START = datetime(2023, 11, 24, 23, 0)  # 2023-11-25T00:00:00+01:00, three years back
CLOSED_BEFORE = datetime(2026, 11, 25, 8, 0)   # every other incident is resolved before this

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")

# ---------------------------------------------------------------------------------------------------------
# Time formatting (Europe/Berlin, EU daylight-saving rule, computed here so tzdata is not needed).

_DST_CACHE: dict[int, tuple[datetime, datetime]] = {}


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)  # March and October both have 31 days
    return d - timedelta(days=(d.weekday() + 1) % 7)


def berlin_offset_hours(utc: datetime) -> int:
    rng = _DST_CACHE.get(utc.year)
    if rng is None:
        start = datetime.combine(_last_sunday(utc.year, 3), datetime.min.time()) + timedelta(hours=1)
        end = datetime.combine(_last_sunday(utc.year, 10), datetime.min.time()) + timedelta(hours=1)
        rng = _DST_CACHE[utc.year] = (start, end)
    return 2 if rng[0] <= utc < rng[1] else 1


def berlin_local(utc: datetime) -> datetime:
    return utc + timedelta(hours=berlin_offset_hours(utc))


def fmt_time(utc: datetime, zulu: bool = False) -> str:
    """ISO 8601 with an offset: Berlin local time with +01:00/+02:00, or UTC with Z."""
    if zulu:
        return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
            utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
    off = berlin_offset_hours(utc)
    t = utc + timedelta(hours=off)
    return "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00" % (t.year, t.month, t.day, t.hour, t.minute, t.second, off)


def fmt_clock(utc: datetime, zulu: bool = False) -> str:
    """A wall-clock time for use inside prose ("since 10:51")."""
    if zulu:
        return "%02d:%02d UTC" % (utc.hour, utc.minute)
    t = berlin_local(utc)
    return "%02d:%02d" % (t.hour, t.minute)


def fmt_duration(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return "%dd" % (minutes // (24 * 60))
    h, m = divmod(minutes, 60)
    if h and m:
        return "%dh%dm" % (h, m)
    return "%dh" % h if h else "%dm" % m


def round_minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


# ---------------------------------------------------------------------------------------------------------
# YAML writing helpers.

_BLOCK_SAFE = re.compile(r"^[^\t\r\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]*$")


def q(s: str) -> str:
    """A YAML double-quoted scalar. JSON escapes are a subset of YAML's; non-ASCII stays literal (UTF-8)."""
    for ch in "\x7f\x85\u2028\u2029\ufeff":  # line breaks / oddities in YAML that JSON leaves alone
        if ch in s:
            return json.dumps(s, ensure_ascii=True)  # only BMP characters are used, so \\uXXXX is fine
    return json.dumps(s, ensure_ascii=False)


def text(key: str, value: str, indent: str) -> str:
    """`key: value` for prose; multi-line Markdown becomes a literal block scalar."""
    if "\n" in value and _BLOCK_SAFE.match(value) and not value[:1].isspace() and not any(
            line != line.rstrip() for line in value.split("\n")):
        body = "\n".join((indent + "  " + line) if line else "" for line in value.rstrip("\n").split("\n"))
        return "%s%s: |\n%s\n" % (indent, key, body)
    return "%s%s: %s\n" % (indent, key, q(value))


def slug(s: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", s.lower())).strip("-")


class Ids:
    """Unique lowercase slugs per kind; a collision gets -2, -3, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, base: str) -> str:
        base = slug(base)[:90].rstrip("-")
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = "%s-%d" % (base, n)
        assert SLUG_RE.match(ident), ident
        self.used.add(ident)
        return ident


# ---------------------------------------------------------------------------------------------------------
# Vocabulary.

GROUPS = [
    ("Platform", [
        ("api", "Public API", "REST and GraphQL endpoints"),
        ("dashboard", "Dashboard", "Web console at app.acme.example"),
        ("auth", "Authentication", "Sign-in, SSO and API tokens"),
        ("webhooks", "Webhooks", "Outgoing event notifications"),
        ("cdn", "CDN", "Static assets and edge caching"),
    ]),
    ("Compute", [
        ("virtual-machines", "Virtual machines", "Provisioning and running instances"),
        ("kubernetes", "Managed Kubernetes", "Control plane and node pools"),
        ("functions", "Functions", "Serverless function runtime"),
        ("batch-jobs", "Batch jobs", "Scheduled and queued workloads"),
        ("load-balancers", "Load balancers", "Layer 4 and layer 7 load balancing"),
    ]),
    ("Data", [
        ("databases", "Managed databases", "PostgreSQL and MySQL clusters"),
        ("object-storage", "Object storage", "S3-compatible buckets"),
        ("block-storage", "Block storage", "Volumes and snapshots"),
        ("backups", "Backups", "Scheduled backups and restores"),
        ("search", "Search", "Hosted search indexes"),
    ]),
    ("Communications", [
        ("email", "Email delivery", "Transactional email sending"),
        ("sms", "SMS", "Text messages in 140 countries"),
        ("push", "Push notifications", "iOS and Android push"),
        ("voice", "Voice calls", "Programmable voice"),
        ("chat-widget", "Chat widget", "Embeddable support chat"),
    ]),
]

REGIONS = ["eu-west", "eu-central", "us-east", "us-west", "ap-south", "ap-northeast"]

# (slug, title template, symptom, state)
PROBLEMS = [
    ("latency", "Elevated latency on {c}", "elevated latency", "slow to respond"),
    ("errors", "Increased error rates on {c}", "increased error rates", "returning errors"),
    ("outage", "{c} unavailable", "failed requests", "unavailable"),
    ("timeouts", "Timeouts when using {c}", "timeouts", "timing out"),
    ("degraded", "Degraded performance of {c}", "degraded performance", "slower than usual"),
    ("delays", "Delays in {c}", "delays", "processing with a delay"),
    ("intermittent-failures", "Intermittent failures in {c}", "intermittent 502 and 503 responses",
     "failing intermittently"),
    ("partial-outage", "Partial outage of {c}", "failures for some accounts", "partly unavailable"),
    ("login-problems", "Sign-in problems affecting {c}", "failed sign-ins", "rejecting some sign-ins"),
    ("stale-data", "Stale data shown in {c}", "outdated data", "showing outdated data"),
]

CAUSES = [
    "a faulty load-balancer node",
    "a misconfigured deploy of version {ver}",
    "an expired TLS certificate on an internal endpoint",
    "connection-pool exhaustion on a database replica",
    "a failing storage volume in {region}",
    "an outage at one of our upstream providers",
    "a DNS resolution problem in {region}",
    "a memory leak in the {c} workers",
    "a faulty network switch in one of our {region} data centres",
    "a traffic spike that exceeded our internal rate limits",
    "a stuck replication job",
    "a certificate rotation that did not complete",
    "a schema migration that locked a busy table",
    "a full disk on a message-queue broker",
]

FIXES = [
    "rolling back the change",
    "removing it from service",
    "failing over to a healthy replica",
    "adding capacity",
    "restarting the affected workers",
    "working with the provider on a fix",
    "rotating the certificate",
    "rerouting traffic away from {region}",
    "draining the affected queue",
]

INVESTIGATING = [
    "We are investigating reports of {symptom} on {c}.",
    "Some customers see {symptom} when using {c} in {region}.",
    "Our monitoring detected {symptom} for {c} at {clock}. We are looking into it.",
    "We have received reports that {c} is {state}. Our engineers are investigating.",
    "{c} is {state} for a subset of customers. We are investigating the cause.",
]

INVESTIGATING_EXTRA = [
    "Other services are not affected.",
    "We will share more as soon as we know more.",
    "Requests to {c2} may also be slower than usual.",
    "Customers outside {region} do not appear to be affected.",
    "",
    "",
]

IDENTIFIED = [
    "The cause is {cause}. We are {fix}.",
    "We have identified {cause} as the cause and are {fix}.",
    "We found the problem: {cause}. Our team is {fix}.",
    "We traced the {symptom} to {cause}. We are {fix}.",
]

PROGRESS = [
    "The fix is about {pct}% rolled out.",
    "Error rates are falling; about {pct}% of requests succeed again.",
    "We are still {fix}; this is taking longer than we hoped.",
    "Recovery is progressing in {region}; other regions follow.",
]

MONITORING = [
    "A fix has been deployed and {c} is recovering. We are monitoring the results.",
    "Error rates are back to normal since {clock} — we continue to watch closely.",
    "{c} is working again. We are monitoring to make sure it stays that way.",
    "The change has been rolled back and {c} responds normally. We keep monitoring.",
]

MONITORING_EXTRA = [
    "Queued work is being processed; this may take up to {n} minutes.",
    "",
    "",
    "Requests that failed during the incident can be retried safely.",
]

RESOLVED = [
    "This incident is resolved. {c} has been operating normally since {clock}.",
    "All requests are served normally since {clock}.",
    "The incident is resolved; {c} has been stable since {clock}.",
    "Everything is back to normal since {clock}. We are sorry for the disruption.",
]

BOLD_SENTENCES = [
    "**No data was lost.**",
    "**Existing resources keep running**; only changes are affected.",
    "Please **do not retry** failed requests in a tight loop.",
    "**Customers in {region} are most affected.**",
]

LINK_SENTENCES = [
    "See [our retry guidance](https://docs.acme.example/api/retries) for how to handle failed requests.",
    "You can [subscribe to updates](https://status.acme.example/feed.xml) for this page.",
    "Follow [our engineering blog](https://blog.acme.example/) for details later.",
]

LIST_BLOCKS = [
    "Affected regions:\n\n- {region}\n- {region2}",
    "What you can do now:\n\n- Retry with exponential backoff\n- Use the {region2} endpoint\n- Contact support if it is urgent",
    "Affected features:\n\n- Creating new resources\n- Changing settings\n- Exporting reports",
]

WORKAROUNDS = [
    "Retry with backoff; the {region2} endpoint is unaffected.",
    "Use the API directly while {c} is unavailable.",
    "Requests can be retried safely; they are idempotent.",
    "While we work on this:\n\n- Use the {region2} endpoint\n- Retry failed requests after a few minutes",
]

MAINTENANCE = [
    ("database-upgrade", "Database engine upgrade", "{c} will be read-only for up to {h} hours."),
    ("network-maintenance", "Network maintenance in {region}",
     "Brief connection drops of a few seconds are possible for {c}."),
    ("upgrade", "Scheduled upgrade of {c}", "{c} may respond more slowly during the upgrade."),
    ("certificate-rotation", "Certificate rotation for {c}",
     "We rotate certificates. Clients that pin certificates must update them; see "
     "[the announcement](https://docs.acme.example/changes/certificates)."),
    ("storage-migration", "Storage migration for {c}",
     "Data moves to new hardware. **No action is needed.** Writes may be delayed by a few seconds."),
]

COMMITMENTS = [
    ("health-checks", "Active health checks for {c}",
     "We will add active health checks so a failing node leaves the pool within 10 seconds."),
    ("staged-rollouts", "Staged rollouts for {c}",
     "Every change to {c} will reach 1% of traffic first, with automatic rollback on errors."),
    ("certificate-monitoring", "Monitoring of internal certificates",
     "We will alert 30 days before any internal certificate expires."),
    ("capacity-alerts", "Capacity alerts for {c}",
     "We will alert when {c} passes 70% of its capacity, well before customers notice."),
    ("failover-drills", "Quarterly failover drills",
     "We will rehearse a regional failover of {c} every quarter and publish the results."),
    ("runbook", "Runbook for {c} incidents",
     "We will write and test a runbook so the first update is posted within 10 minutes."),
]

IMPACTS = ["none"] * 10 + ["minor"] * 50 + ["major"] * 30 + ["critical"] * 10
PROMISE_MINUTES = {"critical": [30], "major": [30, 60], "minor": [60, 120], "none": [120, 240]}
STATUS_ORDER = ["operational", "degraded_performance", "partial_outage", "major_outage"]


# ---------------------------------------------------------------------------------------------------------
# Generation.

def make_components(n: int) -> list[dict]:
    comps = []
    for i in range(n):
        g, j = i % len(GROUPS), i // len(GROUPS)
        group, pool = GROUPS[g]
        if j < len(pool):
            cid, name, desc = pool[j]
        else:
            cid, name, desc = "%s-service-%d" % (slug(group), j + 1), "%s service %d" % (group, j + 1), ""
        comps.append({"id": cid, "name": name, "group": group, "description": desc, "g": g})
    comps.sort(key=lambda c: c["g"])  # stable: keeps the pool order within a group
    return comps


def site_yaml(components: list[dict]) -> str:
    out = [
        'title: "Acme Cloud Status"\n',
        "base_url: https://status.acme.example/\n",
        'description: "Live status of Acme Cloud (synthetic benchmark site)."\n',
        "timezone: Europe/Berlin\n",
        "language: en\n",
        "contact: {email: support@acme.example, url: \"https://acme.example/support\"}\n",
        "feedback_url: https://acme.example/survey\n",
        "policy:\n",
        "  update_every: {critical: 30m, major: 1h, minor: 4h, none: 24h}\n",
        "  maintenance_notice: 72h\n",
        "  postmortem_within: 5d\n",
        "components:\n",
    ]
    for c in components:
        line = "  - {id: %s, name: %s, group: %s" % (c["id"], q(c["name"]), q(c["group"]))
        if c["description"]:
            line += ", description: %s" % q(c["description"])
        out.append(line + "}\n")
    return "".join(out)


def closed_statuses(k: int) -> list[str]:
    if k == 1:
        return ["resolved"]
    if k == 2:
        return ["investigating", "resolved"]
    if k == 3:
        return ["investigating", "identified", "resolved"]
    return ["investigating"] + ["identified"] * (k - 3) + ["monitoring", "resolved"]


def open_statuses(k: int) -> list[str]:
    if k == 1:
        return ["investigating"]
    return ["investigating"] + ["identified"] * (k - 2) + ["monitoring"]


class Generator:
    def __init__(self, n_incidents: int, n_components: int, n_updates: int, seed: int) -> None:
        if n_incidents < 1 or n_components < 1 or n_updates < 1:
            raise ValueError("--incidents, --components and --updates must be at least 1")
        self.n = n_incidents
        self.k = n_updates
        self.rng = random.Random(seed)
        self.components = make_components(n_components)
        self.incident_ids = Ids()
        self.maintenance_ids = Ids()
        self.commitment_ids = Ids()
        self.files: dict[str, str] = {}  # relative path -> text

    # -- prose -------------------------------------------------------------------------------------------
    def fill(self, template: str, ctx: dict) -> str:
        return template.format(**ctx)

    def sentence(self, pool: list[str], ctx: dict) -> str:
        return self.fill(self.rng.choice(pool), ctx)

    def decorate(self, body: str, ctx: dict) -> str:
        """Add simple Markdown to some bodies: bold (~12%), a link (~5%), a list (~5%)."""
        r = self.rng.random()
        if r < 0.12:
            body += " " + self.sentence(BOLD_SENTENCES, ctx)
        elif r < 0.17:
            body += " " + self.sentence(LINK_SENTENCES, ctx)
        elif r < 0.22:
            body += "\n\n" + self.sentence(LIST_BLOCKS, ctx)
        return body

    # -- incidents ---------------------------------------------------------------------------------------
    def incident_start_times(self) -> list[datetime]:
        span = int((CLOSED_BEFORE - timedelta(hours=30) - HISTORY_START).total_seconds() // 60)
        rand = self.rng.randrange
        starts = sorted(HISTORY_START + timedelta(minutes=rand(span)) for _ in range(self.n - 1))
        starts.append(OPEN_START)
        return starts

    def pick_components(self, impact: str) -> dict[str, str]:
        rng = self.rng
        count = min(len(self.components), rng.choice([1, 1, 1, 2, 2, 3]))
        chosen = rng.sample(self.components, count)
        if impact == "none":
            top = rng.choice(["operational", "degraded_performance"])
        elif impact == "minor":
            top = "degraded_performance" if rng.random() < 0.8 else "partial_outage"
        elif impact == "major":
            top = rng.choice(["partial_outage"] * 3 + ["degraded_performance", "major_outage"])
        else:
            top = "major_outage"
        top_i = STATUS_ORDER.index(top)
        result = {chosen[0]["id"]: top}
        for c in chosen[1:]:
            result[c["id"]] = STATUS_ORDER[rng.randint(min(1, top_i), top_i)]
        return result

    def incident(self, started: datetime, is_open: bool) -> tuple[str, dict]:
        rng = self.rng
        impact = "major" if is_open else rng.choice(IMPACTS)
        comps = self.pick_components(impact)
        primary = next(c for c in self.components if c["id"] == next(iter(comps)))
        other = rng.choice(self.components)
        region, region2 = rng.sample(REGIONS, 2)
        prob_slug, title_t, symptom, state = rng.choice(PROBLEMS)
        zulu = (not is_open) and rng.random() < 0.15
        ctx = {
            "c": primary["name"], "c2": other["name"], "region": region, "region2": region2,
            "symptom": symptom, "state": state, "ver": "%d.%d.%d" % (rng.randint(3, 9), rng.randint(0, 30),
                                                                      rng.randint(0, 9)),
            "pct": rng.choice([20, 35, 50, 60, 75, 80, 90]), "n": rng.choice([15, 30, 45, 60]),
        }
        ctx["cause"] = self.fill(rng.choice(CAUSES), ctx)
        ctx["fix"] = self.fill(rng.choice(FIXES), ctx)
        title = self.fill(title_t, ctx)
        if rng.random() < 0.3:
            title += " in " + region
        ident = self.incident_ids.make("%s-%s-%s" % (berlin_local(started).strftime("%Y-%m-%d"),
                                                     primary["id"], prob_slug))

        # Update times and promises.
        statuses = open_statuses(self.k) if is_open else closed_statuses(self.k)
        promises = PROMISE_MINUTES[impact]
        updates = []
        if is_open:
            first = started + timedelta(minutes=7)
            last = started + timedelta(minutes=100)
            step = (last - first) / max(1, len(statuses) - 1)
            times = [round_minute(first + step * i) for i in range(len(statuses))]
            times[-1] = last
            if len(statuses) == 1:
                times = [started + timedelta(minutes=75)]
            # 30m after the first update, then 1h; the last one (next_update_in: 1h) runs past --now
            promise_list = [30] + [60] * (len(statuses) - 1) if len(statuses) > 1 else [60]
        else:
            t = started + timedelta(minutes=rng.randint(3, 25))
            times, promise_list = [], []
            for i, _ in enumerate(statuses):
                times.append(t)
                p = rng.choice(promises)
                promise_list.append(p)
                if rng.random() < 0.05:  # a promise that was missed
                    gap = int(p * rng.uniform(1.05, 1.6))
                else:
                    gap = max(5, int(p * rng.uniform(0.3, 1.0)))
                t = t + timedelta(minutes=gap)
            # Keep the whole history before the open incident (only matters for huge --updates).
            overshoot = times[-1] - CLOSED_BEFORE
            if overshoot > timedelta(0):
                started -= overshoot
                times = [x - overshoot for x in times]

        component_change = None
        if "identified" in statuses and rng.random() < 0.25:
            pid = next(iter(comps))
            i = STATUS_ORDER.index(comps[pid])
            j = max(1, min(3, i + rng.choice([-1, 1])))
            if j != i:
                component_change = {pid: STATUS_ORDER[j]}

        for i, (status, at) in enumerate(zip(statuses, times)):
            ctx["clock"] = fmt_clock(at - timedelta(minutes=rng.randint(2, 12)), zulu)
            if status == "investigating":
                body = self.sentence(INVESTIGATING, ctx)
                extra = self.sentence(INVESTIGATING_EXTRA, ctx)
                body = body + " " + extra if extra else body
            elif status == "identified":
                first_identified = statuses.index("identified") == i
                body = self.sentence(IDENTIFIED if first_identified else PROGRESS, ctx)
            elif status == "monitoring":
                body = self.sentence(MONITORING, ctx)
                extra = self.sentence(MONITORING_EXTRA, ctx)
                body = body + " " + extra if extra else body
            else:
                body = self.sentence(RESOLVED, ctx)
            body = self.decorate(body, ctx)
            u = {"at": at, "status": status, "body": body}
            if status != "resolved":
                p = promise_list[i]
                if status == "identified" or is_open or rng.random() < 0.8:
                    u["next_update_in"] = fmt_duration(p)
                else:
                    u["next_update_by"] = at + timedelta(minutes=p)
            if component_change and status == "identified" and i == statuses.index("identified"):
                u["components"] = component_change  # the impact changes once the cause is known
            updates.append(u)

        resolved_at = None if is_open else times[-1]
        if resolved_at is not None and rng.random() < 0.02:
            updates[-1]["posted_at"] = resolved_at + timedelta(minutes=rng.randint(10, 90))

        inc = {
            "id": ident, "title": title, "impact": impact, "components": comps, "started_at": started,
            "updates": updates, "zulu": zulu, "resolved_at": resolved_at, "ctx": ctx, "postmortem": None,
        }
        if rng.random() < 0.15:
            inc["workaround"] = self.sentence(WORKAROUNDS, ctx)
        return ident, inc

    def render_incident(self, inc: dict) -> str:
        z = inc["zulu"]
        out = ["title: %s\n" % q(inc["title"]), "impact: %s\n" % inc["impact"], "components:\n"]
        for cid, st in inc["components"].items():
            out.append("  %s: %s\n" % (cid, st))
        out.append("started_at: %s\n" % fmt_time(inc["started_at"], z))
        if "workaround" in inc:
            out.append(text("workaround", inc["workaround"], ""))
        out.append("updates:\n")
        for u in inc["updates"]:
            out.append("  - at: %s\n" % fmt_time(u["at"], z))
            if "posted_at" in u:
                out.append("    posted_at: %s\n" % fmt_time(u["posted_at"], z))
            out.append("    status: %s\n" % u["status"])
            if "components" in u:
                out.append("    components:\n")
                for cid, st in u["components"].items():
                    out.append("      %s: %s\n" % (cid, st))
            out.append(text("body", u["body"], "    "))
            if "next_update_in" in u:
                out.append("    next_update_in: %s\n" % u["next_update_in"])
            if "next_update_by" in u:
                out.append("    next_update_by: %s\n" % fmt_time(u["next_update_by"], z))
        pm = inc["postmortem"]
        if pm:
            out.append("postmortem:\n")
            out.append("  published_at: %s\n" % fmt_time(pm["published_at"], z))
            out.append(text("body", pm["body"], "  "))
            if pm["actions"]:
                out.append("  actions: [%s]\n" % ", ".join(pm["actions"]))
        return "".join(out)

    def postmortem_body(self, inc: dict) -> str:
        ctx = inc["ctx"]
        start = fmt_clock(inc["started_at"], inc["zulu"])
        end = fmt_clock(inc["resolved_at"], inc["zulu"])
        return (
            "## What happened\n\n"
            "Between %s and %s, customers saw %s on %s.\n\n"
            "## Why it happened\n\n"
            "The cause was %s. Our alerting noticed it, but **only after customers did**.\n\n"
            "## What we are changing\n\n"
            "- Better alerting for %s\n"
            "- A review of how we roll out changes\n"
            "- See the [commitments ledger](https://status.acme.example/commitments/) for progress\n"
            % (start, end, ctx["symptom"], ctx["c"], ctx["cause"], ctx["c"])
        )

    # -- maintenance -------------------------------------------------------------------------------------
    def maintenance(self, count: int) -> None:
        rng = self.rng
        span_end = NOW - timedelta(days=10)
        span = int((span_end - HISTORY_START).total_seconds() // 86400)
        days = sorted(rng.randrange(span) for _ in range(max(0, count - 1)))
        plans = [(HISTORY_START + timedelta(days=d), False) for d in days]
        plans.append((datetime(2026, 12, 2, 1, 0), True))  # one upcoming: 2026-12-02T02:00+01:00
        for day, upcoming in plans:
            if upcoming:
                starts = day
            else:
                local_day = berlin_local(day).date()
                # 01:00-04:00 local: subtract the offset of that moment to get UTC
                local_start = datetime.combine(local_day, datetime.min.time()) + timedelta(
                    hours=rng.randint(1, 4))
                starts = local_start - timedelta(hours=berlin_offset_hours(local_start - timedelta(hours=1)))
            hours = rng.randint(1, 4)
            ends = starts + timedelta(hours=hours)
            announced = starts - timedelta(days=rng.randint(4, 14), hours=rng.randint(0, 10))
            if upcoming:
                announced = datetime(2026, 11, 20, 9, 0)
            comps = rng.sample(self.components, min(len(self.components), rng.randint(1, 3)))
            kind, title_t, body_t = rng.choice(MAINTENANCE)
            ctx = {"c": comps[0]["name"], "region": rng.choice(REGIONS), "h": hours}
            zulu = rng.random() < 0.5
            ident = self.maintenance_ids.make("%s-%s-%s" % (berlin_local(starts).strftime("%Y-%m-%d"),
                                                            comps[0]["id"], kind))
            out = [
                "title: %s\n" % q(self.fill(title_t, ctx)),
                "components:\n",
                *("  %s: under_maintenance\n" % c["id"] for c in comps),
                "announced_at: %s\n" % fmt_time(announced, zulu),
                "starts_at: %s\n" % fmt_time(starts, zulu),
                "ends_at: %s\n" % fmt_time(ends, zulu),
                text("body", self.fill(body_t, ctx), ""),
            ]
            if not upcoming:
                if rng.random() < 0.1:
                    ups = [(announced + (starts - announced) / 2, "cancelled",
                            "This maintenance is cancelled; we will announce a new date.")]
                else:
                    ups = [(starts + timedelta(minutes=rng.randint(0, 3)), "in_progress", "Work has started.")]
                    if rng.random() < 0.3:
                        ups.append((ends - timedelta(minutes=rng.randint(15, 30)), "verifying",
                                    "The work is done; we are verifying that everything works."))
                    ups.append((ends - timedelta(minutes=rng.randint(0, 10)), "completed",
                                "The maintenance is complete."))
                out.append("updates:\n")
                for at, status, body in ups:
                    out.append("  - {at: %s, status: %s, body: %s}\n" % (fmt_time(round_minute(at), zulu),
                                                                        status, q(body)))
            self.files["maintenance/%s.yaml" % ident] = "".join(out)

    # -- commitments -------------------------------------------------------------------------------------
    def commitments(self, incidents: list[dict], count: int) -> None:
        rng = self.rng
        eligible = [i for i in incidents if i["resolved_at"] is not None and i["impact"] in ("major", "critical")
                    and i["resolved_at"] + timedelta(days=6) < NOW]
        if not eligible:
            return
        # About 1 in 50 incidents gets a postmortem; spread evenly over time, always including the newest.
        n_pm = min(len(eligible), max(1, round(self.n / 50), count))
        step = len(eligible) / n_pm
        pm_incidents = [eligible[int(len(eligible) - 1 - i * step)] for i in range(n_pm)][::-1]
        for inc in pm_incidents:
            published = round_minute(inc["resolved_at"] + timedelta(hours=rng.randint(20, 110)))
            inc["postmortem"] = {"published_at": published, "body": self.postmortem_body(inc), "actions": []}

        # Commitments come from the newest postmortems backwards so the newest one is still planned.
        linked = pm_incidents[::-1]
        for n in range(count):
            if count <= len(linked):  # spread over the postmortems, newest first
                inc = linked[n * len(linked) // count]
            else:
                inc = linked[n % len(linked)]
            pm = inc["postmortem"]
            made = pm["published_at"]
            kind, title_t, body_t = rng.choice(COMMITMENTS)
            ctx = {"c": inc["ctx"]["c"]}
            due = berlin_local(made).date() + timedelta(days=rng.randint(30, 150))
            if n == 0:
                due = max(due, date(2026, 12, 15))  # at least one still open at --now
            ident = self.commitment_ids.make("%s-%s" % (berlin_local(made).strftime("%Y-%m"), kind))
            pm["actions"].append(ident)
            zulu = inc["zulu"]
            out = [
                "title: %s\n" % q(self.fill(title_t, ctx)),
                "made_at: %s\n" % fmt_time(made, zulu),
                "due: %s\n" % due.isoformat(),
                "components: [%s]\n" % ", ".join(inc["components"]),
                "incident: %s\n" % inc["id"],
                text("body", self.fill(body_t, ctx), ""),
            ]
            # Delivery must land on or before the due date (end of that day in Berlin) and before --now.
            due_end = datetime.combine(due, datetime.min.time()) + timedelta(hours=23)  # ~end of day, UTC
            due_end -= timedelta(hours=berlin_offset_hours(due_end))
            ups = []
            if due_end > NOW + timedelta(days=1):  # planned: due in the future
                if rng.random() < 0.5 and made + timedelta(days=3) < NOW:
                    ups.append((made + (NOW - made) * rng.uniform(0.3, 0.9), "in_progress",
                                "Work has started."))
            else:
                limit = min(due_end, NOW - timedelta(hours=2))
                delivered = made + (limit - made) * rng.uniform(0.4, 0.98)
                if rng.random() < 0.5:
                    ups.append((made + (delivered - made) * rng.uniform(0.2, 0.6), "in_progress",
                                "Work has started."))
                ups.append((delivered, "delivered",
                            "Delivered and running in production for %s." % ctx["c"]))
            if ups:
                out.append("updates:\n")
                for at, status, body in ups:
                    out.append("  - at: %s\n    status: %s\n" % (fmt_time(round_minute(at), zulu), status))
                    out.append(text("body", body, "    "))
            self.files["commitments/%s.yaml" % ident] = "".join(out)

    # -- all ---------------------------------------------------------------------------------------------
    def run(self) -> dict[str, str]:
        self.files["site.yaml"] = site_yaml(self.components)
        incidents = []
        starts = self.incident_start_times()
        for i, started in enumerate(starts):
            _, inc = self.incident(started, is_open=(i == len(starts) - 1))
            incidents.append(inc)
        extra = max(1, round(self.n / 100))
        self.maintenance(extra)
        self.commitments(incidents, extra)
        for inc in incidents:
            self.files["incidents/%s.yaml" % inc["id"]] = self.render_incident(inc)
        return self.files


def generate(outdir: str, incidents: int, components: int = 20, updates: int = 4, seed: int = 1,
             force: bool = False) -> dict:
    """Write a site into outdir; returns counts. Refuses a non-empty outdir unless force."""
    files = Generator(incidents, components, updates, seed).run()
    if os.path.isdir(outdir) and os.listdir(outdir):
        if not force:
            raise FileExistsError("%s is not empty (use --force to replace a generated site)" % outdir)
        for sub in ("incidents", "maintenance", "commitments"):
            shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
    for sub in ("incidents", "maintenance", "commitments"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    for rel, content in files.items():
        with open(os.path.join(outdir, rel), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)
    counts = {"incidents": 0, "maintenance": 0, "commitments": 0}
    for rel in files:
        kind = rel.split("/", 1)[0]
        if kind in counts:
            counts[kind] += 1
    counts["files"] = len(files)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic statusgen site for benchmarks.")
    ap.add_argument("outdir", help="folder to write the site into (created; must be empty unless --force)")
    ap.add_argument("--incidents", type=int, required=True, help="number of incidents (the newest stays open)")
    ap.add_argument("--components", type=int, default=20, help="number of components, in 4 groups (20)")
    ap.add_argument("--updates", type=int, default=4, help="updates per incident (4)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--force", action="store_true",
                    help="replace site.yaml, incidents/, maintenance/ and commitments/ in a non-empty outdir")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        counts = generate(args.outdir, args.incidents, args.components, args.updates, args.seed, args.force)
    except (ValueError, FileExistsError) as e:
        print("generate.py: error: %s" % e, file=sys.stderr)
        return 2
    print("wrote %(incidents)d incidents, %(maintenance)d maintenance, %(commitments)d commitments" % counts
          + " to %s in %.2fs" % (args.outdir, time.perf_counter() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
