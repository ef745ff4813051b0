"""(status view, theme) -> every page of the site as ``{relative path: bytes}``. Never writes.

:func:`list_pages` says which pages there are; :func:`render_pages` renders them with a
:class:`Renderer` (a Jinja environment set up for the view), in worker processes on big sites.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .. import __version__, urls
from ..content.kinds import COMMITMENTS, INCIDENTS, MAINTENANCE_KIND, ItemKind
from ..content.model import Site
from ..view import StatusView
from . import csp
from .assets import StaticFiles
from .theme import Theme, ThemeError, relative_url

__all__ = ["Page", "PageEntry", "Renderer", "ThemeError", "item_page", "list_pages", "render_pages"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page lives. ``path`` is its folder (``incidents/x/``) or file (``404.html``)."""

    path: str
    title: str
    template: str
    # The 404 page is served in place of any missing URL, so its links cannot be relative.
    absolute_links: bool = False

    @property
    def output(self) -> str:
        return urls.page_file(self.path)


@jinja2.pass_context
def _url(ctx: jinja2.runtime.Context, target: str) -> str:
    page: Page = ctx["page"]
    if target.startswith(urls.STATIC):
        target = _static(ctx["static_files"], target)
    if page.absolute_links:
        base_path: str = ctx["base_path"]
        return base_path + target
    return relative_url(target, page.path)


def _static(static: StaticFiles, target: str) -> str:
    """Return the fingerprinted name of a static file the template names as the theme does."""
    path, hash_, fragment = target.partition("#")
    published = static.published(path)
    if published is None:
        known = ", ".join(static.names) or "none"
        raise jinja2.TemplateRuntimeError(f"{path} is not a static file of the theme (there are: {known})")
    return published + hash_ + fragment


@jinja2.pass_context
def _absolute(ctx: jinja2.runtime.Context, target: str) -> str:
    site: Site = ctx["site"]
    return site.base_url + target


#: A page and the variables its template gets besides the globals (``{"incident": <view>}``).
PageEntry = tuple[Page, dict[str, Any]]


def item_page(kind: ItemKind, item: Any) -> PageEntry:
    """Return the page of one incident, maintenance or commitment (``item`` is its view)."""
    return Page(item.path, item.title, kind.template), {kind.variable: item}


class ItemPages(NamedTuple):
    """The pages of the items of one kind, in a run: one page per item view."""

    kind: ItemKind
    items: Sequence[Any]


def page_slots(view: StatusView) -> list[PageEntry | ItemPages]:
    """Return the pages of the site in their fixed order, the items' pages as runs (see :func:`list_pages`)."""
    return [
        (Page(urls.HOME, view.site.title, "index.html"), {}),
        ItemPages(INCIDENTS, view.incidents),
        ItemPages(MAINTENANCE_KIND, view.maintenance),
        *[(Page(component.path, component.name, "component.html"), {"component": component})
          for component in view.components.values()],
        (Page(urls.COMMITMENTS, "Commitments", "commitments.html"), {}),
        ItemPages(COMMITMENTS, view.commitments),
        (Page(urls.HISTORY, "History", "history.html"), {}),
        (Page(urls.EXPECT, "What to expect", "expect.html"), {}),
        (Page(urls.SUBSCRIBE, "Subscribe", "subscribe.html"), {}),
        *[(Page(month.path, month.first_day.strftime("%B %Y"), "month.html"), {"month": month})
          for month in view.months],
        (Page(urls.NOT_FOUND, "Page not found", "404.html", absolute_links=True), {}),
    ]


def list_pages(view: StatusView) -> list[PageEntry]:
    """Return every page of the site with the variables its template needs, in a fixed order."""
    found: list[PageEntry] = []
    for slot in page_slots(view):
        if isinstance(slot, ItemPages):
            found += [item_page(slot.kind, item) for item in slot.items]
        else:
            found.append(slot)
    return found


#: Below this many pages, starting worker processes costs more than it saves.
PARALLEL_MIN_PAGES = 400
_CHUNK = 250


def render_pages(view: StatusView, pages: Sequence[PageEntry], theme: Theme, static: StaticFiles, *,
                 jobs: int = 1) -> dict[str, bytes]:
    """Render ``pages`` of ``view``; return ``{output path: bytes}`` in page order.

    :param static: the theme's static files: pages link them by their fingerprinted names.
    :param jobs: worker processes to render with. Pages are independent, so big sites
        render in parallel (on platforms that can fork); the output is the same bytes.
    """
    renderer = Renderer(view, theme, static)
    todo = list(pages)
    if jobs <= 1 or len(todo) < PARALLEL_MIN_PAGES or "fork" not in mp.get_all_start_methods():
        return dict(renderer.render(todo))
    # The forked workers inherit the renderer and the pages: nothing big is pickled to them.
    with mp.get_context("fork").Pool(jobs, initializer=_start_worker, initargs=(renderer, todo)) as pool:
        out: dict[str, bytes] = {}
        for rendered in pool.imap(_render_chunk, range(0, len(todo), _CHUNK)):
            out.update(rendered)
        return out


#: In a worker process: the renderer and the pages it was started with.
_worker: tuple[Renderer, list[PageEntry]] | None = None


def _start_worker(renderer: Renderer, todo: list[PageEntry]) -> None:
    global _worker
    _worker = (renderer, todo)


def _render_chunk(start: int) -> list[tuple[str, bytes]]:
    assert _worker is not None
    renderer, todo = _worker
    return renderer.render(todo[start:start + _CHUNK])


class Renderer:
    """A Jinja environment set up for one view and the theme's static files, with its templates compiled once."""

    def __init__(self, view: StatusView, theme: Theme, static: StaticFiles) -> None:
        env = theme.environment(view.site.timezone, view.site.language)
        env.globals.update(
            url=_url,
            absolute=_absolute,
            site=view.site,
            view=view,
            now=view.now,
            base_path=urlsplit(view.site.base_url).path or "/",
            generator=f"statusgen {__version__}",
            figures=view.responsiveness,
            urls=urls.Urls,
            static_files=static,
            accent_css=Markup(csp.accent_css(view.site.colors)),
            content_security_policy=Markup(csp.site_policy(view.site.colors)),
        )
        self.env = env
        self.templates: dict[str, jinja2.Template] = {}
        #: The same words for the feeds, the calendar and the badges (:class:`~.context.RenderContext`).
        self.messages = theme.messages(view.site.language)

    def bind(self, view: StatusView, static: StaticFiles | None = None) -> None:
        """Render the pages of ``view`` from now on (and link ``static``): templates kept compiled."""
        self.env.globals.update(view=view, now=view.now, figures=view.responsiveness)
        if static is not None:
            self.env.globals["static_files"] = static

    def render(self, todo: Sequence[PageEntry]) -> list[tuple[str, bytes]]:
        out = []
        for page, variables in todo:
            try:
                template = self.templates.get(page.template)
                if template is None:
                    template = self.templates[page.template] = self.env.get_template(page.template)
                out.append((page.output, template.render(page=page, **variables).encode("utf-8")))
            except jinja2.TemplateError as exc:
                raise ThemeError.from_jinja(exc, page.output) from exc
            except Exception as exc:
                if not self.env.sandboxed:
                    raise  # the bundled theme's own templates: a bug to see whole
                raise ThemeError.from_jinja(exc, page.output) from exc
        return out


