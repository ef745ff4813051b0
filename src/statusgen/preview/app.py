"""``statusgen serve``: build, serve, watch, rebuild what changed, and reload the open tabs.

One :class:`Preview` ties the pieces together: a :class:`~statusgen.incremental.SiteBuilder`
builds into memory, a :class:`~statusgen.server.PreviewServer` serves the last good site
from a :class:`~statusgen.server.LiveSite`, and a :class:`~statusgen.watch.Watcher` hands
bursts of changes to a build thread. A build that fails (content, theme) never stops the
preview: the problems go to the terminal, as `build` prints them, and over every page in the
browser, while the last good site stays served; the next good build takes them away.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click
from watchdog.observers.api import BaseObserver

from ..errors import ContentError, Problem, StatusgenError, display_path
from .builder import SiteBuilder
from .server import LiveSite, PreviewServer
from .snapshot import Published, Rebuild
from .watch import Watcher

log = logging.getLogger(__name__)

#: Seconds :meth:`Preview.stop` waits for each of its threads.
STOP_WAIT = 2.0


class Preview:
    """A live preview of the site in ``site_dir``.

    :param now: the instant the site describes on every build; None takes the clock at each
        build, and rebuilds every page once per ``policy.refresh`` so none poses as stale.
    :param delay: seconds without file events after which a burst of saves is rebuilt.
    :param jobs: processes for the first build (before any thread runs).
    :param observer: the watchdog observer (default: the best for this system).
    """

    def __init__(self, site_dir: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 now: dt.datetime | None = None, delay: float = 0.05, jobs: int = 1,
                 observer: BaseObserver | None = None) -> None:
        self.site_dir = site_dir
        self.builder = SiteBuilder(site_dir, now=now, jobs=jobs)
        self.live = LiveSite()
        # Listen first: a port in use is said at once, not after the first build.
        self.server = PreviewServer(self.live, host, port)
        self.watcher = Watcher(site_dir, delay=delay, observer=observer)
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._warned: set[Problem] = set()
        self._last_full = time.monotonic()
        #: Every build that was attempted (tests wait for them).
        self.builds = 0
        self.built = threading.Condition()
        #: Called after every build attempt with what it did (None when it failed).
        self.on_build: Callable[[Rebuild | None], None] | None = None

    @property
    def url(self) -> str:
        """The address of the site (under the path of its base_url)."""
        snapshot = self.live.snapshot
        path = urlsplit(snapshot.content.site.base_url).path.lstrip("/") if snapshot else ""
        return self.server.url + path

    def start(self) -> None:
        """Build, then start watching and serving (in threads). Returns at once."""
        self._build(first=True)
        self._follow_theme()
        self.watcher.start()
        # Anything saved during the first build: look at every file once more.
        self.builder.check_all_files()
        self._start_thread("statusgen-build", self._build_loop)
        self._start_thread("statusgen-http", lambda: self.server.serve_forever(poll_interval=0.1))

    def stop(self) -> None:
        """Stop watching, building and serving, promptly: open connections are cut, threads get a moment.

        A build in progress, or a client that sends half a request, never keeps the preview from
        stopping (every thread is a daemon; the process may end without them).
        """
        self._stopping.set()
        self.watcher.stop()
        self.live.close()
        self.server.shutdown()
        self.server.close_connections()
        for thread in self._threads:
            thread.join(timeout=STOP_WAIT)
            if thread.is_alive():
                log.debug("%s still running when stopped; left behind", thread.name)
        self.server.server_close()

    def serve_forever(self) -> None:
        """Run until Ctrl-C (or :meth:`stop` from another thread)."""
        self.start()
        shown = display_path(self.site_dir)
        log.info("Serving %s at %s", shown, self.url)
        log.info("Watching %s and the theme; pages reload by themselves when you save. Press Ctrl-C to stop.",
                 shown)
        if threading.current_thread() is threading.main_thread():
            # Stopped by a process manager (SIGTERM) as cleanly as by Ctrl-C.
            signal.signal(signal.SIGTERM, lambda *_: self._stopping.set())
        try:
            while not self._stopping.wait(0.5):
                pass
        except KeyboardInterrupt:
            log.info("Stopping...")
        finally:
            self.stop()
        log.info("Stopped.")

    def _start_thread(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- building ------------------------------------------------------------------------------

    def _build_loop(self) -> None:
        while not self._stopping.is_set():
            paths = self.watcher.wait(timeout=self._until_refresh())
            if paths is None:
                return
            try:
                if self.watcher.take_replaced():
                    self._site_replaced()
                if paths:
                    self.builder.notice(paths)
                    log.debug("changed: %s", ", ".join(display_path(p) for p in paths))
                    self._build()
                elif (left := self._until_refresh()) is not None and left <= 0:
                    # With the clock, every page says when it was made: rebuild them all now and then
                    # (and not again at once if that fails: the next save or period tries again).
                    self._last_full = time.monotonic()
                    self._build(everything=True)
            except Exception:  # the loop must outlive any bug, or saves would silently stop showing
                log.exception("internal error in the preview; please report it")

    def _site_replaced(self) -> None:
        """The site folder was replaced by another of the same name: watch the new one, forget the old."""
        if self.watcher.rewatch():
            log.info("%s was replaced; reading it afresh", display_path(self.site_dir))
        else:
            log.info("%s is gone; waiting for it to come back", display_path(self.site_dir))
        # Nothing known about the old folder's files holds for the new one.
        self.builder = SiteBuilder(self.site_dir, now=self.builder.now)

    def _until_refresh(self) -> float | None:
        snapshot = self.live.snapshot
        if self.builder.now is not None or snapshot is None:
            return None
        refresh = snapshot.content.site.policy.refresh.total_seconds()
        return max(0.0, self._last_full + refresh - time.monotonic())

    def _build(self, *, first: bool = False, everything: bool = False) -> None:
        started = time.perf_counter()
        result: Rebuild | None = None
        try:
            result = self.builder.build(everything=everything, publish=self._publish,
                                        interrupted=lambda: self.watcher.pending() or self._stopping.is_set())
        except ContentError as exc:
            self._failed(exc.problems, f"{_count(len(exc.problems), 'error')} in the content")
        except StatusgenError as exc:  # the theme (a template, a catalog), or two outputs on one path
            self._failed([exc.format_message()], "The site cannot be built")
        except OSError as exc:
            self._failed([f"{exc.filename or display_path(self.site_dir)}: {exc.strerror or exc}"],
                         "The site cannot be read")
        except Exception:  # a bug: say so, keep serving, and start afresh next time
            log.exception("internal error while building; please report it")
            self._failed(["statusgen hit an internal error while building; the terminal shows the details."],
                         "Internal error")
            self.builder = SiteBuilder(self.site_dir, now=self.builder.now)
        else:
            self._succeeded(result, time.perf_counter() - started, first=first)
        with self.built:
            self.builds += 1
            self.built.notify_all()
        if self.on_build is not None:
            self.on_build(result)

    def _publish(self, published: Published) -> None:
        self.live.publish(published.snapshot, published.changed | published.removed)
        if not published.final:
            # Let the request threads tell the tabs before the rest of the build takes the interpreter.
            time.sleep(0)

    def _succeeded(self, result: Rebuild, seconds: float, *, first: bool) -> None:
        if result.full:
            self._last_full = time.monotonic()
        for warning in sorted(set(result.warnings) - self._warned, key=Problem.sort_key):
            log.warning(warning.format())
        self._warned = set(result.warnings)
        was_failing = bool(self.live.problems)
        self.live.recover()
        if first:
            log.info("Built %s in %.2f s", _count(len(result.snapshot.files) + len(result.snapshot.assets), "file"),
                     seconds)
            return
        if was_failing:
            log.info("Fixed: the preview shows the current site again.")
        self._follow_theme()
        pages = _count(len(result.rendered), "page")
        if not result.complete:
            log.info("Rendered %s in %.2f s, then more changes came in", pages, seconds)
        elif result.changed or result.removed:
            log.info("Rebuilt in %.2f s: %s rendered, %s changed%s", seconds, pages,
                     _count(len(result.changed), "file"), f", {len(result.removed)} gone" if result.removed else "")
        else:
            log.debug("Rebuilt in %.2f s: nothing changed", seconds)

    def _failed(self, problems: list[Problem] | list[str], what: str) -> None:
        texts = [p.format() if isinstance(p, Problem) else p for p in problems]
        serving = "still serving the last good site" if self.live.snapshot else "there is no site to serve yet"
        summary = f"{what}; {serving}. Fix it and save: the preview rebuilds by itself."
        # The same list as `statusgen build` prints, then what the preview does about it.
        click.echo("\n".join(texts), err=True)
        log.error(summary)
        self.live.fail(texts, f"{what}. The preview shows the last good site until it is fixed."
                       if self.live.snapshot else f"{what}.")

    def _follow_theme(self) -> None:
        """Watch the theme folders and asset files of the site as it is now."""
        theme = self.builder.theme()
        try:
            files = [source for _, source in theme.assets()]
        except StatusgenError:  # a static file the build refuses: the build says so; watch the folders
            files = []
        self.watcher.follow(theme.dirs, files)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
