"""The authoring commands: new, update, resolve, deliver, postpone, reschedule, cancel, postmortem.

Each writes a new content file or appends to one: what was published is never edited.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    BODY_HELP,
    COMPONENT_HELP,
    CONTEXT_SETTINGS,
    ID_HELP,
    NEXT_BY_HELP,
    NEXT_IN_HELP,
    UPDATE_STATUS_HELP,
    _authoring_options,
    echo,
    resolve_now,
)

if TYPE_CHECKING:
    from ..authoring.session import Session, Written

log = logging.getLogger("statusgen")


@contextlib.contextmanager
def _session(site_option: Path | None, now: str | None) -> Iterator[Session]:
    """Open the site for one command: loaded under its lock, released when the command is done."""
    from ..authoring.session import Session
    from ..content.loader import find_site

    site_dir = find_site(site_option)
    session = Session(site_dir, resolve_now(now, site_dir))
    try:
        yield session
    finally:
        session.close()


def _report(written: Written, *, echo_id: bool = False) -> None:
    """Say what was written; ``new`` also prints the id on stdout, for scripts."""
    if echo_id:
        echo(written.item_id)
    log.info(written.message)


@click.group(context_settings=CONTEXT_SETTINGS)
def new() -> None:
    """Create an incident, a maintenance or a commitment file.

    The id is the date and the title's words (2026-11-25-sso-sign-in-failures); when that file
    exists, -2, -3 … is added, and with --id an existing file is refused: nothing is ever
    overwritten. The first update is stamped with the current time in the site's zone. The id
    is printed on standard output.
    """


@new.command("incident")
@click.argument("title")
@click.option("--impact", required=True, metavar="[none|minor|major|critical]",
              help="How bad it is for customers.")
@click.option("-c", "--component", "components", multiple=True, metavar="ID=STATUS", help=COMPONENT_HELP)
@click.option("--status", default="investigating", show_default=True,
              metavar="[investigating|identified|monitoring|resolved]",
              help="The status of the first update.")
@click.option("-b", "--body", help=BODY_HELP)
@click.option("--next-in", metavar="DURATION", help=NEXT_IN_HELP)
@click.option("--next-by", metavar="TIME", help=NEXT_BY_HELP)
@click.option("--workaround", metavar="TEXT",
              help="What customers can do now (Markdown), shown while it is open.")
@click.option("--started", metavar="TIME", help="When customers were first affected, if before now.")
@click.option("--id", "item_id", metavar="ID", help=ID_HELP)
@_authoring_options
def new_incident(title: str, impact: str, components: tuple[str, ...], status: str, body: str | None,
                 next_in: str | None, next_by: str | None, workaround: str | None, started: str | None,
                 item_id: str | None, site_option: Path | None, now: str | None) -> None:
    """Open an incident called TITLE with its first update.

    Without --next-in or --next-by the site's policy says when the next update is due;
    the message says when.

    Exit status: 0 when the file was written, 1 when the result would be invalid or the id
    is taken (nothing is written), 2 for a wrong command line.
    """
    from ..authoring.commands import new_incident as create

    with _session(site_option, now) as session:
        _report(create(session, title, impact=impact, components=components, status=status,
                       body=body, next_in=next_in, next_by=next_by, workaround=workaround, started=started,
                       item_id=item_id), echo_id=True)


@new.command("maintenance")
@click.argument("title")
@click.option("--start", required=True, metavar="TIME",
              help="When the work starts: '2026-12-01 02:00' in the site's time zone, or a time with an "
                   "offset.")
@click.option("--end", metavar="TIME", help="When it ends (or give --duration).")
@click.option("--duration", "length", metavar="DURATION", help="How long it lasts: 2h, 90m (or give --end).")
@click.option("-c", "--component", "components", multiple=True, required=True, metavar="ID[=STATUS]",
              help="An affected component; its status is under_maintenance unless given as id=status.")
@click.option("-b", "--body", help=BODY_HELP)
@click.option("--id", "item_id", metavar="ID", help=ID_HELP)
@_authoring_options
def new_maintenance(title: str, start: str, end: str | None, length: str | None, components: tuple[str, ...],
                    body: str | None, item_id: str | None, site_option: Path | None,
                    now: str | None) -> None:
    """Announce a maintenance called TITLE, now.

    Less notice than the policy's maintenance_notice is allowed, with a warning.

    Exit status: 0 when the file was written, 1 when the result would be invalid or the id
    is taken (nothing is written), 2 for a wrong command line.
    """
    from ..authoring.commands import new_maintenance as create

    with _session(site_option, now) as session:
        _report(create(session, title, start=start, end=end, length=length,
                       components=components, body=body, item_id=item_id), echo_id=True)


@new.command("commitment")
@click.argument("title")
@click.option("--due", required=True, metavar="DATE",
              help="When it is due: a date (the end of that day in the site's time zone) or a time.")
@click.option("-c", "--component", "components", multiple=True, metavar="ID", help="A component it concerns.")
@click.option("--incident", metavar="ID", help="The incident that led to it.")
@click.option("-b", "--body", help=BODY_HELP)
@click.option("--id", "item_id", metavar="ID", help=ID_HELP)
@_authoring_options
def new_commitment(title: str, due: str, components: tuple[str, ...], incident: str | None, body: str | None,
                   item_id: str | None, site_option: Path | None, now: str | None) -> None:
    """Make a promise to customers called TITLE, due by --due.

    Exit status: 0 when the file was written, 1 when the result would be invalid or the id
    is taken (nothing is written), 2 for a wrong command line.
    """
    from ..authoring.commands import new_commitment as create

    with _session(site_option, now) as session:
        _report(create(session, title, due=due, components=components, incident=incident,
                       body=body, item_id=item_id), echo_id=True)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("item")
@click.option("-s", "--status", help=UPDATE_STATUS_HELP)
@click.option("-b", "--body", help=BODY_HELP)
@click.option("--next-in", metavar="DURATION", help=NEXT_IN_HELP)
@click.option("--next-by", metavar="TIME", help=NEXT_BY_HELP)
@click.option("-c", "--component", "components", multiple=True, metavar="ID=STATUS",
              help=COMPONENT_HELP + " Incidents only.")
@click.option("--corrects", type=click.IntRange(min=1), metavar="N",
              help="This update corrects update N of the incident (1 is the first); the original stays "
                   "visible.")
@click.option("--at", metavar="TIME", help="For an update written after the fact: the earlier time it "
              "describes. The current time is kept as posted_at. Incidents only.")
@click.option("--impact", metavar="[none|minor|major|critical]",
              help="The incident's impact from this update on; the page says when it was raised or lowered.")
@click.option("--title", metavar="TEXT", help="A new title (incidents) or wording of the promise "
              "(commitments) from this update on; the page keeps the first one visible.")
@click.option("--workaround", metavar="TEXT", help="What customers can do now (Markdown), from this update on. "
              "Incidents only.")
@click.option("--scope", metavar="[reduced|extended]", help="This update changes what a commitment promises; "
              "say how in the text. A commitment whose scope was reduced is judged against what was first "
              "promised. Commitments only.")
@_authoring_options
def update(item: str, status: str | None, body: str | None, next_in: str | None, next_by: str | None,
           components: tuple[str, ...], corrects: int | None, at: str | None, impact: str | None,
           title: str | None, workaround: str | None, scope: str | None, site_option: Path | None,
           now: str | None) -> None:
    """Add an update to ITEM, stamped with the current time.

    ITEM is an id (2026-11-25-sso-sign-in-failures), the id without its date when only one
    item has it (sso-sign-in-failures), kind/id, or the path of the file. The update is
    appended to the file; everything already in it (comments, order, quoting, blank lines)
    stays as it is. The whole site is validated with the new update before anything is written.

    What was published is never edited: a new impact, title or workaround, or a commitment's
    new scope, goes in the update, and the page shows the change beside what was first said.
    A correction (--corrects) fixes a fact; it keeps the status and the promised next update.

    Exit status: 0 when the update was written; 1 when the result would be invalid or the
    update does not fit the item (a resolved incident needs --status to reopen), and nothing
    is written; 2 for a wrong command line (an unknown id, component, status or time).
    """
    from ..authoring.commands import update as run_update

    with _session(site_option, now) as session:
        _report(run_update(session, item, status=status, body=body, next_in=next_in, next_by=next_by,
                           components=components, corrects=corrects, at=at, impact=impact, title=title,
                           workaround=workaround, scope=scope))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("incident")
@click.option("-b", "--body", help=BODY_HELP + " Say what was affected and for how long.")
@click.option("--at", metavar="TIME", help="When it was resolved, if earlier than now (kept with posted_at).")
@click.option("--next-in", hidden=True)
@click.option("--next-by", hidden=True)
@_authoring_options
def resolve(incident: str, body: str | None, at: str | None, next_in: str | None, next_by: str | None,
            site_option: Path | None, now: str | None) -> None:
    """Resolve INCIDENT with a last update: status resolved.

    A resolved incident promises no next update; say in the text if a postmortem follows.

    Exit status: 0 when the update was written; 1 when the incident is resolved already or
    the result would be invalid (nothing is written); 2 for a wrong command line.
    """
    from ..authoring.commands import resolve as run_resolve
    from ..errors import UsageProblem

    if next_in is not None or next_by is not None:
        raise UsageProblem("--next-in/--next-by: a resolved incident promises no next update; say in the "
                           "text if more is to come (a postmortem, for example)")
    with _session(site_option, now) as session:
        _report(run_resolve(session, incident, body=body, at=at))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("commitment")
@click.option("-b", "--body", help=BODY_HELP + " Say what was delivered.")
@_authoring_options
def deliver(commitment: str, body: str | None, site_option: Path | None, now: str | None) -> None:
    """Mark COMMITMENT delivered.

    The message says whether the ledger counts it as kept (by the original date) or late.

    Exit status: 0 when the update was written; 1 when the commitment is finished already or
    the result would be invalid (nothing is written); 2 for a wrong command line.
    """
    from ..authoring.commands import deliver as run_deliver

    with _session(site_option, now) as session:
        _report(run_deliver(session, commitment, body=body))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("commitment")
@click.option("--due", required=True, metavar="DATE",
              help="The new due date (or time); later than the current one.")
@click.option("-b", "--body", help=BODY_HELP + " Say why the date moves.")
@click.option("-s", "--status", metavar="[planned|in_progress|at_risk]",
              help="The status from now on. Default: the current status.")
@click.option("--next-in", metavar="DURATION", help=NEXT_IN_HELP)
@click.option("--next-by", metavar="TIME", help=NEXT_BY_HELP)
@_authoring_options
def postpone(commitment: str, due: str, body: str | None, status: str | None, next_in: str | None,
             next_by: str | None, site_option: Path | None, now: str | None) -> None:
    """Move the due date of COMMITMENT, with the reason.

    The page keeps showing the original date and every change. Announce a new date before
    the old one passes: a promise past its date with no new date is broken.

    Exit status: 0 when the update was written; 1 when the commitment is finished already or
    the result would be invalid (nothing is written); 2 for a wrong command line (including a
    date that is not later than the current one).
    """
    from ..authoring.commands import postpone as run_postpone

    with _session(site_option, now) as session:
        _report(run_postpone(session, commitment, due=due, body=body, status=status,
                             next_in=next_in, next_by=next_by))




@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("maintenance")
@click.option("--start", metavar="TIME", help="The new start: '2026-12-01 06:00' in the site's time zone, or a "
              "time with an offset. Default: unchanged.")
@click.option("--end", metavar="TIME", help="The new end (or give --duration).")
@click.option("--duration", "length", metavar="DURATION",
              help="The new length: 2h, 90m. Default: the window keeps its length.")
@click.option("-b", "--body", help=BODY_HELP + " Say why it moves.")
@_authoring_options
def reschedule(maintenance: str, start: str | None, end: str | None, length: str | None, body: str | None,
               site_option: Path | None, now: str | None) -> None:
    """Move the window of MAINTENANCE, with the reason.

    Appends an update with the new starts_at and ends_at: the page shows the first window
    and every move, the feeds announce it, and maintenance.ics moves the calendar event (a
    higher SEQUENCE). The file's own starts_at and ends_at stay as first announced.

    Exit status: 0 when the update was written; 1 when the maintenance is completed or
    cancelled already, or the result would be invalid (nothing is written); 2 for a wrong
    command line (a start in the past, an end before the start).
    """
    from ..authoring.changes import reschedule as run

    with _session(site_option, now) as session:
        _report(run(session, maintenance, start=start, end=end, length=length, body=body))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("maintenance")
@click.option("-b", "--body", help=BODY_HELP + " Say why, and whether the work will come back.")
@_authoring_options
def cancel(maintenance: str, body: str | None, site_option: Path | None, now: str | None) -> None:
    """Cancel MAINTENANCE, with the reason.

    Appends an update with status cancelled: the page says so, and maintenance.ics marks the
    calendar event STATUS:CANCELLED.

    Exit status: 0 when the update was written; 1 when the maintenance is completed or
    cancelled already (nothing is written); 2 for a wrong command line.
    """
    from ..authoring.changes import cancel as run

    with _session(site_option, now) as session:
        _report(run(session, maintenance, body=body))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("incident")
@click.option("-b", "--body", help="The postmortem (Markdown): what happened, why, and what changes; or, when "
              "it is published already, what the revision changes or adds. Without it your editor opens; `-` "
              "reads standard input.")
@click.option("-a", "--action", "actions", multiple=True, metavar="COMMITMENT",
              help="A commitment that prevents a repeat (its id); repeat it, or separate several with commas.")
@_authoring_options
def postmortem(incident: str, body: str | None, actions: tuple[str, ...], site_option: Path | None,
               now: str | None) -> None:
    """Write the postmortem of INCIDENT, or add a revision to it.

    The first time, the postmortem is written, published now, with its actions (commitments,
    tracked to delivery). After that, it is never edited: running the command again appends
    a revision, shown below the postmortem as what changed and when.

    Exit status: 0 when it was written; 1 when the incident is not resolved or the result
    would be invalid (nothing is written); 2 for a wrong command line (an unknown incident or
    commitment).
    """
    from ..authoring.changes import postmortem as run

    with _session(site_option, now) as session:
        _report(run(session, incident, body=body, actions=actions))
