"""The outputs: everything the build writes, made in memory from the view, never written here.

- ``context.py``: the :class:`~.context.RenderContext` (view, pages, published posts) every output is made from.
- ``pages.py``, ``theme.py``, ``i18n.py``, ``markup.py``: the HTML pages, through the theme's
  templates and message catalogs (site templates in Jinja's sandbox); Markdown bodies
  sanitised, rendered in bounded time; ``csp.py``: the Content-Security-Policy of every page.
- ``posts.py``: every published word as a flat list of posts, newest first; ``post_text.py``: how
  each post reads in a feed; ``words.py``: the catalog's words in the site's zone, for every
  output besides the pages (feeds, calendar, badges, notifications).
- ``feeds.py``, ``statuspage.py``, ``native_api.py``, ``calendar.py``, ``badges.py``,
  ``sitemap.py``: the generators (RSS/Atom, Statuspage v2 JSON, api/statusgen.json,
  maintenance.ics, SVG and shields.io badges, sitemap.xml and robots.txt).
- ``write.py``: the one place that writes, atomically, every path checked.

May import: ``view``, ``content`` and the base modules.
"""
