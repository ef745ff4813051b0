"""Rebuild a site in memory after a change, redoing only what the change touches (``statusgen serve``).

A :class:`SiteBuilder` keeps what each step found last time and reuses what is still true:

- **load**: per-file results in a :class:`~statusgen.loader.SiteCache`. A file is read again
  only when it changed, every file when site.yaml's time zone or components change. The
  checks between files (postmortem actions, commitment incidents) run on the whole site
  every time, from the references each file's result keeps.
- **derive**: item views in a :class:`~statusgen.view.Deriver`. An unchanged item keeps
  its very view object, so the later steps see what changed by identity.
- **render**: a page is rendered again only when its inputs (:mod:`statusgen.dependencies`)
  changed, or what every page shows did: the site, the theme (its templates, messages and the
  set of its static files), the overall status, and ``now`` when it is fixed. A static file
  whose content changed gets a new fingerprinted name, which every page links: the pages
  already rendered get it by a rewrite of that one name in their bytes, not a new render.
- **generated files** (feeds, API, calendar, badges, sitemap) are made from the new view each
  time, from the posts of a :class:`~statusgen.preview.indexes.PostIndex`; the builder keeps each
  generator, and each keeps what it made
  (a feed, the calendar, each sitemap line is made again only when what it lists changed).

A build publishes twice: first the own pages of the items that changed, so the page being
edited is served within a few tens of milliseconds on a big site, then everything else. Each
page records what it was rendered from once it is published, so a build that fails or is
interrupted by new changes leaves nothing stale behind: the next build renders every page
whose record differs.

With a fixed ``now`` the result is byte for byte what ``statusgen build --now`` writes
(tests/test_incremental.py checks this after many edits). Without one, every rebuild takes
the clock, and the pages it renders show that time; a page rendered earlier keeps the time it
was rendered at, which its footer says, exactly as on a published site. The home page is
rendered on every rebuild so its "as of" time is current.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build import GENERATORS
from ..content.cache import SiteCache
from ..content.kinds import KINDS
from ..content.loader import read_site
from ..content.model import Content, Site
from ..errors import ContentError, Severity
from ..outputs import csp
from ..outputs.assets import StaticFiles
from ..outputs.context import RenderContext
from ..outputs.headers import headers_file
from ..outputs.pages import Page, PageEntry, Renderer, render_pages
from ..outputs.theme import Theme, read_static
from ..outputs.write import refuse_clashes
from ..urls import HEADERS
from ..view import Deriver, StatusView
from .indexes import PageIndex, PostIndex
from .page_inputs import Inputs, PageDeps, always, check_theme, site_wide
from .snapshot import Published, Rebuild, Snapshot

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Record:
    """How a page was last rendered: from which (page, variables), with which site-wide and own inputs."""

    entry: tuple[Page, dict[str, Any]]
    site_wide: tuple[Any, ...]
    inputs: Inputs


Entry = PageEntry
#: Pages are rendered in chunks of this many, and a build can be interrupted between chunks.
CHUNK = 100


class SiteBuilder:
    """Builds the site in ``site_dir`` into memory, again and again, each time redoing only what changed.

    A build goes in two steps, each made visible through ``publish``: first the own pages of
    the items that changed (the page being edited is served as soon as possible), then every
    other page whose inputs changed and the generated files. Each page records what it was
    rendered from, so a build interrupted by new changes leaves nothing stale: the next build
    renders every page whose record differs.

    :param now: the instant the site describes, on every build; None takes the clock each time.
    :param theme: the theme (default: the one the site asks for, as `build` does).
    :param jobs: processes for rendering every page (only the first build, before any thread starts).
    :param clock: where a build without ``now`` takes the time (tests pass their own).
    """

    def __init__(self, site_dir: Path, *, now: dt.datetime | None = None, theme: Theme | None = None,
                 jobs: int = 1, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.site_dir = site_dir
        self.now = now
        self.jobs = jobs
        self._theme = theme
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._files = SiteCache(watched=True)
        self._views = Deriver()
        self._posts = PostIndex()
        self._pages = PageIndex()
        self._generators = [make() for make in GENERATORS]
        self._snapshot: Snapshot | None = None
        self._generated: dict[str, bytes] = {}
        self._generated_outputs: set[str] = set()
        #: Per page output: how the page served was rendered; and pages rendered but not published yet.
        self._records: dict[str, _Record] = {}
        self._unpublished: dict[str, _Record] = {}
        self._site_wide: tuple[Any, ...] = ()
        self._renderer: Renderer | None = None
        self._renderer_site: Site | None = None
        self._theme_key: tuple[Any, ...] | None = None
        self._static_key: tuple[Any, ...] | None = None
        self._static: StaticFiles | None = None
        #: The published names of the static files the pages served link.
        self._linked: Mapping[str, str] | None = None
        self._page_deps: dict[str, PageDeps] = {}
        self._theme_noticed = False

    @property
    def snapshot(self) -> Snapshot | None:
        """The site as last published (after a failed build: as it was before)."""
        return self._snapshot

    def theme(self, content: Content | None = None) -> Theme:
        """Return the theme the site is rendered with (the site's own folders over the default)."""
        if self._theme is not None:
            return self._theme
        if content is None and self._snapshot is not None:
            content = self._snapshot.content
        return Theme.for_site(content.site) if content is not None else Theme.default()

    def check_all_files(self) -> None:
        """Make the next build compare every content file again, noticed or not (after the watcher started)."""
        self._files.check_all()

    def notice(self, paths: Iterable[Path]) -> None:
        """Record files that were created, changed, deleted or renamed (as a file watcher reports them)."""
        paths = list(paths)
        self._files.notice(self.site_dir, paths)
        theme = self.theme()
        # Templates and messages make every page; static files are read again (see _static_files).
        rendering = [os.path.abspath(d / sub) for d in theme.dirs for sub in ("templates", "messages")]
        copied = [os.path.abspath(d / "static") for d in theme.dirs]
        copied += [os.path.abspath(source) for _, source in theme.assets()]
        for path in map(os.path.abspath, paths):
            if any(path == d or path.startswith(d + os.sep) for d in rendering):
                self._theme_noticed = True
            elif any(path == d or path.startswith(d + os.sep) for d in copied):
                self._static_key = None  # read them again, even if time and size look the same

    def build(self, *, everything: bool = False, publish: Callable[[Published], None] | None = None,
              interrupted: Callable[[], bool] | None = None) -> Rebuild:
        """Build the site again; return what was done.

        :param everything: render every page (the clock moved on, or to be sure).
        :param publish: called with the site after each step (see the class docstring).
        :param interrupted: asked between chunks of pages; True stops the build early (new changes
            came in): the next build finishes the work.
        :raises ContentError: when the content has errors.
        :raises StatusgenError: when the theme cannot render a page, or two outputs want one path.
        """
        timings: dict[str, float] = {}
        initial = self._snapshot is None
        self._unpublished = {}  # rendered by a build that failed: those pages were never served
        with _timed(timings, "load"), _paused_gc(initial):
            content, problems = read_site(self.site_dir, cache=self._files)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors or content is None:
            raise ContentError(errors)
        warnings = [p for p in problems if p.severity is Severity.WARNING]
        now = self.now or self._clock()
        with _timed(timings, "derive"), _paused_gc(initial):
            view = self._views.derive(content, now)
        theme = self.theme(content)
        static = self._static_files(theme)
        # What every page shows: when it changes, every page is rendered again.
        new_theme = self._prepare_theme(theme, static)
        rewritten = self._relink(static, new_theme)
        key = (content.site, self.now, self._theme_key, *site_wide(view))
        if key == self._site_wide:
            key = self._site_wide  # the same object: each page's record compares by identity
        full = initial or everything or new_theme or key is not self._site_wide
        self._site_wide = key
        every_page = self._pages.update(view)
        progress = _Progress(content, view, publish)
        renderer = self._renderer_for(view, theme, static, every_page)
        if rewritten:  # with the static files they now name: no page links a file not served
            old = self._snapshot.assets if self._snapshot else {}
            self._publish(progress, rewritten, [], final=False, assets={**old, **static.files})
        outputs = {entry[0].output: entry for entry in every_page}  # the very entries: records compare them
        removed = [output for output in self._records if output not in outputs]
        rendered: dict[str, bytes] = {}

        # 1. The own pages of the items that changed, served before anything else.
        with _timed(timings, "first"):
            first = [] if initial else [
                entry for output, entry in outputs.items()
                if entry[0].template in _ITEM_TEMPLATES and _changed_entry(self._records.get(output), entry)]
            if len(first) > CHUNK:  # many items changed (site.yaml did): no page comes first
                first = []
            rendered.update(self._render(renderer, view, first, key))
            if first or removed:
                self._publish(progress, rendered, removed, final=False)
        # 2. Every other page whose inputs changed, then the generated files.
        complete = True
        with _timed(timings, "render"):
            todo = [entry for output, entry in outputs.items()
                    if output not in rendered and self._stale(output, entry, view, key, full)]
            if initial and self.jobs > 1:
                # The first build may use worker processes (no thread runs yet): the same bytes.
                rendered.update(render_pages(view, every_page, theme, static, jobs=self.jobs))
                self._record(view, todo, key)
            else:
                for start in range(0, len(todo), CHUNK):
                    if start and interrupted is not None and interrupted():
                        complete = False
                        break
                    rendered.update(self._render(renderer, view, todo[start:start + CHUNK], key))
        if complete:
            with _timed(timings, "generate"):
                generated = self._generate(RenderContext(view, every_page, self._posts.update(view), renderer.messages))
                generated[HEADERS] = headers_file([*outputs, *generated, *static.files],
                                                  csp.site_policy(view.site.colors, header=True))
                self._generated = generated
                assets = static.files
        else:
            # Pages rendered so far link the new static files, the others still the old ones.
            old = self._snapshot.assets if self._snapshot else {}
            assets = static.files if old is static.files else {**old, **static.files}
        changed, gone = self._publish(progress, rendered, removed, final=complete, generated=self._generated,
                                      assets=assets)
        assert self._snapshot is not None
        if initial:
            # As `build` does: keep the millions of long-lived objects out of later collections,
            # which would otherwise walk them all every now and then (a pause of ~100 ms).
            gc.freeze()
        return Rebuild(self._snapshot, full, list(rendered), len(first), changed, gone, complete,
                       self._files.parsed, self._views.made, warnings, timings)

    # -- rendering -----------------------------------------------------------------------------

    def _prepare_theme(self, theme: Theme, static: StaticFiles) -> bool:
        """Start a new renderer when the theme's templates, messages or set of static files changed; say so.

        Which static files there are changes what pages show (a site theme's custom.css is linked
        when it exists); a new content of one of them only changes its name (see _relink).
        """
        key = (tuple(theme.dirs), _fingerprint(sub for d in theme.dirs for sub in (d / "templates", d / "messages")),
               tuple(static.names))
        if key == self._theme_key and not self._theme_noticed and self._renderer is not None:
            return False
        self._theme_key, self._renderer, self._theme_noticed = key, None, False
        return True

    def _renderer_for(self, view: StatusView, theme: Theme, static: StaticFiles, every_page: list[Entry]
                      ) -> Renderer:
        renderer = self._renderer
        # The environment knows the site (its zone, language, title): a new site needs a new one.
        if renderer is None or self._renderer_site != view.site:
            renderer = self._renderer = Renderer(view, theme, static)
            self._renderer_site = view.site
            templates = sorted({page.template for page, _ in every_page} | set(_PAGE_TEMPLATES))
            self._page_deps = check_theme(renderer.env, templates)
        else:
            renderer.bind(view, static)
        return renderer

    def _deps(self, template: str) -> PageDeps:
        deps = self._page_deps.get(template)
        if deps is None:  # a page type the theme check has not seen: render it every time
            deps = self._page_deps[template] = PageDeps(frozenset(), always)
        return deps

    def _stale(self, output: str, entry: Entry, view: StatusView, key: tuple[Any, ...], full: bool) -> bool:
        """Return whether the page must be rendered again: what it shows is not what it was rendered from."""
        record = self._records.get(output)
        if full or record is None or record.site_wide is not key:
            return True
        page, variables = entry
        if self.now is None and output == "index.html":
            return True  # with the clock, the home page says "as of" the latest build
        deps = self._deps(page.template)
        if record.entry is entry and deps.own is not None and deps.own(variables):
            return False  # the same item, and nothing else on the page
        return not deps.inputs(view, variables).same(record.inputs)

    def _render(self, renderer: Renderer, view: StatusView, todo: list[Entry], key: tuple[Any, ...]
                ) -> dict[str, bytes]:
        """Render ``todo`` and record what each page was rendered from."""
        if not todo:
            return {}
        out = dict(renderer.render(todo))
        self._record(view, todo, key)
        return out

    def _record(self, view: StatusView, entries: list[Entry], key: tuple[Any, ...]) -> None:
        """Note what each page was rendered from; it counts once the page is published (see _publish)."""
        for entry in entries:
            page, variables = entry
            self._unpublished[page.output] = _Record(entry, key, self._deps(page.template).inputs(view, variables))

    # -- everything else -----------------------------------------------------------------------

    def _generate(self, ctx: RenderContext) -> dict[str, bytes]:
        """Return what the generators (feeds, API, calendar, badges, sitemap) make of ``ctx``."""
        out: dict[str, bytes] = {}
        for generator in self._generators:
            made = generator.render(ctx)
            refuse_clashes(made, out, type(generator).__name__)
            out.update(made)
        return out

    def _relink(self, static: StaticFiles, new_theme: bool) -> dict[str, bytes]:
        """Return the pages served, with links to static files whose content changed renamed; {} when none did.

        A page names a static file only through ``url()``, as ``…static/<name>.<hash>.<ext>``: the
        same bytes a new render would give, without rendering every page again for a saved
        stylesheet. (A page whose own text quoted that very name would be rewritten too; a full
        build would not.) After a new theme every page is rendered anyway.
        """
        linked, self._linked = self._linked, static.names
        if new_theme or linked is None or linked is static.names or self._snapshot is None:
            return {}
        renames = [(old.encode(), static.names[name].encode()) for name, old in linked.items()
                   if static.names.get(name, old) != old]
        if not renames:
            return {}
        pages = {}
        for output in self._records:
            data = self._snapshot.files.get(output)
            if data is None:
                continue
            for old, new in renames:
                data = data.replace(old, new)
            pages[output] = data
        return pages

    def _static_files(self, theme: Theme) -> StaticFiles:
        """Return the theme's static files (and the logo), read and fingerprinted again only when one changed."""
        sources = dict(theme.assets())
        key = (tuple(sorted(sources.items())), _fingerprint(sources.values()))
        if self._static is not None and key == self._static_key:
            return self._static
        self._static_key = key
        self._static = StaticFiles.of({path: read_static(source) for path, source in sources.items()})
        return self._static

    # -- publishing ----------------------------------------------------------------------------

    def _publish(self, progress: _Progress, pages: dict[str, bytes], removed: list[str], *, final: bool,
                 generated: dict[str, bytes] | None = None, assets: Mapping[str, bytes] | None = None
                 ) -> tuple[set[str], set[str]]:
        """Make the pages rendered so far visible as a new snapshot; return what changed over the build so far."""
        previous = self._snapshot
        files = dict(previous.files) if previous else {}
        old_assets = previous.assets if previous else {}
        for output in removed:
            files.pop(output, None)
            self._records.pop(output, None)
        changed = {output for output, data in pages.items() if files.get(output) is not data
                   and files.get(output) != data}
        files.update(pages)
        gone = set(removed)
        if generated is not None:
            for output in [o for o in files if o in self._generated_outputs and o not in generated]:
                del files[output]
                gone.add(output)
            changed |= {o for o, data in generated.items() if files.get(o) != data}
            refuse_clashes(generated, {o for o in files if o in pages or o not in self._generated_outputs})
            files.update(generated)
            self._generated_outputs = set(generated)
        if assets is None:
            assets = old_assets
        elif assets is not old_assets:
            changed |= {o for o, data in assets.items() if old_assets.get(o) != data}
            gone |= set(old_assets) - set(assets)
        refuse_clashes(assets, files)
        self._snapshot = Snapshot(files, assets, progress.content, progress.view)
        self._records.update(self._unpublished)
        self._unpublished = {}
        progress.changed |= changed
        progress.removed |= gone
        if progress.callback is not None:
            progress.callback(Published(self._snapshot, changed, gone, final))
        return progress.changed, progress.removed


@dataclass(slots=True)
class _Progress:
    """One build as it goes: what it publishes, and what has changed so far."""

    content: Content
    view: StatusView
    callback: Callable[[Published], None] | None
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


def _changed_entry(record: _Record | None, entry: Entry) -> bool:
    """Return whether an item page is new, or its item's file changed since it was last rendered.

    Only those come first: a page whose item's view changed for another reason (it names an
    item that changed) is rendered with the others.
    """
    return record is None or (record.entry is not entry and _item_of(record.entry) is not _item_of(entry))


def _item_of(entry: Entry) -> Any:
    """Return the content item an item page shows (the incident of an incident view, ...)."""
    (name, view), = entry[1].items()
    return getattr(view, name)


#: The templates of item pages (one incident, maintenance or commitment each).
_ITEM_TEMPLATES = frozenset(kind.template for kind in KINDS)
#: Page templates that exist even when a site has no page of them yet.
_PAGE_TEMPLATES = ("index.html", "incident.html", "maintenance.html", "component.html", "commitments.html",
                   "commitment.html", "history.html", "expect.html", "month.html", "subscribe.html", "404.html")


def _fingerprint(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Return (path, mtime, size) of every file in or at ``paths``, sorted: changes when any file does."""
    found = []
    for top in paths:
        if os.path.isfile(top):
            stat = os.stat(top)
            found.append((str(top), stat.st_mtime_ns, stat.st_size))
            continue
        for folder, subfolders, names in os.walk(top):
            subfolders.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    found.append((path, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


@contextlib.contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = time.perf_counter() - start


@contextlib.contextmanager
def _paused_gc(pause: bool) -> Iterator[None]:
    """Pause the garbage collector while the first build makes millions of long-lived objects (as `build` does)."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
