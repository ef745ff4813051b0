"""A site folder -> the validated model, with every problem in it found at once.

The steps: site.yaml (:mod:`.site_settings`), then each content file of each kind (listed,
read, composed with positions by :mod:`.yamlfile`, checked against its declaration in
:mod:`.format`, then against the rules of its kind in :mod:`.items`), then the references
between files (postmortem actions, a commitment's incident). A :class:`~.cache.SiteCache`
keeps each file's result for the next load of the same folder.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .. import timeutil
from ..errors import ContentError, Problem, Severity, StatusgenError, did_you_mean, display_path
from ..fsutil import RefusedFile, read_regular
from .cache import FileResult, Reference, SiteCache, digest, stamp
from .items import ItemRules, references
from .kinds import BY_FOLDER, FOLDERS
from .limits import ANGLE_LIMIT, FILE_LIMIT, LINK_LIMIT, excess
from .model import Content, Site
from .site_settings import read_settings
from .validation import INVALID, Context
from .values import SLUG_HINT, SLUG_RE
from .yamlfile import compose_file, position

log = logging.getLogger(__name__)


def find_site(path: Path | None) -> Path:
    """Return the site folder: ``path``, else ``./content``, else ``.`` when it holds a site.yaml."""
    if path is not None:
        if not (path / "site.yaml").is_file():
            raise StatusgenError(f"{display_path(path)} is not a statusgen site: it has no site.yaml")
        return path
    for candidate in (Path("content"), Path(".")):
        if (candidate / "site.yaml").is_file():
            return candidate
    raise StatusgenError(
        "no site found: looked for content/site.yaml and ./site.yaml in "
        f"{Path.cwd()}; pass the site folder as an argument"
    )


def load_site(root: Path, overlay: Mapping[str, str] | None = None, *, cache: SiteCache | None = None) -> Content:
    """Load and validate everything in the site folder ``root``.

    :param overlay: texts to read instead of the files on disk, by path relative to ``root``
        (``incidents/<id>.yaml``); a path may name a file that does not exist yet. Authoring
        commands validate an edit this way before they write it.
    :param cache: what an earlier load of the same folder found; only files that changed since
        are read again (see :class:`SiteCache`). The result is the same as without it.
    :raises ContentError: with every problem found, when any of them is an error.
    """
    content, problems = read_site(root, overlay, cache=cache)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for warning in sorted((p for p in problems if p.severity is Severity.WARNING), key=Problem.sort_key):
        log.warning(warning.format())
    if errors or content is None:
        raise ContentError(errors)
    return content


def read_site(
    root: Path, overlay: Mapping[str, str] | None = None, *, cache: SiteCache | None = None
) -> tuple[Content | None, list[Problem]]:
    """Load the site folder ``root``; return the content (None when anything is an error) and every problem.

    Unlike :func:`load_site` this never raises for content problems: `statusgen check` reports
    them together with its own findings.
    """
    problems: list[Problem] = []
    content = _SiteLoader(root, problems, overlay, cache if cache is not None else SiteCache()).load()
    return content, problems


class _SiteLoader:
    """One load of one site folder."""

    def __init__(self, root: Path, problems: list[Problem], overlay: Mapping[str, str] | None,
                 cache: SiteCache) -> None:
        self.root = root
        self.overlay = dict(overlay or {})
        self.cache = cache
        # Resolving every path for messages is slow on big sites: work out the prefix once.
        self.shown_root = display_path(root)
        self.problems = problems
        self.rules: ItemRules | None = None

    def load(self) -> Content | None:
        cache = self.cache
        cache.start(self.root)
        site, rules = self._site()
        self.rules = rules
        context = cache.shared_context((rules.tz, rules.components, self.shown_root))
        # Without an overlay, in watch mode, a file nobody noticed is taken from the cache as is.
        trusted = cache.trusted(bool(self.overlay))
        results: dict[str, list[FileResult]] = {}
        seen: set[tuple[str, str]] = set()
        for kind in FOLDERS:
            kept = results[kind] = []
            for item_id, name in self._item_files(kind):
                key = (kind, name)
                seen.add(key)
                result = trusted.get(key)
                if result is None or result.context is not context or cache.noticed(key):
                    result = self._file(kind, item_id, name, context)
                if result.read_problems:
                    self.problems.extend(result.read_problems)
                if result.converted:
                    kept.append(result)
        cache.finish(seen)
        # Problems in the order they were always found: reading, each item's rules, cross-checks.
        for kind in FOLDERS:
            for result in results[kind]:
                if result.check_problems:
                    self.problems.extend(result.check_problems)
        self._cross_check(results)
        if site is None or any(p.severity is Severity.ERROR for p in self.problems):
            return None
        return Content(
            site=site,
            incidents=tuple(r.item for r in results["incidents"] if r.item is not None),
            maintenance=tuple(r.item for r in results["maintenance"] if r.item is not None),
            commitments=tuple(r.item for r in results["commitments"] if r.item is not None),
        )

    # -- site.yaml -----------------------------------------------------------------------------

    def _site(self) -> tuple[Site | None, ItemRules]:
        """Return the site (None when site.yaml has errors) and the rules its items are checked with."""
        ctx = Context(self._shown_rel("site.yaml"), "", self.problems)
        text = self._text(ctx, "site.yaml")
        node = compose_file(ctx, text) if text is not None else None
        if node is None:
            return None, ItemRules(timeutil.UTC, frozenset())
        settings = read_settings(self.root, ctx, node)
        return settings.site, ItemRules(settings.zone, settings.components)

    def _text(self, ctx: Context, rel: str) -> str | None:
        """Return the text of ``rel`` (from the overlay or the disk), reporting why it cannot be read."""
        try:
            text = self.overlay[rel] if rel in self.overlay else self._read(self.root / rel).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            ctx.report(None, f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8", line=1, column=1)
            return None
        except RefusedFile as exc:
            ctx.report(None, f"not read: {exc.reason}", exc.hint, line=0, column=0)
            return None
        except OSError as exc:
            ctx.report(None, f"cannot read the file: {exc.strerror}", line=0, column=0)
            return None
        ctx.read(text)
        return text

    # -- content files -------------------------------------------------------------------------

    def _item_files(self, kind: str) -> Iterator[tuple[str, str]]:
        """Yield (id, file name) of each content file of ``kind``, sorted; report misnamed files."""
        folder = self.root / kind
        if os.path.islink(folder) and not _stays_inside(folder, self.root):
            self.problems.append(Problem(self._shown_rel(kind), 0, 0, f"not read: {kind} is a symlink to a folder "
                                         "outside the site folder", f"make {kind}/ a folder of the site"))
            return
        try:
            names = self.cache.names(self.root, kind)
        except OSError as exc:
            self.problems.append(_folder_problem(self._shown_rel(kind), kind, exc))
            return
        extra = {rel.rpartition("/")[2] for rel in self.overlay if rel.rpartition("/")[0] == kind}
        if extra:
            names = sorted(set(names) | {n for n in extra if not (self.root / kind / n).is_dir()})
        for name in names:
            # The common case first: a valid id with .yaml (PurePosixPath agrees on suffix and stem).
            if name.endswith(".yaml") and SLUG_RE.fullmatch(name[:-5]):
                yield name[:-5], name
                continue
            if name.startswith("."):
                continue
            path = PurePosixPath(name)
            shown = self._shown_rel(f"{kind}/{name}")
            if path.suffix == ".yml":
                self.problems.append(Problem(shown, 0, 0, "content files end in .yaml, not .yml",
                                             f"rename it to {path.stem}.yaml"))
                continue
            if path.suffix != ".yaml":
                self.problems.append(Problem(shown, 0, 0, f"ignored: not a .yaml file in {kind}/",
                                             severity=Severity.WARNING))
                continue
            self.problems.append(Problem(shown, 0, 0, f"the file name {name!r} is not a valid id",
                                         SLUG_HINT + "; rename the file"))


    def _read(self, path: Path) -> bytes:
        """Return the bytes of a file of the site: a regular file inside it, at most FILE_LIMIT bytes."""
        return read_regular(path, within=self.root, limit=FILE_LIMIT, folder="the site folder")

    def _shown_rel(self, rel: str) -> str:
        return rel if self.shown_root == "." else f"{self.shown_root}/{rel}"

    def _file(self, kind: str, item_id: str, name: str, context: tuple[Any, ...]) -> FileResult:
        """Return what the file ``kind/name`` yields on its own, from the cache when it is unchanged."""
        rel = f"{kind}/{name}"
        if rel in self.overlay:
            return self._check_file(kind, item_id, rel, None, self.overlay[rel], context)
        key = (kind, name)
        cache = self.cache
        cached = cache.get(key)
        if cached is not None and cached.context != context:
            cached = None
        must_read = cache.must_read(key)
        if cached is not None and must_read is False:
            return cached
        path = self.root / kind / name
        # Stat before reading: a change in between leaves a stale stamp, never stale content.
        stamp_now = stamp(path)
        if cached is not None and must_read is None and stamp_now == cached.stamp:
            return cached
        try:
            data: bytes | OSError | RefusedFile = self._read(path)
        except (OSError, RefusedFile) as exc:
            data = exc
        if cached is not None and isinstance(data, bytes) and cached.digest == digest(data):
            result = replace(cached, stamp=stamp_now)
        else:
            result = self._check_file(kind, item_id, rel, stamp_now, data, context)
        cache.put(key, result if stamp_now is not None and isinstance(data, bytes) else None)
        return result

    def _check_file(self, kind: str, item_id: str, rel: str, stamp: tuple[int, int] | None,
                    data: bytes | str | OSError | RefusedFile, context: tuple[Any, ...]) -> FileResult:
        """Read, validate and check one content file on its own (``data``: its bytes, or overlay text)."""
        self.cache.parsed += 1
        shown = self._shown_rel(rel)
        read_problems: list[Problem] = []
        check_problems: list[Problem] = []
        ctx = Context(shown, "", read_problems)
        data_digest = b""
        node = None
        text: str | None = None
        if isinstance(data, RefusedFile):
            ctx.report(None, f"not read: {data.reason}", data.hint, line=0, column=0)
        elif isinstance(data, OSError):
            ctx.report(None, f"cannot read the file: {data.strerror}", line=0, column=0)
        elif isinstance(data, str):
            text = data
        else:
            data_digest = digest(data)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                ctx.report(None, f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8",
                           line=1, column=1)
        if text is not None:
            ctx.read(text)
            node = compose_file(ctx, text) if _within_markup_limits(ctx, text) else None
        record = BY_FOLDER[kind].format.convert(node, ctx) if node is not None else INVALID
        item = None
        refs: tuple[Reference, ...] = ()
        if record is not INVALID:
            ctx.problems = check_problems
            assert self.rules is not None
            item = self.rules.check(kind, item_id, ctx, record)
            refs = tuple(Reference(target, ref.start_mark.line + 1, ref.start_mark.column + 1, _source_line(ctx, ref))
                         for target, ref in references(kind, record) if target)
        return FileResult(item_id, shown, stamp, data_digest, context, record is not INVALID, item,
                           tuple(read_problems), tuple(check_problems), refs)


    # -- references between files ----------------------------------------------------------------

    def _cross_check(self, results: dict[str, list[FileResult]]) -> None:
        incident_ids = {r.item_id for r in results["incidents"]}
        commitment_ids = {r.item_id for r in results["commitments"]}
        for result in results["incidents"]:
            for ref in result.refs:
                if ref.target not in commitment_ids:
                    action = ref.target
                    hint = (did_you_mean(action, sorted(commitment_ids), otherwise=f"create commitments/{action}.yaml, "
                                         "or use one of: " + ", ".join(sorted(commitment_ids)))
                            if commitment_ids else f"create commitments/{action}.yaml describing the action")
                    self._report_ref(result, ref, f"postmortem action {action!r} names no commitment", hint)
        for result in results["commitments"]:
            for ref in result.refs:
                incident = ref.target
                if incident not in incident_ids:
                    self._report_ref(result, ref, f"unknown incident {incident!r}",
                                     did_you_mean(incident, sorted(incident_ids),
                                                  otherwise="no incident file has that id"))

    def _report_ref(self, result: FileResult, ref: Reference, message: str, hint: str) -> None:
        self.problems.append(Problem(result.shown, ref.line, ref.column, message, hint, Severity.ERROR, ref.source))


def _within_markup_limits(ctx: Context, text: str) -> bool:
    """Report a file with more links or ``<`` than Markdown renders in a bounded time; return whether it is within."""
    within = True
    for needle, limit, what in (("](", LINK_LIMIT, "links and images"), ("<", ANGLE_LIMIT, "`<` (HTML tags)")):
        at = excess(text, needle, limit)
        if at is not None:
            line, column = position(text, at)
            ctx.report(None, f"this file holds more than {limit} {what}", "split the text over several updates, "
                       "or link to a page that lists them", line=line, column=column)
            within = False
    return within


def _stays_inside(path: Path, root: Path) -> bool:
    try:
        return Path(os.path.realpath(path, strict=True)).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return True  # listing it says what is wrong with it


def _folder_problem(shown: str, kind: str, exc: OSError) -> Problem:
    """Return the problem of a content folder that cannot be listed: a file, a broken symlink, a loop."""
    if isinstance(exc, NotADirectoryError):
        return Problem(shown, 0, 0, f"{kind} is not a folder",
                       f"the {kind} of the site are files in the folder {kind}/; move this file away")
    if isinstance(exc, FileNotFoundError):
        return Problem(shown, 0, 0, f"{kind} is a symlink that leads nowhere",
                       f"make {kind}/ a folder, or remove it if the site has no {kind}")
    return Problem(shown, 0, 0, f"cannot read the folder {kind}: {exc.strerror or exc}",
                   "check that it is a folder you may read, and not a symlink loop")


def _source_line(ctx: Context, node: yaml.Node) -> str:
    line = node.start_mark.line + 1
    return ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""

