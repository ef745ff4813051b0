"""Watch the site and its theme for changes that matter, and hand them over in bursts.

Editors save in bursts: vim writes a test file (``4913``), a swap file and a backup (``x~``),
others write ``x.tmp`` and rename it over ``x``, and one save gives several events. The
:class:`Watcher` drops the names no build reads (hidden files, backups, swap and temporary
files) and everything in the site folder that is not content (an output folder, ``.git``);
:meth:`Watcher.wait` then returns everything that happened once the events have been quiet
for ``delay`` seconds, so a burst gives one rebuild.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from watchdog.events import (
    DirModifiedEvent,
    FileClosedNoWriteEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from ..content.kinds import FOLDERS

log = logging.getLogger(__name__)

#: Names editors and tools write next to the files they save; no build reads them.
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".swn", ".tmp", ".temp", ".bak", ".orig", ".part", ".crdownload")
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db"})


def ignored(name: str) -> bool:
    """Return whether a file called ``name`` is one no build reads (hidden, backup, swap, temporary)."""
    return (not name or name.startswith((".", "#", "~")) or name.endswith(IGNORED_SUFFIXES)
            or name in IGNORED_NAMES or name.startswith("4913"))


class Watcher:
    """Watches the content of a site folder, theme folders and single files.

    :param delay: seconds without events after which a burst is over.
    :param observer: the watchdog observer to use (default: the best for this system; tests
        and network folders may pass a ``PollingObserver``).
    """

    def __init__(self, site_dir: Path, *, delay: float = 0.05, observer: BaseObserver | None = None) -> None:
        self.site_dir = os.path.abspath(site_dir)
        self.delay = delay
        self._observer = observer or Observer()
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._last = 0.0
        self._closing = False
        self._folders: tuple[str, ...] = ()
        self._files: frozenset[str] = frozenset()
        self._watches: dict[tuple[str, bool], ObservedWatch] = {}
        self._handler = _Handler(self)
        self._replaced = False
        self._watch(self.site_dir, recursive=True)
        # The folder that holds the site, not recursively: a watch follows a folder, not its name, so
        # this is how a site folder replaced by another (renamed into place, deleted and made
        # again: deploy tools, `git worktree`) is noticed.
        self._parent = os.path.dirname(self.site_dir)
        with contextlib.suppress(OSError):
            self._watch(self._parent, recursive=False)

    def follow(self, folders: Iterable[Path], files: Iterable[Path]) -> None:
        """Also watch ``folders`` (every file in them) and ``files``, instead of those given before."""
        self._folders = tuple(sorted({os.path.abspath(f) for f in folders if os.path.isdir(f)}))
        self._files = frozenset(os.path.abspath(f) for f in files)
        wanted = {(self.site_dir, True), (self._parent, False)} | {(f, True) for f in self._folders}
        wanted |= {(os.path.dirname(f), False) for f in self._files if not self._covered(f)}
        for key in [k for k in self._watches if k not in wanted]:
            self._observer.unschedule(self._watches.pop(key))
        for folder, recursive in sorted(wanted - set(self._watches)):
            if not os.path.isdir(folder):
                continue
            try:
                self._watch(folder, recursive=recursive)
            except OSError as exc:  # while watching already: keep what works, and say what does not
                log.warning("cannot watch %s for changes (%s); restart the preview after changing files there",
                            folder, exc.strerror or exc)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        """Stop watching and wake :meth:`wait`; joins the observer's threads."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._observer.stop()
        self._observer.join()

    def wait(self, timeout: float | None = None) -> list[Path] | None:
        """Wait for a burst of changes to end; return the paths (``[]`` after ``timeout``, None when stopped)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending or self._closing, timeout=timeout):
                return []
            # Until the burst is over: `delay` seconds without a new event.
            while not self._closing:
                quiet = self._last + self.delay - time.monotonic()
                if quiet <= 0:
                    break
                self._cond.wait(quiet)
            if self._closing:
                return None
            paths, self._pending = sorted(self._pending), set()
        return [Path(p) for p in paths]

    def take_replaced(self) -> bool:
        """Return whether the site folder was replaced (or removed) since the last call."""
        with self._cond:
            replaced, self._replaced = self._replaced, False
        return replaced

    def rewatch(self) -> bool:
        """Watch the folder that now has the site folder's name (after :meth:`take_replaced`).

        Return whether it exists; when it does not yet, its creation is noticed later.
        """
        for key in [k for k in self._watches if k != (self._parent, False)]:
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(self._watches.pop(key))
        if not os.path.isdir(self.site_dir):
            return False
        try:
            self._watch(self.site_dir, recursive=True)
        except OSError as exc:
            log.warning("cannot watch %s for changes (%s)", self.site_dir, exc.strerror or exc)
            return False
        folders, files = self._folders, self._files
        self._folders, self._files = (), frozenset()
        self.follow([Path(f) for f in folders], [Path(f) for f in files])
        return True

    def _site_event(self) -> None:
        """The site folder itself was created, deleted or renamed."""
        with self._cond:
            self._replaced = True
            self._pending.add(self.site_dir)
            self._last = time.monotonic()
            self._cond.notify_all()

    def pending(self) -> bool:
        """Return whether changes came in that :meth:`wait` has not returned yet."""
        with self._cond:
            return bool(self._pending) or self._closing

    # -- events --------------------------------------------------------------------------------

    def _watch(self, folder: str, *, recursive: bool) -> None:
        try:
            watch = self._observer.schedule(self._handler, folder, recursive=recursive)
        except OSError as exc:
            if isinstance(self._observer, PollingObserver) or self._observer.is_alive():
                raise
            # No file events here (inotify's watch limit, some network folders): look every second instead.
            log.warning("cannot watch %s for changes (%s); checking it every second instead", folder,
                        exc.strerror or exc)
            self._observer = PollingObserver(timeout=1)
            self._watches.clear()
            self._watch(self.site_dir, recursive=True)
            for other in self._folders:
                self._watch(other, recursive=True)
            if folder != self.site_dir and folder not in self._folders:
                self._watch(folder, recursive=recursive)
            return
        self._watches[(folder, recursive)] = watch

    def _covered(self, path: str) -> bool:
        return any(path.startswith(folder + os.sep) for folder in (self.site_dir, *self._folders))

    def relevant(self, path: str) -> bool:
        """Return whether a change at ``path`` can change the site."""
        if path in self._files:
            return True
        if ignored(os.path.basename(path)):
            return False
        for folder in self._folders:
            if path == folder or path.startswith(folder + os.sep):
                return True
        if path == self.site_dir or not path.startswith(self.site_dir + os.sep):
            return False
        parts = path[len(self.site_dir) + 1:].split(os.sep)
        # site.yaml, a content folder itself, or a file in one: nothing else in the site folder.
        return parts == ["site.yaml"] or (parts[0] in FOLDERS and len(parts) <= 2)

    def _add(self, paths: Iterable[str]) -> None:
        found = [p for p in paths if self.relevant(p)]
        if not found:
            return
        with self._cond:
            self._pending.update(found)
            self._last = time.monotonic()
            self._cond.notify_all()


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Folders changing their listing, and opening or reading a file, change nothing.
        if isinstance(event, DirModifiedEvent | FileOpenedEvent | FileClosedNoWriteEvent):
            return
        paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if self.watcher.site_dir in paths:
            self.watcher._site_event()
        self.watcher._add(paths)
