"""`statusgen notify` as the publish workflow runs it: a real git repository, real receivers.

The receivers are a local HTTP server (one path per chat service or webhook) and a real SMTP
server (aiosmtpd). One site, two commits: every post of the second commit reaches every
matching channel exactly once; a second run sends nothing; a receiver that fails twice gets
the message once; a failing channel does not stop the others; webhook signatures verify.
Payloads are checked against the shapes the services document (see each test).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from statusgen.cli import main
from statusgen.content.model import NOTIFY_EVENTS

from .conftest import BASE_SITE, NOW_TEXT, ROOT

NOTIFY = """
notify:
  - type: slack
    url_env: SLACK_URL
  - type: teams
    url_env: TEAMS_URL
    events: [incident]
  - type: discord
    url_env: DISCORD_URL
  - type: webhook
    url_env: HOOK_URL
    secret_env: HOOK_SECRET
  - type: email
    name: subscribers
    host: 127.0.0.1
    port: {smtp_port}
    tls: none
    from: status@test.example
    to_file: subscribers.txt
"""

NEW_INCIDENT = """\
title: Login failures
impact: critical
components: {web: major_outage}
workaround: Use the **API token** login at <https://example.com/token>.
updates:
  - at: 2026-11-25T11:00:00+01:00
    status: investigating
    body: Logins fail for *everyone* & we are on it. <!channel>
    next_update_in: 30m
"""

COMMITMENT_UPDATE = """\
updates:
  - at: 2026-11-25T11:10:00+01:00
    status: in_progress
    body: Canaries run on the staging cluster.
"""


class Receiver(ThreadingHTTPServer):
    """Records every POST; answers each path from a script of statuses (then 200)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.script: dict[str, list[int]] = {}
        self.hang = threading.Event()  # set: stop hanging
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{path}"

    def accepted(self, path: str) -> list[Any]:
        """Return the JSON bodies ``path`` answered 2xx to, in order."""
        return [json.loads(body) for p, headers, body in self.requests
                if p == path and headers.get("x-answered", "200").startswith("2")]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = self.path.strip("/")
        with self.server.lock:
            script = self.server.script.get(path, [])
            status = script.pop(0) if script else 200
        if status == 0:  # never answer (until the test ends)
            self.server.hang.wait(30)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        headers["x-answered"] = str(status)
        with self.server.lock:
            self.server.requests.append((path, headers, body))
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.hang.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def _git(repo: Path, *args: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Support",
           "GIT_AUTHOR_EMAIL": "support@test.example", "GIT_COMMITTER_NAME": "Support",
           "GIT_COMMITTER_EMAIL": "support@test.example"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, mailbox: tuple[Mailbox, int], receiver: Receiver,
         monkeypatch: pytest.MonkeyPatch) -> Path:
    """A status repository with two commits: the base site, then a new incident and a commitment update."""
    root = tmp_path / "status"
    site = root / "content"
    shutil.copytree(BASE_SITE, site)
    with (site / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(NOTIFY.format(smtp_port=mailbox[1]))
    (site / "subscribers.txt").write_text("# who asked for e-mail\nana@test.example\nbo@test.example\n")
    _git(root, "init", "-q", "-b", "main", when="2026-11-23T09:00:00+01:00")
    _git(root, "add", "-A", when="2026-11-23T09:00:00+01:00")
    _git(root, "commit", "-qm", "The site", when="2026-11-23T09:00:00+01:00")
    (site / "incidents" / "2026-11-25-login.yaml").write_text(NEW_INCIDENT)
    commitment = site / "commitments" / "2026-11-22-canary-deploys.yaml"
    commitment.write_text(commitment.read_text() + COMMITMENT_UPDATE)
    _git(root, "add", "-A", when="2026-11-25T11:30:00+01:00")
    _git(root, "commit", "-qm", "Login failures; canaries under way", when="2026-11-25T11:30:00+01:00")
    for name, path in [("SLACK_URL", "slack"), ("TEAMS_URL", "teams"), ("DISCORD_URL", "discord"),
                       ("HOOK_URL", "hook")]:
        monkeypatch.setenv(name, receiver.url(path))
    monkeypatch.setenv("HOOK_SECRET", "s3cret-key")
    return root


def notify(repo: Path, *extra: str) -> int:
    return main(["notify", str(repo / "content"), "--since", "HEAD~1", "--now", NOW_TEXT,
                 "--state", str(repo / ".notify-state.json"), "--retry-delay", "0", "--timeout", "5", *extra])


INCIDENT = "incidents/2026-11-25-login/#update-1"
COMMITMENT = "commitments/2026-11-22-canary-deploys/#update-1"


def test_each_new_post_reaches_each_matching_channel_exactly_once(
        repo: Path, receiver: Receiver, mailbox: tuple[Mailbox, int]) -> None:
    assert notify(repo) == 0

    slack = receiver.accepted("slack")
    assert [m["text"] for m in slack] == ["New incident: Login failures (Investigating)",
                                          "Commitment update: Canary deploys for the API (In progress)"]
    assert len(receiver.accepted("discord")) == 2
    assert len(receiver.accepted("teams")) == 1  # events: [incident]
    hook = receiver.accepted("hook")
    # The incident, then Statuspage's component payload for the one component it changed;
    # commitments have no shape in Statuspage's webhooks and are not sent there.
    assert [sorted(set(m) - {"meta", "page"}) for m in hook] == [["incident"], ["component", "component_update"]]
    box, _ = mailbox
    assert sorted((rcpt[0], msg["Subject"]) for _, rcpt, msg in box.messages) == [
        ("ana@test.example", "[Test Status] Commitment update: Canary deploys for the API"),
        ("ana@test.example", "[Test Status] New incident: Login failures"),
        ("bo@test.example", "[Test Status] Commitment update: Canary deploys for the API"),
        ("bo@test.example", "[Test Status] New incident: Login failures"),
    ]
    assert all(len(rcpt) == 1 and msg["To"] == rcpt[0] for _, rcpt, msg in box.messages)
    state = json.loads((repo / ".notify-state.json").read_text())
    assert sorted(state["sent"]["subscribers"]) == [COMMITMENT, INCIDENT]  # no addresses in the state

    # The same run again (a rerun of the workflow) sends nothing.
    before = len(receiver.requests), len(box.messages)
    assert notify(repo) == 0
    assert (len(receiver.requests), len(box.messages)) == before


def test_a_receiver_that_fails_twice_then_succeeds_gets_the_message_once(repo: Path, receiver: Receiver) -> None:
    receiver.script["slack"] = [503, 429]
    assert notify(repo) == 0
    answered = [h["x-answered"] for p, h, _ in receiver.requests if p == "slack"]
    assert answered == ["503", "429", "200", "200"]
    assert [m["text"].split(":")[0] for m in receiver.accepted("slack")] == ["New incident", "Commitment update"]


def test_a_failing_channel_does_not_stop_the_others_and_a_rerun_sends_what_is_missing(
        repo: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    receiver.script["discord"] = [500] * 4
    assert notify(repo, "--retries", "3") == 1
    err = capsys.readouterr().err
    assert "1 delivery failed:\n  discord: incident.created incidents/2026-11-25-login/#update-1: HTTP 500 " \
           "(after 4 attempts)" in err
    assert "discord: 0 sent, 1 failed, 1 not attempted" in err
    assert len(receiver.accepted("slack")) == 2 and receiver.accepted("discord") == []

    assert notify(repo) == 0
    assert len(receiver.accepted("discord")) == 2
    assert len(receiver.accepted("slack")) == 2  # not sent again


def test_a_permanent_error_is_not_retried(repo: Path, receiver: Receiver) -> None:
    receiver.script["teams"] = [404]
    assert notify(repo, "--retries", "5") == 1
    assert [h["x-answered"] for p, h, _ in receiver.requests if p == "teams"] == ["404"]


def test_a_receiver_that_never_answers_times_out(repo: Path, receiver: Receiver,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    receiver.script["hook"] = [0, 0]
    start = time.monotonic()
    assert notify(repo, "--timeout", "0.5", "--retries", "1") == 1
    assert time.monotonic() - start < 20
    assert "hook" not in {p for p, _, _ in receiver.requests}
    assert "no answer (timed out) (after 2 attempts)" in capsys.readouterr().err
    assert len(receiver.accepted("slack")) == 2


def test_webhooks_are_signed_over_time_and_body(repo: Path, receiver: Receiver) -> None:
    assert notify(repo) == 0
    requests = [(h, body) for p, h, body in receiver.requests if p == "hook"]
    assert requests
    for headers, body in requests:
        fields = dict(part.split("=", 1) for part in headers["x-statusgen-signature"].split(","))
        expected = hmac.new(b"s3cret-key", f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(fields["v1"], expected)
        assert abs(time.time() - int(fields["t"])) < 300  # a receiver refuses old timestamps (replays)
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert headers["x-statusgen-event"] in NOTIFY_EVENTS
        assert len(headers["x-statusgen-delivery"]) == 32
    assert "x-statusgen-signature" not in {k for p, h, _ in receiver.requests if p == "slack" for k in h}


# -- payload shapes ------------------------------------------------------------------------------

# Statuspage's webhook payloads, as its "Enable webhook notifications" page describes them and
# captured payloads show them (e.g. the fixtures of Zulip's Statuspage integration): these are
# the keys integrations read.
STATUSPAGE_INCIDENT = {
    "meta": {"unsubscribe", "documentation", "generated_at"},
    "page": {"id", "status_indicator", "status_description"},
    "incident": {"id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
                 "shortlink", "page_id", "incident_updates", "components"},
    "incident_update": {"id", "status", "body", "created_at", "updated_at", "display_at", "affected_components",
                        "deliver_notifications", "incident_id"},
    "affected_component": {"code", "name", "old_status", "new_status"},
}
STATUSPAGE_COMPONENT = {
    "component": {"id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
                  "page_id", "group_id"},
    "component_update": {"old_status", "new_status", "created_at", "component_type", "id", "component_id"},
}


def test_webhook_payloads_have_statuspage_shape(repo: Path, receiver: Receiver) -> None:
    assert notify(repo) == 0
    incident, component = receiver.accepted("hook")
    for key in ("meta", "page", "incident"):
        assert STATUSPAGE_INCIDENT[key] <= incident[key].keys(), key
    (update,) = incident["incident"]["incident_updates"]
    assert STATUSPAGE_INCIDENT["incident_update"] <= update.keys()
    assert update["body"].startswith("Logins fail for *everyone*")  # Statuspage sends the author's text
    (change,) = update["affected_components"]
    assert change.keys() == STATUSPAGE_INCIDENT["affected_component"]
    assert (change["old_status"], change["new_status"]) == ("operational", "major_outage")
    assert incident["incident"]["status"] == "investigating" and incident["page"]["status_indicator"] == "critical"
    # The same objects as the v2 API of the built site.
    assert incident["incident"]["id"] == _v2_incident_id(repo, "Login failures")
    for key in ("component", "component_update"):
        assert STATUSPAGE_COMPONENT[key] <= component[key].keys(), key
    assert component["component_update"]["component_id"] == component["component"]["id"] == "web"
    assert component["component"]["status"] == "major_outage"


def _v2_incident_id(repo: Path, name: str) -> str:
    out = repo / "public"
    assert main(["-q", "build", str(repo / "content"), "-o", str(out), "--now", NOW_TEXT, "-j", "1"]) == 0
    incidents = json.loads((out / "api/v2/incidents.json").read_text())["incidents"]
    return next(i["id"] for i in incidents if i["name"] == name)


def test_chat_messages_have_each_service_s_documented_shape(repo: Path, receiver: Receiver) -> None:
    assert notify(repo) == 0
    # Slack, "Sending messages using incoming webhooks": a text fallback and Block Kit blocks.
    slack = receiver.accepted("slack")[0]
    assert {b["type"] for b in slack["blocks"]} <= {"header", "section", "context"}
    assert slack["blocks"][0]["text"] == {"type": "plain_text", "text": "New incident: Login failures"}
    text = "\n".join(b["text"]["text"] for b in slack["blocks"] if b["type"] == "section" and "text" in b)
    # Markdown became mrkdwn, and Slack's control characters are entities: no one gets pinged.
    assert "Logins fail for _everyone_ &amp; we are on it. &lt;!channel&gt;" in text
    assert "*What you can do now*\nUse the *API token* login at <https://example.com/token>." in text
    assert "<https://status.test.example/incidents/2026-11-25-login/#update-1|View on the status page>" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in slack["blocks"] if "text" in b and b["type"] == "section")
    # Teams, "Send Adaptive Cards using an Incoming Webhook".
    teams = receiver.accepted("teams")[0]
    assert teams["type"] == "message"
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.2"
    assert {e["type"] for e in card["body"]} <= {"TextBlock", "FactSet"}
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "View on the status page",
                                "url": "https://status.test.example/incidents/2026-11-25-login/#update-1"}]
    facts = {f["title"]: f["value"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]}
    assert facts == {"Status": "Investigating", "Impact": "Critical impact", "Affects": "Website"}
    # Discord, "Execute Webhook" and the embed limits; mentions off.
    discord = receiver.accepted("discord")[0]
    assert discord["allowed_mentions"] == {"parse": []}
    (embed,) = discord["embeds"]
    assert embed["url"] == "https://status.test.example/incidents/2026-11-25-login/#update-1"
    assert embed["timestamp"] == "2026-11-25T10:00:00+00:00"
    assert embed["color"] == 0xCF222E
    assert "Logins fail for *everyone* & we are on it. \\<\\!channel\\>" in embed["description"]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    assert len(embed["fields"]) <= 25
    assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in embed["fields"])


def test_email_is_multipart_with_unsubscribe(repo: Path, mailbox: tuple[Mailbox, int]) -> None:
    assert notify(repo) == 0
    box, _ = mailbox
    sender, _, msg = next(m for m in box.messages if "Login" in m[2]["Subject"])
    assert sender == "status@test.example"
    assert msg["From"] == "Test Status <status@test.example>"
    assert msg["List-Unsubscribe"] == "<mailto:status@test.example?subject=unsubscribe>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = msg.get_body(("html",)).get_content()
    assert "Logins fail for everyone & we are on it. <!channel>" in plain
    assert "What you can do now\nUse the API token login at https://example.com/token." in plain
    assert "Next update by 25 Nov 2026, 11:30 CET." in plain
    assert "<em>everyone</em> &amp; we are on it. &lt;!channel&gt;" in html
    assert '<html lang="en">' in html


def test_notifications_speak_the_site_s_language(repo: Path, receiver: Receiver,
                                                 mailbox: tuple[Mailbox, int]) -> None:
    site_yaml = repo / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\n"
                                                                                  "language: de"))
    assert notify(repo) == 0
    assert receiver.accepted("slack")[0]["text"] == "Neue Störung: Login failures (Wird untersucht)"
    box, _ = mailbox
    assert {m["Subject"] for _, _, m in box.messages} == {
        "[Test Status] Neue Störung: Login failures", "[Test Status] Update zur Zusage: Canary deploys for the API"}


def test_dry_run_prints_and_sends_nothing(repo: Path, receiver: Receiver, mailbox: tuple[Mailbox, int],
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_URL", "TEAMS_URL", "DISCORD_URL", "HOOK_URL", "HOOK_SECRET"):
        monkeypatch.delenv(name)  # a dry run needs no secrets
    assert notify(repo, "--dry-run") == 0
    out = capsys.readouterr().out
    assert receiver.requests == [] and mailbox[0].messages == []
    assert not (repo / ".notify-state.json").exists()
    assert out.count("--- slack (slack): ") == 2
    assert "--- subscribers (email): incident.created incidents/2026-11-25-login/#update-1\nTo: 2 recipients\n" in out
    assert "ana@test.example" not in out  # the subscriber list is private


def test_a_dry_run_speaks_the_site_s_language(repo: Path, receiver: Receiver,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    site_yaml = repo / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\n"
                                                                                  "language: fr"))
    assert notify(repo, "--dry-run") == 0
    out = capsys.readouterr().out
    assert receiver.requests == []
    assert "Nouvel incident : Login failures" in out
    assert "Ce que vous pouvez faire maintenant" in out  # the workaround, under its French label
    assert "Mise à jour de l’engagement : Canary deploys for the API" in out
    assert "New incident" not in out and "What you can do now" not in out


def test_state_file_that_is_not_one_is_refused(repo: Path, receiver: Receiver,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".notify-state.json").write_text("{not json")
    assert notify(repo) == 1
    assert "cannot read the state file" in capsys.readouterr().err
    assert receiver.requests == []


def test_an_unknown_revision_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notify", str(repo / "content"), "--since", "no-such-ref", "--now", NOW_TEXT]) == 2
    assert "git knows no such revision" in capsys.readouterr().err


def test_a_commit_whose_site_had_errors_counts_as_never_published(repo: Path, receiver: Receiver) -> None:
    """The publish workflow did not build it, so its posts reach customers with the fix."""
    _git(repo, "reset", "-q", "--soft", "HEAD~1", when="2026-11-25T11:35:00+01:00")
    broken = repo / "content" / "incidents" / "2026-11-25-login.yaml"
    broken.write_text(NEW_INCIDENT.replace("impact: critical", "impact: catastrophic"))
    _git(repo, "commit", "-qam", "oops", when="2026-11-25T11:35:00+01:00")
    broken.write_text(NEW_INCIDENT)
    _git(repo, "commit", "-qam", "fix", when="2026-11-25T11:40:00+01:00")
    assert notify(repo) == 0  # --since HEAD~1, the broken commit: the one before it is compared
    assert len(receiver.accepted("slack")) == 2


def test_every_notify_message_of_the_catalog_is_used() -> None:
    catalog = (ROOT / "themes" / "default" / "messages" / "en.yaml").read_text(encoding="utf-8")
    section = catalog.split("\nnotify:\n", 1)[1].split("\n\n", 1)[0]
    events = {line.split(":")[0].strip() for line in section.split("  event:\n", 1)[1].splitlines()
              if line.startswith("    ")}
    assert events == {e.replace(".", "_") for e in NOTIFY_EVENTS if not e.startswith("component.")}
    code = "".join(p.read_text() for p in (ROOT / "src" / "statusgen" / "notify").glob("*.py"))
    keys = {line.split(":")[0].strip() for line in section.splitlines() if line.startswith("  ") and
            not line.startswith("    ") and line.strip() != "event:"}
    assert sorted(k for k in keys if f'"notify.{k}"' not in code and f"'notify.{k}'" not in code) == []


SKELETON_HOSTS = ROOT / "src/statusgen/authoring/skeleton/hosts"


def _notify_script(host: str) -> tuple[str, dict[str, str], set[str]]:
    """Return the notify step of a host's workflow or pipeline, the variable naming the commit before, and the
    paths its cache keeps."""
    import yaml

    if host == "gitlab-pages":
        job = yaml.safe_load((SKELETON_HOSTS / "gitlab-pages/gitlab-ci.yml").read_text())["notify"]
        assert "$CI_COMMIT_BEFORE_SHA" in job["rules"][0]["if"]
        return "\n".join(job["script"]), {"before": "CI_COMMIT_BEFORE_SHA"}, {p for c in job["cache"]
                                                                                for p in c["paths"]}
    steps = yaml.safe_load((SKELETON_HOSTS / host / "publish.yml").read_text())["jobs"]["publish"]["steps"]
    (step,) = [s for s in steps if s.get("name") == "statusgen notify"]
    assert "github.event.before" in step["if"]
    cached = {s["with"]["path"] for s in steps if str(s.get("uses", "")).startswith("actions/cache/")}
    return step["run"], {"before": "BEFORE"}, cached


@pytest.mark.parametrize("host", ["github-pages", "cloudflare-pages", "s3", "gitlab-pages"])
def test_each_host_s_notify_step_delivers_as_a_push_would(repo: Path, receiver: Receiver, host: str) -> None:
    """Run the step of the workflow (or GitLab job) `statusgen init` writes, with the commit before the push."""
    import sys

    script, names, cached = _notify_script(host)
    before = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=repo, capture_output=True, text=True,
                            check=True).stdout.strip()
    env = {**os.environ, names["before"]: before,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for _ in range(2):  # a re-run of the job sends nothing twice
        done = subprocess.run(["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    assert len(receiver.accepted("slack")) == 2
    assert (repo / ".statusgen-notify-state.json").is_file()
    assert ".statusgen-notify-state.json" in cached  # kept between runs
