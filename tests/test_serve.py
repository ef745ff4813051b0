"""`statusgen serve`: a real server on a free port, real files saved, real HTTP and server-sent events."""

from __future__ import annotations

import errno
import http.client
import json
import os
import queue
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.observers import Observer

from statusgen.build import build
from statusgen.cli import main
from statusgen.errors import StatusgenError
from statusgen.preview.app import Preview
from statusgen.preview.server import LiveSite, PreviewServer

from .conftest import BASE_SITE, NOW, published

INCIDENT = "incidents/2026-11-20-api-errors.yaml"
PAGE = "/incidents/2026-11-20-api-errors/"


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site()


@pytest.fixture
def preview(site: Path) -> Iterator[Preview]:
    running = Preview(site, port=0, now=NOW, delay=0.05)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One preview for the tests that only read: nothing is saved while it runs."""
    site = tmp_path_factory.mktemp("unchanged") / "site"
    shutil.copytree(BASE_SITE, site)
    running = Preview(site, port=0, now=NOW)
    running.start()
    yield running
    running.stop()


def request(preview: Preview, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send ``path`` exactly as given (no normalisation); return status, headers and body."""
    host, port = preview.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def raw_request(preview: Preview, line: bytes) -> bytes:
    """Send a raw request line (one http.client would refuse to send); return the status line."""
    with socket.create_connection(preview.server.server_address[:2], timeout=10) as sock:
        sock.sendall(line + b"\r\n\r\n")
        return sock.makefile("rb").readline()


class Events:
    """A tab's event stream, read in a thread."""

    def __init__(self, preview: Preview, since: int) -> None:
        host, port = preview.server.server_address[:2]
        self.conn = http.client.HTTPConnection(host, port, timeout=10)
        self.conn.request("GET", f"/__statusgen__/events?since={since}")
        self.response = self.conn.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        #: Set when the server ended the stream.
        self.ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name = ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    self.events.put((name, json.loads(line[6:])))
        except (OSError, ValueError):
            pass
        self.ended.set()

    def until(self, predicate: Callable[[str, dict], bool], timeout: float = 10) -> dict:
        """Return the data of the first event that satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            name, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if predicate(name, data):
                return data

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def events(preview: Preview) -> Iterator[Events]:
    stream = Events(preview, preview.live.epoch)
    stream.until(lambda name, _: name == "hello")
    yield stream
    stream.close()


def builds_after(preview: Preview, count: int, timeout: float = 10) -> int:
    """Wait until more than ``count`` builds were attempted; return how many."""
    with preview.built:
        assert preview.built.wait_for(lambda: preview.builds > count, timeout=timeout), "no rebuild came"
        return preview.builds


def save(path: Path, text: str) -> None:
    """Save as editors that write a temporary file and rename it over the original do."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# -- serving ------------------------------------------------------------------------------------


def test_serves_the_site_with_pretty_urls(unchanged: Preview) -> None:
    preview = unchanged
    status, headers, body = request(preview, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert body.count(b'src="/__statusgen__/live.js"') == 1
    assert b'data-path="index.html"' in body
    assert request(preview, "/?utm=1")[0] == 200
    status, headers, body = request(preview, PAGE.rstrip("/"))
    assert status == 301 and headers["location"] == PAGE
    assert request(preview, PAGE.rstrip("/") + "?x=1")[1]["location"] == PAGE + "?x=1"
    assert request(preview, PAGE + "index.html")[0] == 200
    status, headers, body = request(preview, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000


@pytest.mark.parametrize("path,content_type", [
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/atom.xml", "application/xml; charset=utf-8"),
    ("/api/v2/summary.json", "application/json"),
    ("/badge.svg", "image/svg+xml"),
    ("/maintenance.ics", "text/calendar; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/" + published("static/style.css"), "text/css; charset=utf-8"),
    ("/" + published("static/status.js"), "text/javascript; charset=utf-8"),
    ("/__statusgen__/live.js", "text/javascript; charset=utf-8"),
])
def test_content_types(unchanged: Preview, path: str, content_type: str) -> None:
    status, headers, body = request(unchanged, path)
    assert status == 200 and headers["content-type"] == content_type
    assert b"__statusgen__/live.js" not in body or path.endswith(".js")


def test_unknown_paths_get_the_404_page(unchanged: Preview) -> None:
    preview = unchanged
    status, headers, body = request(preview, "/incidents/no-such-thing/")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert preview.live.snapshot is not None
    assert body.startswith(preview.live.snapshot.files["404.html"].split(b"</body>")[0])
    # The tab reloads when the page appears.
    assert b'data-path="incidents/no-such-thing/index.html"' in body


@pytest.mark.parametrize("path", [
    "/../site.yaml", "/..", "/%2e%2e/site.yaml", "/%2E%2E/%2e%2e/etc/passwd", "/incidents/..%2f..%2fsite.yaml",
    "/static/../../site.yaml", "/static/%2e%2e/%2e%2e/site.yaml", "/..%5csite.yaml", "/static%5c..%5c..%5csite.yaml",
    "/index.html%00", "/%00/../site.yaml", "//etc/passwd", "/./index.html", "/static/./style.css",
    "/%ff%fe", "/site.yaml", "/incidents/2026-11-20-api-errors.yaml",
])
def test_nothing_outside_the_site_is_served(unchanged: Preview, path: str) -> None:
    status, _, body = request(unchanged, path)
    assert status == 404
    assert b"base_url" not in body and b"root:" not in body


def test_backslashes_and_nul_bytes_are_not_found(unchanged: Preview) -> None:
    assert raw_request(unchanged, b"GET /..\\..\\site.yaml HTTP/1.0").split()[1] == b"404"
    assert raw_request(unchanged, b"GET /index.html\x00.txt HTTP/1.0").split()[1] == b"404"


def test_built_files_have_no_preview_script(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out, now=NOW)
    assert not [p for p in out.rglob("*") if p.is_file() and b"__statusgen__" in p.read_bytes()]


def test_a_site_under_a_path_is_served_there(make_site: Callable[..., Path]) -> None:
    site = make_site()
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("https://status.test.example/", "https://test.example/status/"),
                                    encoding="utf-8")
    running = Preview(site, port=0, now=NOW)
    running.start()
    try:
        assert running.url.endswith("/status/")
        status, headers, _ = request(running, "/")
        assert status == 302 and headers["location"] == "/status/"
        assert request(running, "/status")[1]["location"] == "/status/"
        assert request(running, "/status/")[0] == 200
        assert request(running, "/status/feed.xml")[0] == 200
        assert request(running, "/feed.xml")[0] == 404
    finally:
        running.stop()


# -- rebuilding ---------------------------------------------------------------------------------


def test_a_save_changes_the_page_and_reloads_the_tab(preview: Preview, site: Path, events: Events) -> None:
    path = site / INCIDENT
    save(path, path.read_text(encoding="utf-8").replace("title: API errors", "title: API errors, again"))
    change = events.until(lambda name, data: name == "change" and "incidents/2026-11-20-api-errors/index.html"
                          in data["paths"])
    before = preview.live.epoch
    status, _, body = request(preview, PAGE)
    after = preview.live.epoch
    assert status == 200 and b"API errors, again" in body
    # The page carries the epoch it was served at; the second publish (home, feeds) may
    # bump the epoch while the request is on its way, so read it on both sides.
    served = re.search(rb'data-epoch="(\d+)"', body)
    assert served is not None and before <= int(served.group(1)) <= after
    assert change["epoch"] <= after
    # The pages that show it follow, with the feeds.
    events.until(lambda name, data: name == "change" and "feed.xml" in data["paths"])
    assert b"API errors, again" in request(preview, "/feed.xml")[2]


def test_a_tab_that_missed_a_change_reloads(preview: Preview, site: Path) -> None:
    status, _, body = request(preview, PAGE)
    epoch = preview.live.epoch
    builds = preview.builds
    path = site / INCIDENT
    save(path, path.read_text(encoding="utf-8").replace("title: API errors", "title: Changed"))
    builds_after(preview, builds)
    stream = Events(preview, epoch)  # connected only after the change
    try:
        data = stream.until(lambda name, _: name == "change")
        assert "incidents/2026-11-20-api-errors/index.html" in data["paths"]
    finally:
        stream.close()


def test_an_invalid_file_shows_its_problems_over_the_last_good_site(preview: Preview, site: Path,
                                                                    events: Events) -> None:
    path = site / INCIDENT
    good = path.read_text(encoding="utf-8")
    save(path, good.replace("status: investigating", "stauts: <script>alert(1)</script>"))
    events.until(lambda name, data: name == "change" and data["paths"] == ["*"])
    status, _, body = request(preview, PAGE)
    assert status == 200
    assert b'id="statusgen-preview-problems"' in body
    assert b"unknown key &#x27;stauts&#x27;" in body and b"did you mean &#x27;status&#x27;?" in body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body and b"<script>alert" not in body
    assert b"<h1>API errors</h1>" in body  # the last good page
    # Every page shows it, and the rest of the site is still served.
    assert b"statusgen-preview-problems" in request(preview, "/")[2]
    assert request(preview, "/feed.xml")[0] == 200

    save(path, good.replace("title: API errors", "title: API errors fixed"))
    events.until(lambda name, data: name == "change" and data["paths"] == ["*"])
    status, _, body = request(preview, PAGE)
    assert b"statusgen-preview-problems" not in body and b"API errors fixed" in body


def test_problems_are_printed_as_build_prints_them(preview: Preview, site: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = site / INCIDENT
    builds = preview.builds
    save(path, path.read_text(encoding="utf-8").replace("status: investigating", "stauts: investigating"))
    builds_after(preview, builds)
    err = capsys.readouterr().err
    assert f"{INCIDENT}:6:5: unknown key 'stauts'" in err.replace(str(site) + "/", "").replace(
        os.path.relpath(site) + "/", "")
    assert "  hint: did you mean 'status'?" in err


def test_a_burst_of_saves_is_one_rebuild(site: Path) -> None:
    running = Preview(site, port=0, now=NOW, delay=0.2)
    running.start()
    try:
        builds = running.builds
        path = site / INCIDENT
        text = path.read_text(encoding="utf-8")
        # As vim saves: a test file, a swap file, a backup, then the file itself, written twice.
        (site / "incidents" / "4913").write_text("", encoding="utf-8")
        (site / "incidents" / "4913").unlink()
        (site / "incidents" / f".{path.name}.swp").write_text("swap", encoding="utf-8")
        os.replace(path, path.with_name(path.name + "~"))
        path.write_text(text.replace("title: API errors", "title: Burst"), encoding="utf-8")
        path.write_text(text.replace("title: API errors", "title: Burst, final"), encoding="utf-8")
        path.with_name(path.name + "~").unlink()
        after = builds_after(running, builds)
        time.sleep(0.6)  # three times the delay: nothing else comes
        assert running.builds == after == builds + 1
        assert b"Burst, final" in request(running, PAGE)[2]
    finally:
        running.stop()


def test_files_no_build_reads_do_not_rebuild(site: Path) -> None:
    running = Preview(site, port=0, now=NOW, delay=0.05)
    running.start()
    try:
        builds = running.builds
        (site / "incidents" / ".2026-11-20-api-errors.yaml.swp").write_text("x", encoding="utf-8")
        (site / "incidents" / "2026-11-20-api-errors.yaml~").write_text("x", encoding="utf-8")
        (site / "incidents" / ".#2026-11-20-api-errors.yaml").write_text("x", encoding="utf-8")
        (site / "notes.txt").write_text("x", encoding="utf-8")
        (site / "public").mkdir()
        (site / "public" / "index.html").write_text("x", encoding="utf-8")
        (site / ".git").mkdir()
        (site / ".git" / "index").write_text("x", encoding="utf-8")
        time.sleep(0.4)
        assert running.builds == builds
    finally:
        running.stop()


def test_a_new_item_gets_its_page(preview: Preview, site: Path, events: Events) -> None:
    text = (site / INCIDENT).read_text(encoding="utf-8").replace("title: API errors", "title: Brand new")
    save(site / "incidents" / "2026-11-24-new.yaml", text)
    events.until(lambda name, data: "incidents/2026-11-24-new/index.html" in data.get("paths", []))
    assert b"Brand new" in request(preview, "/incidents/2026-11-24-new/")[2]
    (site / "incidents" / "2026-11-24-new.yaml").unlink()
    events.until(lambda name, data: "incidents/2026-11-24-new/index.html" in data.get("paths", []))
    assert request(preview, "/incidents/2026-11-24-new/")[0] == 404


def test_the_first_build_failing_serves_the_problems_until_fixed(make_site: Callable[..., Path]) -> None:
    site = make_site({INCIDENT: "title: [unclosed\n"})
    running = Preview(site, port=0, now=NOW, delay=0.05)
    running.start()
    try:
        status, _, body = request(running, "/")
        assert status == 503 and b"statusgen-preview-problems" in body and b"YAML syntax error" in body
        builds = running.builds
        save(site / INCIDENT, "title: Fixed\nimpact: minor\nupdates:\n  - at: 2026-11-20T09:00:00+01:00\n"
             "    status: resolved\n    body: Fixed within the hour.\n")
        builds_after(running, builds)
        status, _, body = request(running, "/")
        assert status == 200 and b"statusgen-preview-problems" not in body
    finally:
        running.stop()


def test_the_site_theme_is_watched_too(make_site: Callable[..., Path]) -> None:
    site = make_site({
        "theme/static/custom.css": "body { color: black; }\n",
        "theme/templates/base.html": '{% extends "default/base.html" %}\n'
                                     "{% block footer_extra %}<p>Call us.</p>{% endblock %}\n",
    })
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("timezone:", "theme: theme\ntimezone:"), encoding="utf-8")
    running = Preview(site, port=0, now=NOW, delay=0.05)
    running.start()
    stream = Events(running, running.live.epoch)
    try:
        assert b"Call us." in request(running, PAGE)[2]
        save(site / "theme/static/custom.css", "body { color: navy; }\n")
        custom = published("static/custom.css", site)
        # The stylesheet has a new name, so every page changed: open tabs reload.
        stream.until(lambda name, data: custom in data.get("paths", []) and PAGE.lstrip("/") + "index.html"
                     in data.get("paths", []))
        assert request(running, "/" + custom)[2] == b"body { color: navy; }\n"
        assert custom.encode() in request(running, PAGE)[2]
        save(site / "theme/templates/base.html", '{% extends "default/base.html" %}\n'
             "{% block footer_extra %}<p>Call us day and night.</p>{% endblock %}\n")
        stream.until(lambda name, data: "incidents/2026-11-20-api-errors/index.html" in data.get("paths", []))
        assert b"Call us day and night." in request(running, PAGE)[2]
    finally:
        stream.close()
        running.stop()


def test_with_the_clock_every_page_is_rendered_again_once_per_refresh(make_site: Callable[..., Path]) -> None:
    site = make_site()
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text + "policy: {refresh: 1s}\n", encoding="utf-8")
    running = Preview(site, port=0, delay=0.05)  # no --now: the clock
    results: list[object] = []
    running.on_build = results.append
    running.start()
    try:
        builds_after(running, running.builds, timeout=10)
        assert results and getattr(results[-1], "full", False)
    finally:
        running.stop()


def test_without_file_events_the_preview_polls(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    class NoEvents(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, *args: object, **kwargs: object) -> object:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    with caplog.at_level("WARNING", logger="statusgen.preview.watch"):
        running = Preview(site, port=0, now=NOW, delay=0.05, observer=NoEvents())
    assert "checking it every second instead" in caplog.text
    running.start()
    try:
        builds = running.builds
        path = site / INCIDENT
        save(path, path.read_text(encoding="utf-8").replace("title: API errors", "title: Polled"))
        builds_after(running, builds, timeout=10)
        assert b"Polled" in request(running, PAGE)[2]
    finally:
        running.stop()


# -- starting and stopping ----------------------------------------------------------------------


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StatusgenError) as caught:
            PreviewServer(LiveSite(), "127.0.0.1", port)
    message = caught.value.format_message()
    assert f"127.0.0.1:{port}" in message and "already in use" in message and "--port" in message


def test_the_command_says_when_the_port_is_in_use(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(site), "--port", str(port)]) == 1
    assert f"cannot serve on 127.0.0.1:{port}: the port is already in use" in capsys.readouterr().err


def test_stopping_joins_every_thread(site: Path) -> None:
    running = Preview(site, port=0, now=NOW)
    running.start()
    stream = Events(running, running.live.epoch)
    stream.until(lambda name, _: name == "hello")
    running.stop()
    observer = running.watcher._observer
    assert not any(t.is_alive() for t in running._threads)
    assert not observer.is_alive() and not any(e.is_alive() for e in observer.emitters)
    assert stream.ended.wait(5)  # the event stream was ended, not left hanging
    stream.close()


def test_the_command_passes_its_options(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class FakePreview:
        def __init__(self, site_dir: Path, **options: object) -> None:
            seen.update(options, site=site_dir)

        def serve_forever(self) -> None:
            seen["served"] = True

    monkeypatch.setattr("statusgen.preview.app.Preview", FakePreview)
    assert main(["serve", str(site), "--port", "9123", "--now", "2026-11-25T12:00:00+01:00", "-j", "1"]) == 0
    assert seen == {"site": site, "host": "127.0.0.1", "port": 9123, "now": NOW, "jobs": 1, "served": True}


# -- only its own host names (DNS rebinding) -------------------------------------------------------


@pytest.mark.parametrize(("bind", "header", "ok"), [
    ("127.0.0.1", None, True), ("127.0.0.1", "localhost", True), ("127.0.0.1", "LOCALHOST:{port}", True),
    ("127.0.0.1", "127.0.0.1:{port}", True), ("127.0.0.1", "[::1]:{port}", True),
    ("127.0.0.1", "127.0.0.1:1", False), ("127.0.0.1", "evil.example", False),
    ("127.0.0.1", "localhost.evil.example:{port}", False), ("127.0.0.1", "127.0.0.1.evil.example", False),
    ("127.0.0.1", "192.168.1.20:{port}", False), ("127.0.0.1", "[::1", False), ("127.0.0.1", "", False),
    ("0.0.0.0", "192.168.1.20:{port}", True), ("0.0.0.0", "[fe80::1]:{port}", True),
    ("0.0.0.0", "evil.example:{port}", False), ("0.0.0.0", "localhost:{port}", True),
])
def test_the_preview_answers_only_its_own_host_names(bind: str, header: str | None, ok: bool) -> None:
    server = PreviewServer(LiveSite(), bind, 0)
    try:
        port = server.server_address[1]
        assert server.accepts_host(None if header is None else header.format(port=port)) is ok
    finally:
        server.server_close()
