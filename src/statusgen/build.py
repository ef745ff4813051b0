"""The build, top to bottom: load, derive, render, write. Nothing is written until all is rendered."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .content.loader import load_site
from .content.model import Content
from .outputs import csp
from .outputs.badges import Badges
from .outputs.calendar import Calendar
from .outputs.context import Generator, RenderContext
from .outputs.feeds import Feeds
from .outputs.headers import headers_file
from .outputs.native_api import NativeApi
from .outputs.pages import list_pages, render_pages
from .outputs.posts import published_posts
from .outputs.sitemap import Sitemap
from .outputs.statuspage import StatuspageApi
from .outputs.theme import Theme
from .outputs.widget import Widget
from .outputs.write import refuse_clashes, write_site
from .urls import HEADERS
from .view import StatusView, derive

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BuildResult:
    """What a build did: the content, the view, how many files and how long each step took."""

    content: Content
    view: StatusView
    files: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())

    def summary(self, out: Path) -> str:
        c = self.content
        return (
            f"Built {_count(self.files, 'file')} from {_count(len(c.incidents), 'incident')}, "
            f"{len(c.maintenance)} maintenance and {_count(len(c.commitments), 'commitment')} into {out} "
            f"in {self.seconds:.2f} s"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


#: Everything besides the pages: each a class whose instances make ``{output path: bytes}`` from a context.
GENERATORS: tuple[Callable[[], Generator], ...] = (Feeds, StatuspageApi, NativeApi, Calendar, Badges, Sitemap,
                                                  Widget)


def render_all(view: StatusView, theme: Theme, *, jobs: int = 1) -> dict[str, bytes]:
    """Return every output of the site in memory: pages, generated files, static files, the headers file.

    :raises OutputError: when two outputs want the same path (never a silent overwrite).
    """
    pages = list_pages(view)
    static = theme.static_files()
    files = render_pages(view, pages, theme, static, jobs=jobs)
    # The posts only after the pages: forked render workers would inherit them, and their
    # collector touching every object copies the memory (+90 MiB at 10,000 incidents).
    ctx = RenderContext(view, pages, published_posts(view), theme.messages(view.site.language))
    for make in GENERATORS:
        generator = make()
        merge_outputs(files, generator.render(ctx), type(generator).__name__)
    merge_outputs(files, dict(static.files), "the theme's static files")
    policy = csp.site_policy(view.site.colors, header=True)
    merge_outputs(files, {HEADERS: headers_file(files, policy)}, "the headers file")
    return files


def merge_outputs(files: dict[str, bytes], made: dict[str, bytes], source: str) -> None:
    """Add ``made`` to ``files``; two outputs on one path are an error, never a silent overwrite."""
    refuse_clashes(made, files, source)
    files.update(made)


def default_jobs() -> int:
    """Return how many processes a build may use: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def build(
    site_dir: Path, out: Path, *, now: dt.datetime, theme: Theme | None = None, jobs: int | None = None
) -> BuildResult:
    """Build the site in ``site_dir`` into ``out`` as of ``now``.

    :param site_dir: folder holding site.yaml.
    :param out: output folder; replaced atomically, left untouched on any error.
    :param now: the instant the site describes; the only clock the build reads.
    :param theme: the theme to render with (default: the site's ``theme:`` folder over the default theme).
    :param jobs: processes for rendering (default: every CPU available); output is identical.
    :raises ContentError: when the content has errors (nothing is written).
    """
    timings: dict[str, float] = {}
    with _long_lived_objects():
        start = time.perf_counter()
        content = load_site(site_dir)
        timings["load"] = time.perf_counter() - start

        start = time.perf_counter()
        view = derive(content, now)
        timings["derive"] = time.perf_counter() - start

    start = time.perf_counter()
    theme = theme or Theme.for_site(content.site)
    files = render_all(view, theme, jobs=default_jobs() if jobs is None else jobs)
    timings["render"] = time.perf_counter() - start

    start = time.perf_counter()
    count = write_site(files, {}, out, site_dir=site_dir)
    timings["write"] = time.perf_counter() - start
    log.debug("timings: %s", ", ".join(f"{k} {v:.3f} s" for k, v in timings.items()))
    return BuildResult(content, view, count, timings)


@contextlib.contextmanager
def _long_lived_objects() -> Iterator[None]:
    """Pause the cyclic garbage collector while building objects that live for the whole build.

    Loading creates millions of small objects (YAML nodes, model values) and keeps them all;
    every automatic collection would walk them again, which doubled the load time of a
    10,000-incident site. Afterwards they are frozen out of later collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
