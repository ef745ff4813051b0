"""What loading a site folder found per file, kept for the next load of the same folder.

``statusgen serve`` and the authoring commands (which validate an edit with the whole site)
load the same folder again and again; a :class:`SiteCache` lets a load read and check only
the files that changed. The loader (:mod:`.loader`) is its only user and goes through the
methods below; a load with a cache gives exactly what a load without one gives.
"""

from __future__ import annotations

import bisect
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem
from .kinds import FOLDERS


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference from one file to an item in another, where it is written (for the message)."""

    target: str
    line: int
    column: int
    source: str


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one content file yields on its own: its item, its problems, its references to other files.

    Nothing here depends on the other item files, so it stays true until the file itself or
    what it was checked against in site.yaml (time zone, component ids) changes.
    """

    item_id: str
    shown: str
    #: (mtime_ns, size) when it was read; None when it was not read from disk.
    stamp: tuple[int, int] | None
    digest: bytes
    #: What the checks depended on outside the file: site.yaml's time zone and component ids.
    context: tuple[Any, ...]
    #: Whether the file passed the schema: only then do cross-file checks look at it.
    converted: bool
    item: Any
    #: Problems reading the file and checking it against the schema, then its own rules.
    read_problems: tuple[Problem, ...]
    check_problems: tuple[Problem, ...]
    #: Postmortem actions (incidents) or the incident (commitments), for the cross-file checks.
    refs: tuple[Reference, ...]


Key = tuple[str, str]


class SiteCache:
    """What loading one site folder found per file, kept for the next load of the same folder.

    ``statusgen serve`` keeps one across rebuilds: a file is read and validated again only when
    it changed, and every file again when site.yaml's time zone or components change. The
    checks between files (postmortem actions, commitment incidents) run on every load from the
    references kept here, so a load with a cache gives exactly what a load without one gives.

    By default each load lists the folders and compares every file with what was read before
    (modification time and size, then the bytes). With ``watched=True`` a file watcher reports
    every change through :meth:`notice`, and a load looks only at the files noticed since the
    last one, reading them even when their time and size look unchanged.
    """

    def __init__(self, *, watched: bool = False) -> None:
        self.watched = watched
        self._files: dict[Key, FileResult] = {}
        #: Per kind: the names in its folder that are neither hidden nor folders, sorted.
        self._listing: dict[str, list[str]] = {}
        #: (kind, name) of the files noticed since the last load.
        self._noticed: set[tuple[str, str]] = set()
        #: Whether the next load looks at every file.
        self._full = True
        self._root = ""
        #: How many files the last load read and validated (for tests and timings).
        self.parsed = 0

    def notice(self, root: Path, paths: Iterable[Path]) -> None:
        """Record that ``paths`` were created, changed, deleted or renamed.

        Paths that are not content files of the site folder ``root`` are ignored; a change to
        a content folder itself makes the next load look at every file.
        """
        top = os.path.abspath(root)
        if top != self._root:
            self._full = True
        for path in paths:
            parts = os.path.relpath(os.path.abspath(path), top).split(os.sep)
            if len(parts) == 2 and parts[0] in FOLDERS:
                self._noticed.add((parts[0], parts[1]))
            elif len(parts) == 1 and parts[0] in FOLDERS:
                self._full = True

    def check_all(self) -> None:
        """Make the next load list the folders and compare every file again."""
        self._full = True

    def shared_context(self, context: tuple[Any, ...]) -> tuple[Any, ...]:
        """Return the cached results' context when it equals ``context`` (compared by identity later)."""
        for result in self._files.values():
            return result.context if result.context == context else context
        return context

    def start(self, root: Path) -> None:
        top = os.path.abspath(root)
        if top != self._root:
            self._root, self._files, self._full = top, {}, True
        if self._full or not self.watched:
            self._listing = {}
        self.parsed = 0

    def names(self, root: Path, kind: str) -> list[str]:
        """Return the sorted names in ``root/kind`` that may be content files.

        :raises OSError: when the folder cannot be listed (see :func:`_scan`).
        """
        names = self._listing.get(kind)
        if names is None:
            names = self._listing[kind] = _scan(root / kind)
            return names
        for noticed_kind, name in self._noticed:
            if noticed_kind != kind:
                continue
            here = bisect.bisect_left(names, name)
            listed = here < len(names) and names[here] == name
            if _is_file_entry(root / kind / name):
                if not listed:
                    names.insert(here, name)
            elif listed:
                del names[here]
        return names

    def must_read(self, key: tuple[str, str]) -> bool | None:
        """Return True to read the file, False to trust the cache, None to compare time and size."""
        if key in self._noticed:
            return True
        return None if self._full or not self.watched else False

    def finish(self, seen: set[tuple[str, str]]) -> None:
        if self._full:
            self._files = {key: self._files[key] for key in seen if key in self._files}
        else:
            for key in self._noticed - seen:
                self._files.pop(key, None)
        self._noticed = set()
        self._full = not self.watched


    # -- what the loader asks ---------------------------------------------------------------------

    def trusted(self, overlay: bool) -> dict[Key, FileResult]:
        """Return the results a load may take as they are, unread: in watch mode, every file not noticed."""
        return self._files if self.watched and not self._full and not overlay else {}

    def noticed(self, key: Key) -> bool:
        return key in self._noticed

    def get(self, key: Key) -> FileResult | None:
        return self._files.get(key)

    def put(self, key: Key, result: FileResult | None) -> None:
        """Keep ``result`` for the file ``key`` (None: forget it, it could not be read)."""
        if result is None:
            self._files.pop(key, None)
        else:
            self._files[key] = result


def _scan(folder: Path) -> list[str]:
    """Return the sorted names in ``folder`` that are neither hidden nor folders (symlinks included).

    A missing folder has no files. Symlinks are listed whatever they point at: reading one
    decides whether it may be read (:func:`~statusgen.fsutil.read_regular`).

    :raises OSError: when the folder exists but cannot be listed (NotADirectoryError: it is a file).
    """
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if not e.name.startswith(".") and not e.is_dir(follow_symlinks=False))
    except FileNotFoundError:
        if os.path.islink(folder):
            raise
        return []


def _is_file_entry(path: Path) -> bool:
    """Return whether ``path`` is listed like a content file: it exists and is not a folder (symlinks are)."""
    return not path.name.startswith(".") and os.path.lexists(path) and (os.path.islink(path) or not path.is_dir())


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()
