"""The theme's static files, published under names that carry a hash of their content.

``static/style.css`` is published as ``static/style.3f2a9c1e.css`` (:func:`statusgen.urls.fingerprinted`)
and every page links that name, so a CDN may keep a static file for a year: a new stylesheet is
a new name, and it arrives with the new pages that link it, never an old stylesheet with new
pages. Templates keep naming the files as the theme does (``url("static/style.css")``);
:class:`StaticFiles` says what each is published as.

A stylesheet names other static files by relative ``url(...)`` and ``@import``: those
references are rewritten to the fingerprinted names too (and the stylesheet's own hash is
taken after that), so a theme's fonts and images follow the same rule.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .. import urls
from ..errors import StatusgenError

__all__ = ["StaticFiles"]

#: Returns the published name of a static file (by its theme name), or None when there is no such file.
_Publish = Callable[[str], "str | None"]

#: A stylesheet's references to other files: url(...) with or without quotes, and @import "...".
_CSS_REFERENCE = re.compile(
    r"""(?P<url>url\(\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^'")\s]+))(?P<close>\s*\))"""
    r"""|(?P<imp>@import\s+)(?:"(?P<idq>[^"]*)"|'(?P<isq>[^']*)')"""
)


@dataclass(frozen=True, slots=True)
class StaticFiles:
    """Static files by the names they are published under, and what each theme name became."""

    #: ``{published path: bytes}``: ``{"static/style.3f2a9c1e.css": b"..."}``.
    files: Mapping[str, bytes]
    #: ``{path as the theme names it: published path}``: ``{"static/style.css": "static/style.3f2a9c1e.css"}``.
    names: Mapping[str, str]

    @classmethod
    def of(cls, sources: Mapping[str, bytes]) -> StaticFiles:
        """Fingerprint ``sources`` (``{"static/style.css": bytes}``): stylesheets' references first.

        :raises StatusgenError: when stylesheets import each other in a circle.
        """
        names: dict[str, str] = {}
        files: dict[str, bytes] = {}

        def publish(path: str, visiting: tuple[str, ...] = ()) -> str:
            done = names.get(path)
            if done is not None:
                return done
            if path in visiting:
                circle = " -> ".join((*visiting[visiting.index(path):], path))
                raise StatusgenError(f"the theme's stylesheets import each other in a circle: {circle}")
            data = sources[path]
            if path.endswith(".css"):
                data = _rewrite_css(data, path, lambda target: publish(target, (*visiting, path))
                                    if target in sources else None)
            published = urls.fingerprinted(path, hashlib.sha256(data).hexdigest())
            names[path], files[published] = published, data
            return published

        for path in sorted(sources):
            publish(path)
        return cls(dict(sorted(files.items())), dict(sorted(names.items())))

    def published(self, path: str) -> str | None:
        """Return the name ``path`` (``static/style.css``, as the theme names it) is published under."""
        return self.names.get(path)


def _rewrite_css(data: bytes, path: str, publish: _Publish) -> bytes:
    """Return the stylesheet at ``path`` with references to other static files renamed by ``publish``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # not text we can read: published as it is
    folder = posixpath.dirname(path)

    def rename(match: re.Match[str]) -> str:
        ref = next(g for g in ("dq", "sq", "bare", "idq", "isq") if match.group(g) is not None)
        value = match.group(ref)
        new = _renamed(value, folder, publish)
        if new is None:
            return match.group(0)
        start, end = match.span(ref)
        whole = match.group(0)
        offset = match.start()
        return whole[:start - offset] + new + whole[end - offset:]

    return _CSS_REFERENCE.sub(rename, text).encode("utf-8")


def _renamed(reference: str, folder: str, publish: _Publish) -> str | None:
    """Return a relative reference with its file's name replaced by the published one, or None to keep it."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None  # another site, data:, a fragment only, or a path from the host's root
    target = posixpath.normpath(posixpath.join(folder, parts.path))
    published = publish(target)
    if published is None:
        return None
    # The file stays in its folder; only its name changes.
    head, _, _ = parts.path.rpartition("/")
    name = published.rpartition("/")[2]
    tail = reference[len(parts.path):]  # ?query and #fragment, as written
    return (f"{head}/" if "/" in parts.path else "") + name + tail
