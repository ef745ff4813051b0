"""(status view) -> ``widget.js``: the banner other sites embed with one ``<script>`` tag.

A customer's web app shows it only while an incident is open or maintenance is under way.
The data (open incidents, running maintenance and windows due to start, in the site's
language) is written into the script by every build, because the script runs on other
origins: fetching a JSON file from there would need CORS headers that many static hosts
cannot send. Maintenance windows carry their times, so the banner appears when a window
starts even between two builds; a copy older than :data:`STALE_AFTER` refresh intervals
(at least an hour) shows nothing, so a site that stopped being rebuilt never warns forever.

The script's URL never changes and it must not be fingerprinted: customers paste it once.
Hosts should serve it with a short max-age, like the pages. It is under 3 KB gzipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import resources
from typing import Any

from .. import urls
from ..view import StatusView
from .context import RenderContext
from .theme import Theme, label

#: A copy of the script this many refresh intervals old (at least an hour) shows nothing.
STALE_AFTER = 6
#: Upcoming maintenance starting within this long is included, to appear when it starts.
AHEAD = dt.timedelta(days=2)


class Widget:
    """Makes ``widget.js``; remembers the last one, made again when its data changes."""

    def __init__(self) -> None:
        self._made: tuple[str, dict[str, bytes]] | None = None

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        data = json.dumps(widget_data(ctx.view), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        if self._made is None or self._made[0] != data:
            # Safe inside a script: no "</script>", no HTML comment, no line separators JS chokes on.
            safe = (data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
            script = _source().replace("/*DATA*/null", safe, 1)
            self._made = (data, {urls.WIDGET: script.encode("utf-8")})
        return self._made[1]


def _source() -> str:
    return resources.files(__package__).joinpath("widget.js").read_text(encoding="utf-8")


def widget_data(view: StatusView) -> dict[str, Any]:
    """Return what the banner shows: the site's words and the items that are (or will soon be) active."""
    site = view.site
    messages = Theme.for_site(site).messages(site.language)
    base = site.base_url
    items: list[dict[str, Any]] = [
        {"kind": "incident", "title": i.title, "status": label(messages, i.status), "url": base + i.path}
        for i in view.open_incidents
    ]
    for m in view.running_maintenance:
        items.append({"kind": "maintenance", "title": m.title, "status": label(messages, m.status),
                      "url": base + m.path})
    for m in view.upcoming_maintenance:
        window = m.maintenance
        if window.starts_at - view.now <= AHEAD:
            items.append({"kind": "maintenance", "title": m.title, "url": base + m.path,
                          "status": messages.text("widget.starting"),
                          "from": _ms(window.starts_at), "to": _ms(window.ends_at)})
    refresh = site.policy.refresh.total_seconds() * 1000
    ident = hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:12]
    return {
        "id": ident,
        "lang": site.language,
        "generated": _ms(view.now),
        "stale": int(max(STALE_AFTER * refresh, 3_600_000)),
        "t": {key: messages.text(f"widget.{key}") for key in ("region", "incident", "maintenance", "details",
                                                               "dismiss")},
        "items": items,
    }


def _ms(value: dt.datetime) -> int:
    return int(value.timestamp() * 1000)
