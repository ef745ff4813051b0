"""``statusgen notify``: tell chat channels, webhooks and e-mail subscribers about every new post."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from .options import CONTEXT_SETTINGS, SITE_HELP, TimeParam

log = logging.getLogger("statusgen")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("--since", metavar="GIT_REF", required=True,
              help="The commit customers last saw (in the publish workflow: the commit before the push). Every "
                   "post published since then is delivered.")
@click.option("--state", "state", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Record every delivery in FILE, and skip what it lists: a rerun sends nothing twice. Keep it "
                   "between runs (the publish workflow caches it).")
@click.option("--dry-run", is_flag=True, help="Print what would be sent, to whom (a count, for e-mail), and send "
              "nothing. Needs no secrets.")
@click.option("--now", type=TimeParam(), help="The instant to tell as of, as a time with an offset. Default: the "
              "current time.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=300), default=10.0, show_default=True,
              metavar="SECONDS", help="Longest wait for any one request or SMTP reply.")
@click.option("--retries", type=click.IntRange(min=0, max=10), default=3, show_default=True,
              help="How often to try again after a timeout, HTTP 429 or 5xx, or a temporary SMTP error.")
@click.option("--retry-delay", type=click.FloatRange(min=0, max=600), default=2.0, show_default=True,
              metavar="SECONDS", help="The first pause before trying again; each further pause is four times "
              "longer.")
def notify(site: Path | None, site_option: Path | None, since: str, state: Path | None, dry_run: bool,
           now: dt.datetime | None, timeout: float, retries: int, retry_delay: float) -> None:
    """Deliver every post published since GIT_REF to the channels in site.yaml's `notify:`.

    New incidents and their updates, corrections, resolutions and postmortems, maintenance
    announcements and updates, and commitment updates go to Slack, Teams and Discord as
    their own messages, to webhooks in Statuspage's webhook shape (signed with `secret_env`),
    and to e-mail subscribers one message each. Secrets come from the environment
    variables site.yaml names. A failing channel is retried, then left for a rerun; the
    others go on.

    Exit status: 0 when everything was delivered (or nothing was new), 1 when a delivery
    failed or the content has errors, 2 for a wrong command line, including a --since
    revision git does not know.
    """
    from ..content.loader import find_site
    from ..notify.run import Options
    from ..notify.run import notify as run_notify
    from ..notify.transport import Retry

    options = Options(since=since, now=now or dt.datetime.now(dt.UTC), state=state, dry_run=dry_run,
                      timeout=timeout, retry=Retry(attempts=retries + 1, delay=retry_delay),
                      echo=click.echo)
    run_notify(find_site(site or site_option), options)
