"""What every output is made from, given explicitly: the view, its pages, its published posts, its words.

A build makes one :class:`RenderContext` and hands it to every generator, so the pages, the
posts and the view are worked out once and nothing is read from a module global. A
generator is an object with ``render(ctx) -> {output path: bytes}``; it may remember what it
made last time (``statusgen serve`` keeps its generators between rebuilds), and a new one
gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..view import StatusView
from .i18n import Messages
from .pages import PageEntry, list_pages
from .posts import Post, published_posts
from .words import Words


@dataclass(frozen=True, slots=True)
class RenderContext:
    """The view of the site at one instant, every page of it, every post published by then, and its words."""

    view: StatusView
    #: Every page with its variables, in the order :func:`~.pages.list_pages` gives.
    pages: Sequence[PageEntry]
    #: Every post published by ``view.now``, newest first.
    posts: Sequence[Post]
    #: The theme's messages in the site's language (the pages' own, for feeds, calendar and badges).
    messages: Messages

    @classmethod
    def of(cls, view: StatusView, messages: Messages) -> RenderContext:
        """Return the context of ``view``, with its pages and posts worked out afresh."""
        return cls(view, list_pages(view), published_posts(view), messages)

    @property
    def words(self) -> Words:
        """Return the messages bound to the site's zone."""
        return Words(self.messages, self.view.site.timezone)


class Generator(Protocol):
    """Makes files from the context: feeds, the JSON API, the calendar, badges, the sitemap."""

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        """Return ``{output path: bytes}``; the same context gives the same bytes."""
        ...
