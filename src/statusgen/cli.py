"""Command line: parse options, call the command, turn errors into messages and exit codes."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, timeutil

if TYPE_CHECKING:
    from .authoring.session import Session, Written

log = logging.getLogger("statusgen")

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

SITE_HELP = (
    "Site folder holding site.yaml. Default: ./content when it has a site.yaml, else the current folder."
)
NOW_HELP = (
    "The instant the site describes, as a time with an offset (2026-11-25T12:00:00+01:00). "
    "Default: the current time. Give it for reproducible builds."
)
OUT_HELP = "Output folder, replaced atomically when the build succeeds. Default: ./public"
CHECK_NOW_HELP = (
    "The instant to check against (overdue updates, broken promises), as a time with an offset. "
    "Default: the current time."
)
SINCE_HELP = (
    "Also compare with this git revision (a branch, tag or commit, e.g. origin/main): published updates "
    "must not be edited, deleted or reordered, and new ones must not be backdated."
)
FORMAT_HELP = (
    "text: for people, on stderr. json: one document on stdout, for other tools. "
    "github: workflow annotations on stdout, shown on the offending lines of a pull request."
)


class TimeParam(click.ParamType):
    """A time with an offset, as an aware datetime."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return timeutil.parse_time(str(value))
        except timeutil.TimeFormatError as exc:
            self.fail(f"{exc.message}; {exc.hint}", param, ctx)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.ERROR and not message.startswith("error"):
            return f"error: {message}"
        if record.levelno == logging.WARNING and not message.split(":", 3)[-1].lstrip().startswith("warning"):
            return message if "warning:" in message else f"warning: {message}"
        return message


def _setup_logging(verbosity: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("statusgen")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel({-1: logging.ERROR, 0: logging.INFO, 1: logging.DEBUG}.get(verbosity, logging.DEBUG))


def _version_message() -> str:
    location = Path(__file__).resolve().parent
    return f"statusgen {__version__} from {location} (Python {sys.version.split()[0]})"


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", message=_version_message())
@click.option("-v", "--verbose", "verbosity", flag_value=1, help="Say more, including each step's timing.")
@click.option("-q", "--quiet", "verbosity", flag_value=-1, help="Only print errors.")
def cli(verbosity: int | None) -> None:
    """statusgen turns incidents, maintenance and commitments kept in YAML into a status site.

    Run `statusgen COMMAND --help` for the options of a command.
    """
    _setup_logging(verbosity or 0)


@cli.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("public"),
              show_default=True, help=OUT_HELP)
@click.option("--now", type=TimeParam(), help=NOW_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to render pages with. Default: one per available CPU. The output is the same.")
def build(site: Path | None, site_option: Path | None, out: Path, now: dt.datetime | None,
          jobs: int | None) -> None:
    """Build the status site from SITE into the output folder.

    Every problem in the content is reported at once, each with file, line and column;
    then nothing is written and the previous output stays as it was.

    Exit status: 0 when the site was built, 1 when the content has errors or the output
    cannot be written, 2 for a wrong command line.
    """
    from .build import build as run_build
    from .content.loader import find_site

    site_dir = find_site(site or site_option)
    result = run_build(site_dir, out, now=now or dt.datetime.now(dt.UTC), jobs=jobs)
    log.info(result.summary(out))
    index = (out / "index.html").resolve()
    log.info("Open %s in a browser.", index.as_uri())


PORT_HELP = "Port to serve on; 0 picks a free one."
HOST_HELP = (
    "Address to serve on. The default serves this computer only; 0.0.0.0 serves everyone who can reach it."
)
SERVE_NOW_HELP = (
    "The instant the preview describes, as a time with an offset, on every rebuild: exactly what "
    "`statusgen build --now` writes. Default: the current time at each rebuild."
)


@cli.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="N",
              help=PORT_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS", help=HOST_HELP)
@click.option("--now", type=TimeParam(), help=SERVE_NOW_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to render the first build with. Default: one per available CPU.")
def serve(site: Path | None, site_option: Path | None, port: int, host: str, now: dt.datetime | None,
          jobs: int | None) -> None:
    """Serve a live preview of SITE: exactly what customers will see, as you save.

    Builds the site into memory and serves it over HTTP, then watches the site folder and
    the theme. On every save it rebuilds only what changed (the item's page first, then the
    pages that show it, the feeds and the API) and reloads the open browser tabs whose page
    changed. A file with errors never stops the preview: the problems are printed as `build`
    prints them and shown over every page, and the last good site stays served until the
    file is fixed. Nothing is written to disk.

    Exit status: 0 when stopped with Ctrl-C, 1 when the port cannot be used or the site
    folder is not a site, 2 for a wrong command line.
    """
    from .build import default_jobs
    from .content.loader import find_site
    from .preview.app import Preview

    site_dir = find_site(site or site_option)
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: anyone who can reach this computer can read the preview", host)
    Preview(site_dir, host=host, port=port, now=now, jobs=jobs or default_jobs()).serve_forever()


@cli.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("--now", type=TimeParam(), help=CHECK_NOW_HELP)
@click.option("--since", metavar="GIT_REF", help=SINCE_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help=FORMAT_HELP)
def check(site: Path | None, site_option: Path | None, now: dt.datetime | None,
          since: str | None, fmt: str) -> None:
    """Check SITE for silence, broken promises and rewritten history.

    Reports every problem at once, each with file, line, severity and how to fix it: the
    content errors `build` would report, open incidents past their next update, commitments
    past their due date, maintenance with short notice or never closed, missing postmortems,
    and with --since, published updates that were edited, deleted, reordered or backdated.
    Warnings point at what will soon hurt; they do not fail the check.

    Exit status: 0 when there is no error (warnings allowed), 1 when there is at least one
    error, 2 for a wrong command line, including a --since revision git does not know.
    """
    from .check.report import FORMATTERS, CheckFailed, check_site, summary
    from .content.loader import find_site

    site_dir = find_site(site or site_option)
    result = check_site(site_dir, now=now or dt.datetime.now(dt.UTC), since=since)
    report = FORMATTERS[fmt](result)
    if report:
        click.echo(report, nl=False, err=fmt == "text")
    if result.errors:
        raise CheckFailed(summary(result))
    log.info(summary(result))


# -- authoring: new, update, resolve, deliver, postpone; list, schema, init -------------------

BODY_HELP = (
    "What customers should know (Markdown). Without it your editor opens ($VISUAL or $EDITOR), as for a "
    "git commit message; `-` reads standard input."
)
NEXT_IN_HELP = "Promise the next update within this long: 30m, 1h, 2h30m."
NEXT_BY_HELP = (
    "Promise the next update by this time: 14:30 (today) or '2026-11-25 14:30', in the site's time zone, or "
    "a time with an offset."
)
COMPONENT_HELP = (
    "A component and its status from now on, as id=status (api=partial_outage); repeat it, or separate "
    "several with commas. Statuses: operational, degraded_performance, partial_outage, major_outage."
)
AUTHOR_SITE_HELP = SITE_HELP
AUTHOR_NOW_HELP = "The current time (for tests and scripts; also $STATUSGEN_NOW)."
ID_HELP = (
    "The id (file name) to use instead of the date and the title's words. An existing file is never replaced."
)
UPDATE_STATUS_HELP = (
    "The status from this update on. Incidents: investigating, identified, monitoring, resolved. "
    "Maintenance: scheduled, in_progress, verifying, completed, cancelled. Commitments: planned, "
    "in_progress, at_risk, delivered, withdrawn. Default: the current status."
)


def _authoring_options(func: Any) -> Any:
    """Add the options every authoring command has: --site, and the hidden --now."""
    func = click.option("--now", type=TimeParam(), envvar="STATUSGEN_NOW", hidden=True,
                        help=AUTHOR_NOW_HELP)(func)
    return click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path),
                        help=AUTHOR_SITE_HELP)(func)


def _session(site_option: Path | None, now: dt.datetime | None) -> Session:
    from .authoring.session import Session
    from .content.loader import find_site

    return Session(find_site(site_option), now or dt.datetime.now(dt.UTC))


def _report(written: Written, *, echo_id: bool = False) -> None:
    """Say what was written; ``new`` also prints the id on stdout, for scripts."""
    if echo_id:
        click.echo(written.item_id)
    log.info(written.message)


@cli.group(context_settings=CONTEXT_SETTINGS)
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
                 item_id: str | None, site_option: Path | None, now: dt.datetime | None) -> None:
    """Open an incident called TITLE with its first update.

    Without --next-in or --next-by the site's policy says when the next update is due;
    the message says when.

    Exit status: 0 when the file was written, 1 when the result would be invalid or the id
    is taken (nothing is written), 2 for a wrong command line.
    """
    from .authoring.commands import new_incident as create

    _report(create(_session(site_option, now), title, impact=impact, components=components, status=status,
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
                    now: dt.datetime | None) -> None:
    """Announce a maintenance called TITLE, now.

    Less notice than the policy's maintenance_notice is allowed, with a warning.

    Exit status: 0 when the file was written, 1 when the result would be invalid or the id
    is taken (nothing is written), 2 for a wrong command line.
    """
    from .authoring.commands import new_maintenance as create

    _report(create(_session(site_option, now), title, start=start, end=end, length=length,
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
                   item_id: str | None, site_option: Path | None, now: dt.datetime | None) -> None:
    """Make a promise to customers called TITLE, due by --due.

    Exit status: 0 when the file was written, 1 when the result would be invalid or the id
    is taken (nothing is written), 2 for a wrong command line.
    """
    from .authoring.commands import new_commitment as create

    _report(create(_session(site_option, now), title, due=due, components=components, incident=incident,
                   body=body, item_id=item_id), echo_id=True)


@cli.command(context_settings=CONTEXT_SETTINGS)
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
@_authoring_options
def update(item: str, status: str | None, body: str | None, next_in: str | None, next_by: str | None,
           components: tuple[str, ...], corrects: int | None, at: str | None, site_option: Path | None,
           now: dt.datetime | None) -> None:
    """Add an update to ITEM, stamped with the current time.

    ITEM is an id (2026-11-25-sso-sign-in-failures), the id without its date when only one
    item has it (sso-sign-in-failures), kind/id, or the path of the file. The update is
    appended to the file; everything already in it (comments, order, quoting, blank lines)
    stays as it is. The whole site is validated with the new update before anything is written.

    Exit status: 0 when the update was written; 1 when the result would be invalid or the
    update does not fit the item (a resolved incident needs --status to reopen), and nothing
    is written; 2 for a wrong command line (an unknown id, component, status or time).
    """
    from .authoring.commands import update as run_update

    _report(run_update(_session(site_option, now), item, status=status, body=body, next_in=next_in,
                       next_by=next_by, components=components, corrects=corrects, at=at))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("incident")
@click.option("-b", "--body", help=BODY_HELP + " Say what was affected and for how long.")
@click.option("--at", metavar="TIME", help="When it was resolved, if earlier than now (kept with posted_at).")
@click.option("--next-in", hidden=True)
@click.option("--next-by", hidden=True)
@_authoring_options
def resolve(incident: str, body: str | None, at: str | None, next_in: str | None, next_by: str | None,
            site_option: Path | None, now: dt.datetime | None) -> None:
    """Resolve INCIDENT with a last update: status resolved.

    A resolved incident promises no next update; say in the text if a postmortem follows.

    Exit status: 0 when the update was written; 1 when the incident is resolved already or
    the result would be invalid (nothing is written); 2 for a wrong command line.
    """
    from .authoring.commands import resolve as run_resolve
    from .errors import UsageProblem

    if next_in is not None or next_by is not None:
        raise UsageProblem("--next-in/--next-by: a resolved incident promises no next update; say in the "
                           "text if more is to come (a postmortem, for example)")
    _report(run_resolve(_session(site_option, now), incident, body=body, at=at))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("commitment")
@click.option("-b", "--body", help=BODY_HELP + " Say what was delivered.")
@_authoring_options
def deliver(commitment: str, body: str | None, site_option: Path | None, now: dt.datetime | None) -> None:
    """Mark COMMITMENT delivered.

    The message says whether the ledger counts it as kept (by the original date) or late.

    Exit status: 0 when the update was written; 1 when the commitment is finished already or
    the result would be invalid (nothing is written); 2 for a wrong command line.
    """
    from .authoring.commands import deliver as run_deliver

    _report(run_deliver(_session(site_option, now), commitment, body=body))


@cli.command(context_settings=CONTEXT_SETTINGS)
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
             next_by: str | None, site_option: Path | None, now: dt.datetime | None) -> None:
    """Move the due date of COMMITMENT, with the reason.

    The page keeps showing the original date and every change. Announce a new date before
    the old one passes: a promise past its date with no new date is broken.

    Exit status: 0 when the update was written; 1 when the commitment is finished already or
    the result would be invalid (nothing is written); 2 for a wrong command line (including a
    date that is not later than the current one).
    """
    from .authoring.commands import postpone as run_postpone

    _report(run_postpone(_session(site_option, now), commitment, due=due, body=body, status=status,
                         next_in=next_in, next_by=next_by))


@cli.command("list", context_settings=CONTEXT_SETTINGS)
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("--open", "open_only", is_flag=True,
              help="Only what needs attention: open incidents, running and upcoming maintenance, open "
                   "commitments.")
@click.option("--now", type=TimeParam(), envvar="STATUSGEN_NOW",
              help="The instant to list as of, as a time with an offset. Default: the current time.")
def list_items(site: Path | None, site_option: Path | None, open_only: bool, now: dt.datetime | None) -> None:
    """List what is open, what is overdue and what is due, as a table on standard output.

    Open incidents come first (OVERDUE updates at the top), then running and upcoming
    maintenance, then open commitments (BROKEN ones first). Without --open, what was resolved,
    completed or finished in the last 14 days is listed too.

    Exit status: 0 when the table was printed, 1 when the content has errors, 2 for a wrong
    command line.
    """
    from .authoring.table import render
    from .content.loader import find_site, load_site
    from .view import derive

    content = load_site(find_site(site or site_option))
    click.echo(render(derive(content, now or dt.datetime.now(dt.UTC)), open_only=open_only), nl=False)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("kind", required=False, type=click.Choice(["site", "incident", "maintenance", "commitment"]))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write <kind>.schema.json files into. Default: ./schemas, or standard output "
                   "when KIND is given.")
def schema(kind: str | None, out: Path | None) -> None:
    """Write JSON Schema for site.yaml and the content files (draft 2020-12).

    They come from the same declarations `statusgen build` validates with, with a description
    of every key, so editors show help on hover and flag mistakes as you type. With KIND, only
    that schema (on standard output unless -o is given).

    Exit status: 0 when written, 1 when a file cannot be written, 2 for a wrong command line.
    """
    from .content.jsonschema import render, write_schemas
    from .errors import display_path

    if kind and out is None:
        click.echo(render(kind), nl=False)
        return
    written = write_schemas(out or Path("schemas"), [kind] if kind else None)
    log.info("Wrote %s.", ", ".join(display_path(p) for p in written))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default="Example Status", show_default=True, help="The site's title.")
@click.option("--base-url", default="https://status.example.com/", show_default=True,
              help="The absolute URL the site will be published at.")
@click.option("--timezone", metavar="ZONE", help="IANA time zone for the pages, e.g. Europe/Berlin. "
              "Default: this computer's zone.")
@click.option("--now", type=TimeParam(), envvar="STATUSGEN_NOW", hidden=True, help=AUTHOR_NOW_HELP)
def init(directory: Path, title: str, base_url: str, timezone: str | None, now: dt.datetime | None) -> None:
    """Lay out a new status repository in DIRECTORY.

    \b
    content/             site.yaml with every setting explained, and one example
                         incident, maintenance and commitment (delete them)
    schemas/             JSON Schema of the content files (as `statusgen schema`)
    .vscode/             editor settings that check the YAML files against them
    .github/workflows/   the workflows shipped with statusgen: check pull requests, publish
    .gitignore           leaves public/ (the built site) out of git
    README.md            the commands a support lead needs

    DIRECTORY must be empty or hold only a git repository (.git); nothing is ever overwritten.

    Exit status: 0 when the site was laid out, 1 when DIRECTORY is not empty or cannot be
    written, 2 for a wrong command line (an unknown time zone, a base URL that is not one).
    """
    from .authoring.scaffold import init_site
    from .errors import display_path

    written = init_site(directory, title=title, base_url=base_url, timezone=timezone,
                        now=now or dt.datetime.now(dt.UTC))
    workflows = sum(rel.startswith(".github/workflows/") for rel in written)
    shown = display_path(directory)
    log.info("Created a status site in %s (%d files%s).", shown, len(written),
             f", including {workflows} GitHub workflow{'s' if workflows != 1 else ''}" if workflows else "")
    log.info("Next: set the title, base_url, timezone and components in %s/content/site.yaml, delete the "
             "examples, then run `statusgen build %s/content`.", shown, shown)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status instead of exiting (for tests and embedding)."""
    try:
        cli.main(args=argv, prog_name="statusgen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def entry_point() -> None:
    sys.exit(main())
