"""The Content-Security-Policy of every page, defined once.

Pages carry it in a ``<meta http-equiv>`` element (base.html); a host that reads header
rules gets the same policy as a header, with what only a header can say (``frame-ancestors``).
It allows nothing but the site's own files: scripts and styles from the site (no inline
script, no ``eval``), images from the site and ``data:`` (the favicon), no plugins, no
``<base>``, no forms. The one inline element, the site's accent colours, is allowed by its hash.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from ..content.model import Colors

#: The policy, directive by directive; ``{styles}`` becomes the hashes of inline <style> elements.
DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'{styles}"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("manifest-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    ("object-src", "'none'"),
)
#: What only a header can say (a <meta> policy may not): no page of the site inside another's frame.
HEADER_ONLY: tuple[tuple[str, str], ...] = (("frame-ancestors", "'none'"),)


def accent_css(colors: Colors | None) -> str:
    """Return the inline CSS that sets the site's accent colours (empty without ``colors``)."""
    if colors is None:
        return ""
    return (f"@media screen{{:root{{--accent:{colors.accent}}}"
            f"@media (prefers-color-scheme:dark){{:root{{--accent:{colors.accent_dark}}}}}}}")


def site_policy(colors: Colors | None, *, header: bool = False) -> str:
    """Return the policy of a site's pages: its accent style allowed by hash (see :func:`policy`)."""
    return policy([accent_css(colors)], header=header)


def policy(inline_styles: Iterable[str] = (), *, header: bool = False) -> str:
    """Return the policy, allowing the inline ``<style>`` elements whose text is ``inline_styles``.

    :param header: the header form, with the directives a ``<meta>`` element cannot carry.
    """
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
                     for css in inline_styles if css)
    directives = DIRECTIVES + (HEADER_ONLY if header else ())
    return "; ".join(f"{name} {value.format(styles=hashes)}" for name, value in directives)
