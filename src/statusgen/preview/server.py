"""Serve a site from memory over HTTP, tell open tabs when it changed, and show build errors in them.

:class:`PreviewServer` serves the :class:`~statusgen.incremental.Snapshot` that a
:class:`LiveSite` holds: pretty URLs (``/incidents/x/`` is ``incidents/x/index.html``,
``/incidents/x`` redirects there), the site's 404 page for anything else, and nothing outside
the site, whatever the request path says (``..``, encoded or not, backslashes, NUL bytes).

Only here, never in built files, each HTML page gets a small script that listens to
``/__statusgen__/events`` (server-sent events) and reloads the tab when its page changed, and,
while the last build failed, a panel listing the problems (escaped) above the last good site.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import html
import json
import logging
import posixpath
import socket
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import StatusgenError
from .hosts import is_ip_literal, own_host_names, split_host

if TYPE_CHECKING:
    from .snapshot import Snapshot

log = logging.getLogger(__name__)

#: The preview's own URLs; site paths are lowercase slugs, so they never clash.
PREFIX = "/__statusgen__/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "live.js"
PANEL_CSS = PREFIX + "panel.css"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}

#: How long an event stream stays silent before a comment line checks that the tab is still there.
HEARTBEAT = 15.0


@dataclass(frozen=True, slots=True)
class Change:
    """One change of what is served: the output paths that changed ("*": everything)."""

    epoch: int
    paths: frozenset[str]


class LiveSite:
    """What the preview serves, shared by the build thread and the request threads.

    The snapshot is replaced as a whole, so a request sees one site, never half of two. Each
    change bumps :attr:`epoch` and wakes the event streams of open tabs.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.snapshot: Snapshot | None = None
        #: The problems of the last build, as text, while it failed (empty when it worked).
        self.problems: tuple[str, ...] = ()
        #: One line saying what failed and what is served instead.
        self.problem_summary = ""
        self.epoch = 0
        self._changes: collections.deque[Change] = collections.deque(maxlen=256)
        self.closing = False

    def publish(self, snapshot: Snapshot, paths: set[str]) -> None:
        """Serve ``snapshot`` from now on; ``paths`` changed."""
        with self._cond:
            self.snapshot = snapshot
            self._change(frozenset(paths))

    def fail(self, problems: list[str], summary: str) -> None:
        """Show ``problems`` over every page (the snapshot stays as it was)."""
        with self._cond:
            if tuple(problems) == self.problems and summary == self.problem_summary:
                return
            self.problems, self.problem_summary = tuple(problems), summary
            self._change(frozenset({"*"}))

    def recover(self) -> None:
        """Stop showing problems."""
        with self._cond:
            if self.problems or self.problem_summary:
                self.problems, self.problem_summary = (), ""
                self._change(frozenset({"*"}))

    def close(self) -> None:
        """Wake every event stream so it ends."""
        with self._cond:
            self.closing = True
            self._cond.notify_all()

    def _change(self, paths: frozenset[str]) -> None:
        self.epoch += 1
        self._changes.append(Change(self.epoch, paths))
        self._cond.notify_all()

    def wait(self, since: int, timeout: float) -> list[Change] | None:
        """Return the changes after epoch ``since``, waiting up to ``timeout``; None when closing."""
        with self._cond:
            self._cond.wait_for(lambda: self.epoch > since or self.closing, timeout=timeout)
            if self.closing:
                return None
            if self._changes and self._changes[0].epoch > since + 1:
                return [Change(self.epoch, frozenset({"*"}))]  # too far behind: reload
            return [c for c in self._changes if c.epoch > since]


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server for one :class:`LiveSite`.

    :raises StatusgenError: when it cannot listen on ``host:port`` (in use, not allowed).
    """

    # Each request runs in its own thread. Stopping cuts every open connection first
    # (close_connections), then waits for the threads, which end at once.
    daemon_threads = True
    block_on_close = True

    def __init__(self, live: LiveSite, host: str, port: int) -> None:
        self.live = live
        if ":" in host:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), _Handler)
        except OSError as exc:
            raise StatusgenError(_listen_error(exc, host, port)) from None
        self.host_names = own_host_names(host, str(self.server_address[0]))
        self.any_address = host in ("0.0.0.0", "::", "")
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def accepts_host(self, header: str | None) -> bool:
        """Return whether a request's ``Host`` header names this preview (see :func:`own_host_names`).

        A page on another site whose name is made to resolve to this computer (DNS rebinding)
        sends its own name: refused, so it cannot read the preview. Without a Host header (no
        browser sends none) the request is served.
        """
        if header is None:
            return True
        host, port = split_host(header.strip().lower())
        if port is not None and port != str(self.server_address[1]):
            return False
        if host in self.host_names:
            return True
        # Serving every address (--host 0.0.0.0): any IP address is fine, rebinding needs a name.
        return self.any_address and is_ip_literal(host)

    # -- open connections, closed when the preview stops ---------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut every open connection, so a slow client (or an open tab's event stream) holds nothing up."""
        with self._open_lock:
            open_now = list(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


def _listen_error(exc: OSError, host: str, port: int) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (f"cannot serve on {where}: the port is already in use (another `statusgen serve`?). "
                f"Stop it, or choose another port with --port, e.g. --port {port + 1 if port else 8001}.")
    if exc.errno == errno.EACCES:
        return f"cannot serve on {where}: not allowed to use this port; choose one above 1023 with --port."
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot serve on {where}: this computer has no such address; check --host."
    return f"cannot serve on {where}: {exc.strerror or exc}"


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "statusgen-preview"
    # A client that connects and sends nothing must not hold a thread for long.
    timeout = 10

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        log.debug("%s %s", self.address_string(), format % args)

    # -- routing -------------------------------------------------------------------------------

    def _respond(self, *, body: bool) -> None:
        if not self.server.accepts_host(self.headers.get("Host")):
            self._send(HTTPStatus.MISDIRECTED_REQUEST, b"This is a statusgen preview; it answers only its own "
                       b"host names (localhost, 127.0.0.1, [::1] or the address it serves on).\n", ".txt",
                       body=body, close=True)
            return
        raw_path = urlsplit(self.path).path
        query = urlsplit(self.path).query
        if raw_path == EVENTS and body:
            self._events(query)
            return
        if raw_path == SCRIPT:
            self._send(HTTPStatus.OK, _LIVE_SCRIPT.encode("utf-8"), ".js", body=body)
            return
        if raw_path == PANEL_CSS:
            self._send(HTTPStatus.OK, _PANEL_STYLE.encode("utf-8"), ".css", body=body)
            return
        live = self.server.live
        snapshot = live.snapshot
        if snapshot is None:  # the first build failed: there is no site yet
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._inject(_NO_SITE.encode("utf-8"), ""), ".html",
                       body=body)
            return
        base = urlsplit(snapshot.content.site.base_url).path or "/"
        found = resolve(raw_path, base, snapshot)
        if isinstance(found, Redirect):
            location = found.location + (f"?{query}" if query else "")
            self.send_response(HTTPStatus.MOVED_PERMANENTLY if found.permanent else HTTPStatus.FOUND)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        if found is None:
            wanted = _output_of(raw_path, base) or ""
            data = snapshot.files.get("404.html", b"<!doctype html><title>Not found</title><h1>Not found</h1>")
            self._send(HTTPStatus.NOT_FOUND, self._inject(data, wanted), ".html", body=body)
            return
        output, data = found
        suffix = posixpath.splitext(output)[1].lower()
        if suffix == ".html":
            data = self._inject(data, output)
        self._send(HTTPStatus.OK, data, suffix, body=body)

    def _send(self, status: HTTPStatus, data: bytes, suffix: str, *, body: bool, close: bool = False) -> None:
        self.send_response(status)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.send_header("Content-Type", CONTENT_TYPES.get(suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        # Always the latest build: never from a cache.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _inject(self, data: bytes, output: str) -> bytes:
        """Add the reload script (and the problems, while a build fails) to an HTML page."""
        live = self.server.live
        script = (f'<script src="{SCRIPT}" data-epoch="{live.epoch}" '
                  f'data-path="{html.escape(output, quote=True)}" defer></script>').encode()
        if live.problems or live.problem_summary:
            data = _with_panel(data, _panel(live.problem_summary, live.problems).encode("utf-8"))
        end = data.rfind(b"</body>")
        if end < 0:
            return data + script
        return data[:end] + script + data[end:]

    # -- server-sent events --------------------------------------------------------------------

    def _events(self, query: str) -> None:
        """Stream the changes after the epoch the tab's page was served at (``?since=N``)."""
        live = self.server.live
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        since = parse_qs(query).get("since", [""])[0]
        seen = int(since) if since.isdigit() else live.epoch
        try:
            if seen > live.epoch:  # served by an earlier run of the preview: reload
                self._event("change", {"epoch": live.epoch, "paths": ["*"]})
                seen = live.epoch
            self._event("hello", {"epoch": seen})
            while True:
                changes = live.wait(seen, HEARTBEAT)
                if changes is None:
                    return
                if not changes:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                seen = changes[-1].epoch
                paths = sorted(set().union(*(c.paths for c in changes)))
                self._event("change", {"epoch": seen, "paths": ["*"] if "*" in paths else paths})
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return  # the tab was closed

    def _event(self, name: str, data: dict[str, Any]) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str
    permanent: bool = True


def resolve(raw_path: str, base: str, snapshot: Snapshot) -> tuple[str, bytes] | Redirect | None:
    """Return (output path, bytes) for a request path, a redirect, or None when there is nothing there.

    ``base`` is the path the site is published under (from its base_url), served at the same
    path here so that absolute links work. Any path that is not plainly inside the site (``..``
    or ``.`` segments, encoded or not, backslashes, NUL bytes, undecodable bytes) is None.
    """
    if raw_path in ("", "/") and base != "/":
        return Redirect(base, permanent=False)
    if raw_path + "/" == base:
        return Redirect(base)
    output = _output_of(raw_path, base)
    if output is None:
        return None
    for found in (snapshot.files, snapshot.assets):
        if output in found:
            return output, found[output]
    # A folder named without its slash: send the browser to the slash form, as web servers do.
    if not output.endswith("index.html") and f"{output}/index.html" in snapshot.files:
        return Redirect(quote(base + output + "/"))
    return None


def _output_of(raw_path: str, base: str) -> str | None:
    """Return the output path a request path names (``incidents/x/index.html``), or None."""
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith(base) or "\\" in path or "\x00" in path:
        return None
    rel = path[len(base):]
    parts = rel.split("/")
    if any(part in (".", "..") for part in parts) or any(part == "" for part in parts[:-1]):
        return None
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _with_panel(data: bytes, panel: bytes) -> bytes:
    """Put ``panel`` first in the page's <body>."""
    start = data.find(b"<body")
    end = data.find(b">", start) if start >= 0 else -1
    if end < 0:
        return panel + data
    return data[:end + 1] + panel + data[end + 1:]


def _panel(summary: str, problems: tuple[str, ...]) -> str:
    """Return the panel listing the problems of the last build (every word escaped).

    Styled from the preview's own stylesheet, not inline: pages carry a Content-Security-Policy
    that allows no inline style they do not name by hash.
    """
    items = "".join(f"<pre>{html.escape(p)}</pre>" for p in problems)
    return (
        f'<link rel="stylesheet" href="{PANEL_CSS}">'
        '<div id="statusgen-preview-problems" role="alert">'
        f"<p>{html.escape(summary)}</p><div>{items}</div></div>"
    )


_PANEL_STYLE = """
#statusgen-preview-problems{position:relative;z-index:2147483647;margin:0;padding:1rem 1.25rem;
background:#fff8c5;color:#1f2328;border-bottom:3px solid #cf222e;font:15px/1.5 system-ui,sans-serif}
#statusgen-preview-problems>p{margin:0 0 .5rem;font-weight:600}
#statusgen-preview-problems>div{max-height:60vh;overflow:auto}
#statusgen-preview-problems pre{margin:.5rem 0;padding:.5rem;background:#fff;border:1px solid #d0d7de;
white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace}
"""


_NO_SITE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>statusgen preview</title></head>
<body><h1>No site to show yet</h1>
<p>The site could not be built. Fix the problems listed above (also in the terminal) and save:
this page reloads by itself.</p></body></html>
"""

#: Injected into every served HTML page (never into built files). Reloads the tab when its
#: page, or everything ("*": assets, problems shown or gone), changed; reconnects on its own.
_LIVE_SCRIPT = """\
// statusgen serve: reload this tab when the preview rebuilt its page.
(function () {
  "use strict";
  var me = document.currentScript;
  var epoch = Number(me.getAttribute("data-epoch"));
  var path = me.getAttribute("data-path");
  // Changes since this page was served come first, so none is missed while it loads.
  var source = new EventSource("/__statusgen__/events?since=" + epoch);
  function reload() { source.close(); window.location.reload(); }
  source.addEventListener("change", function (e) {
    var paths = JSON.parse(e.data).paths;
    if (paths.indexOf("*") >= 0 || paths.indexOf(path) >= 0) {
      reload();
      return;
    }
    for (var i = 0; i < paths.length; i++) {
      if (/\\.(css|js)$/.test(paths[i])) { reload(); return; }  // a stylesheet or script it may use
    }
  });
})();
"""
