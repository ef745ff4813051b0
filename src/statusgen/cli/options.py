"""What the commands share: help texts, the time parameter, the options every authoring command has."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from .. import timeutil


class StdoutBroken(click.ClickException):
    """Standard output cannot be written: a full disk, or a reader that went away (a closed pipe)."""

    exit_code = 1

    def __init__(self, error: OSError) -> None:
        super().__init__(f"cannot write to standard output: {error.strerror or error}")
        self.error = error


def echo(text: str, *, nl: bool = True, err: bool = False) -> None:
    """Print ``text`` (stdout, or stderr with ``err``); a failure to write becomes :class:`StdoutBroken`."""
    try:
        click.echo(text, nl=nl, err=err)
    except OSError as exc:
        raise StdoutBroken(exc) from None


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

SITE_HELP = (
    "Site folder holding site.yaml. Default: ./content when it has a site.yaml, else the current folder."
)
_NOW_FORMATS = (
    "a time with an offset (2026-11-25T12:00:00+01:00), or 2026-11-25 12:00 or 12:00 (today) in the site's "
    "time zone; also $STATUSGEN_NOW"
)
NOW_HELP = (
    f"The instant the site describes: {_NOW_FORMATS}. Default: the current time. Give it for reproducible builds."
)
OUT_HELP = "Output folder, replaced atomically when the build succeeds. Default: ./public"
CHECK_NOW_HELP = (
    f"The instant to check against (overdue updates, broken promises): {_NOW_FORMATS}. Default: the current time."
)
SINCE_HELP = (
    "Also compare with this git revision (a branch, tag or commit, e.g. origin/main): published updates "
    "must not be edited, deleted or reordered, and new ones must not be backdated."
)
PUSHED_FROM_HELP = (
    "The commit before the push being checked, as the CI service reports it (GitHub: github.event.before; "
    "GitLab: $CI_COMMIT_BEFORE_SHA; Netlify: $CACHED_COMMIT_REF): compare with it as --since does. Empty "
    "or all zeros (a schedule, a new branch) compares with nothing; a commit the checkout lacks is fetched "
    "from origin, and the check fails when it cannot be."
)
FORMAT_HELP = (
    "text: for people, on stderr. json: one document on stdout, for other tools. "
    "github: workflow annotations on stdout, shown on the offending lines of a pull request."
)


class TimeParam(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A time with an offset, as an aware datetime."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return timeutil.parse_time(str(value))
        except timeutil.TimeFormatError as exc:
            self.fail(f"{exc.message}; {exc.hint}", param, ctx)


class NowParam(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """``--now`` (and ``$STATUSGEN_NOW``): a time with an offset, or one in the site's zone, kept as text.

    Every command reads it the same way, as the authoring commands read times: ``14:30``
    (today) and ``2026-11-25 14:30`` are in the site's time zone, which is known only once the
    site is found; :func:`resolve_now` turns the text into an instant then.
    """

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if timeutil.is_local_time(text):
            return text
        try:
            timeutil.parse_time(text)
        except timeutil.TimeFormatError as exc:
            self.fail(f"{exc.message}; {timeutil.WHEN_HINT}", param, ctx)
        return text


def resolve_now(text: str | None, site_dir: Path | None = None, *, tz: dt.tzinfo | None = None) -> dt.datetime:
    """Return the instant ``--now`` names (the clock without one), in the site's zone.

    A time without an offset is read in the site's zone, as the authoring commands read times.

    :param tz: the zone for a time without an offset; default: the one site.yaml in ``site_dir`` names.
    :raises UsageProblem: for a local time that does not exist, or one no zone can be found for.
    """
    from ..content.site_settings import site_zone
    from ..errors import UsageProblem

    clock = dt.datetime.now(dt.UTC)
    if text is None:
        return clock
    zone = tz or (site_zone(site_dir) if site_dir is not None else None)
    try:
        given = timeutil.parse_time(text)
    except timeutil.TimeFormatError:
        pass
    else:  # shown in the site's zone, whatever offset it was written with
        return given.astimezone(zone) if zone is not None else given
    if zone is None:
        raise UsageProblem(f"--now {text}: a time without an offset is read in the site's time zone, and "
                           "site.yaml names none that can be read; write the time with an offset")
    try:
        return timeutil.parse_when(text, zone, clock)
    except timeutil.TimeFormatError as exc:
        raise UsageProblem(f"--now: {exc.message}; {exc.hint}") from None


PORT_HELP = "Port to serve on; 0 picks a free one."
HOST_HELP = (
    "Address to serve on. The default serves this computer only; 0.0.0.0 serves everyone who can reach it."
)
SERVE_NOW_HELP = (
    f"The instant the preview describes on every rebuild: {_NOW_FORMATS}. Exactly what `statusgen build --now` "
    "writes. Default: the current time at each rebuild."
)
LIST_NOW_HELP = f"The instant to list as of: {_NOW_FORMATS}. Default: the current time."


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
AUTHOR_NOW_HELP = f"The current time (for tests and scripts): {_NOW_FORMATS}."
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
    func = click.option("--now", type=NowParam(), envvar="STATUSGEN_NOW", hidden=True,
                        help=AUTHOR_NOW_HELP)(func)
    return click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path),
                        help=AUTHOR_SITE_HELP)(func)

