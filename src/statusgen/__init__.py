"""statusgen: a static-site customer status portal generator.

Support leads keep incidents, maintenance and commitments as YAML in git; statusgen turns them
into a status site, feeds and JSON. The packages read as the pipeline (docs/architecture.md):

    content/   site folder -> validated model, every problem at once
    view/      (model, now) -> what the site shows: states, deadlines, ledger, uptime, figures
    outputs/   view -> pages, feeds, JSON, calendar, badges, sitemap; and the atomic write
    build.py   load -> derive -> render -> write
    check/     silence, broken promises and rewritten history, reported
    authoring/ the commands that write content files; init and list
    preview/   statusgen serve: rebuild what a save changed, reload the tabs
    notify/    statusgen notify: every new post to chat, webhooks and e-mail, once
    cli/       argv -> a command -> an exit status

Base modules every part may use: errors, timeutil, fsutil, urls, resources.
"""

from __future__ import annotations

__version__ = "0.1.0"
