"""The commands about a whole site: build, serve, check, list, schema, init and host."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    AUTHOR_NOW_HELP,
    CHECK_NOW_HELP,
    CONTEXT_SETTINGS,
    FORMAT_HELP,
    HOST_HELP,
    LIST_NOW_HELP,
    NOW_HELP,
    OUT_HELP,
    PORT_HELP,
    PUSHED_FROM_HELP,
    SERVE_NOW_HELP,
    SINCE_HELP,
    SITE_HELP,
    NowParam,
    echo,
    resolve_now,
)

if TYPE_CHECKING:
    from ..authoring.hosts import Host
    from ..authoring.install import Pin

log = logging.getLogger("statusgen")


@click.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("public"),
              show_default=True, help=OUT_HELP)
@click.option("--now", type=NowParam(), envvar="STATUSGEN_NOW", help=NOW_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to render pages with. Default: one per available CPU. The output is the same.")
def build(site: Path | None, site_option: Path | None, out: Path, now: str | None,
          jobs: int | None) -> None:
    """Build the status site from SITE into the output folder.

    Every problem in the content is reported at once, each with file, line and column;
    then nothing is written and the previous output stays as it was. Builds into one output
    folder take turns (a second one waits, saying so), and a build removes what a killed
    build left beside the output.

    Exit status: 0 when the site was built, 1 when the content has errors or the output
    cannot be written, 2 for a wrong command line.
    """
    from ..build import build as run_build
    from ..content.loader import find_site

    site_dir = find_site(site or site_option)
    result = run_build(site_dir, out, now=resolve_now(now, site_dir), jobs=jobs)
    log.info(result.summary(out))
    index = (out / "index.html").resolve()
    log.info("Open %s in a browser.", index.as_uri())



@click.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="N",
              help=PORT_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS", help=HOST_HELP)
@click.option("--now", type=NowParam(), envvar="STATUSGEN_NOW", help=SERVE_NOW_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to render the first build with. Default: one per available CPU.")
def serve(site: Path | None, site_option: Path | None, port: int, host: str, now: str | None,
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
    from ..build import default_jobs
    from ..content.loader import find_site
    from ..preview.app import Preview

    site_dir = find_site(site or site_option)
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: anyone who can reach this computer can read the preview", host)
    fixed = resolve_now(now, site_dir) if now is not None else None
    Preview(site_dir, host=host, port=port, now=fixed, jobs=jobs or default_jobs()).serve_forever()


@click.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("--now", type=NowParam(), envvar="STATUSGEN_NOW", help=CHECK_NOW_HELP)
@click.option("--since", metavar="GIT_REF", help=SINCE_HELP)
@click.option("--pushed-from", metavar="COMMIT", help=PUSHED_FROM_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help=FORMAT_HELP)
def check(site: Path | None, site_option: Path | None, now: str | None,
          since: str | None, pushed_from: str | None, fmt: str) -> None:
    """Check SITE for silence, broken promises and rewritten history.

    Reports every problem at once, each with file, line, severity and how to fix it: the
    content errors `build` would report, open incidents past their next update, commitments
    past their due date, maintenance with short notice or never closed, missing postmortems,
    and with --since, published updates that were edited, deleted, reordered or backdated.
    Warnings point at what will soon hurt; they do not fail the check.

    In a publish workflow, --pushed-from compares a push with the commit before it, as a
    pull request is compared with its base: a rewrite pushed straight to main fails too.

    Exit status: 0 when there is no error (warnings allowed), 1 when there is at least one
    error or the commit before a push cannot be fetched, 2 for a wrong command line,
    including a --since revision git does not know.
    """
    from ..check.git import PushUnverifiable, commit_before_push
    from ..check.report import (
        FORMATTERS,
        CheckFailed,
        check_site,
        github_annotation,
        summary,
    )
    from ..content.loader import find_site
    from ..errors import UsageProblem

    site_dir = find_site(site or site_option)
    if since is not None and pushed_from is not None:
        raise UsageProblem("--since and --pushed-from: compare with one revision, not two")
    if pushed_from is not None:
        try:
            since = commit_before_push(site_dir, pushed_from)
        except PushUnverifiable as exc:
            if fmt == "github":  # shown on the workflow run, as the problems are
                echo(github_annotation("error", "statusgen check", exc.message))
            raise
        if since is None:
            log.info("Nothing was published before this push (a new branch, or not a push): checking the "
                     "clock only.")
    result = check_site(site_dir, now=resolve_now(now, site_dir), since=since)
    report = FORMATTERS[fmt](result)
    if report:
        echo(report, nl=False, err=fmt == "text")
    if result.errors:
        raise CheckFailed(summary(result))
    log.info(summary(result))



@click.command("list", context_settings=CONTEXT_SETTINGS)
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("--open", "open_only", is_flag=True,
              help="Only what needs attention: open incidents, running and upcoming maintenance, open "
                   "commitments.")
@click.option("--now", type=NowParam(), envvar="STATUSGEN_NOW", help=LIST_NOW_HELP)
def list_items(site: Path | None, site_option: Path | None, open_only: bool, now: str | None) -> None:
    """List what is open, what is overdue and what is due, as a table on standard output.

    Open incidents come first (OVERDUE updates at the top), then running and upcoming
    maintenance, then open commitments (BROKEN ones first). Without --open, what was resolved,
    completed or finished in the last 14 days is listed too.

    Exit status: 0 when the table was printed, 1 when the content has errors, 2 for a wrong
    command line.
    """
    from ..authoring.table import render
    from ..content.loader import find_site, load_site
    from ..view import derive

    site_dir = find_site(site or site_option)
    content = load_site(site_dir)
    echo(render(derive(content, resolve_now(now, site_dir)), open_only=open_only), nl=False)


@click.command(context_settings=CONTEXT_SETTINGS)
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
    from ..content.jsonschema import render, write_schemas
    from ..errors import display_path

    if kind and out is None:
        echo(render(kind), nl=False)
        return
    written = write_schemas(out or Path("schemas"), [kind] if kind else None)
    log.info("Wrote %s.", ", ".join(display_path(p) for p in written))


_HOST_NAMES = "github-pages, gitlab-pages, netlify, cloudflare-pages, s3"
_FROM_HELP = ("What CI installs statusgen from, written to requirements.txt: statusgen==VERSION or "
              "'statusgen @ git+https://git.example.com/you/statusgen@COMMIT'. Default: what the running "
              "statusgen was installed from (a version from the package index, a git URL at a commit, a "
              "wheel's URL; a git checkout statusgen runs from gives its remote at the commit checked out, "
              "when the tree is clean).")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default="Example Status", show_default=True, help="The site's title.")
@click.option("--base-url", default="https://status.example.com/", show_default=True,
              help="The absolute URL the site will be published at.")
@click.option("--timezone", metavar="ZONE", help="IANA time zone for the pages, e.g. Europe/Berlin. "
              "Default: this computer's zone.")
@click.option("--host", "host_names", multiple=True, metavar="HOST",
              help=f"Where the site is published, for its workflows or settings: {_HOST_NAMES}. "
                   "Repeat for several. Default: github-pages.")
@click.option("--from", "from_", metavar="REQUIREMENT", help=_FROM_HELP)
@click.option("--now", type=NowParam(), envvar="STATUSGEN_NOW", hidden=True, help=AUTHOR_NOW_HELP)
def init(directory: Path, title: str, base_url: str, timezone: str | None, host_names: tuple[str, ...],
         from_: str | None, now: str | None) -> None:
    """Lay out a new status repository in DIRECTORY.

    \b
    content/             site.yaml with every setting explained: the site, empty
    examples/            one example incident, maintenance and commitment, outside
                         the site (never published; copy one into content/ to use it)
    schemas/             JSON Schema of the content files (as `statusgen schema`)
    .vscode/             editor settings that check the YAML files against them
    requirements.txt     the statusgen CI installs: exactly the one running init
    .github/workflows/   for github-pages, netlify, cloudflare-pages and s3: check pull
                         requests, then publish (or rebuild) on push and every 10 minutes
    .gitlab-ci.yml       for gitlab-pages: the same as a GitLab pipeline
    netlify.toml         for netlify: how Netlify builds the site
    deploy/s3-sync.sh    for s3: copy the site to S3 with the right Cache-Control
    .gitignore           leaves public/ (the built site) out of git
    README.md            the commands a support lead needs

    DIRECTORY must be empty or hold only a git repository (.git); nothing is ever overwritten.
    `statusgen host add` adds a host later.

    Exit status: 0 when the site was laid out, 1 when DIRECTORY is not empty or cannot be
    written, 2 for a wrong command line (an unknown time zone or host, a base URL that is not
    one, or no --from when the running statusgen was installed from nothing CI can reach).
    """
    from ..authoring.hosts import DEFAULT_HOST, hosts_named
    from ..authoring.scaffold import init_site, local_zone_name
    from ..errors import display_path
    from ..timeutil import UTC, TimeFormatError, load_zone

    zone: dt.tzinfo
    try:
        zone = load_zone(timezone or local_zone_name())
    except TimeFormatError:
        zone = UTC  # init says what is wrong with --timezone
    hosts = hosts_named(host_names or (DEFAULT_HOST,))
    pin = _pin(from_)
    written = init_site(directory, title=title, base_url=base_url, timezone=timezone,
                        now=resolve_now(now, tz=zone), hosts=hosts, pin=pin)
    shown = display_path(directory)
    log.info("Created a status site in %s (%d files).", shown, len(written))
    _explain(hosts, pin)
    log.info("Next: set the title, base_url, timezone and components in %s/content/site.yaml, then run "
             "`statusgen serve %s/content`. The examples in %s/examples/ show the format; they are never "
             "published.", shown, shown, shown)


def _pin(from_: str | None) -> Pin:
    from ..authoring.install import pin_from, running_install

    return pin_from(from_) if from_ is not None else running_install()


def _explain(hosts: list[Host], pin: Pin | None) -> None:
    """Say what CI installs and the one thing to switch on at each host."""
    if pin is not None:
        log.info("requirements.txt pins %s (from %s).", pin.requirement, pin.source)
        for warning in pin.warnings:
            log.warning(warning)
    for host in hosts:
        log.info("%s: %s (statusgen's %s).", host.title, host.setting, host.guide)


@click.group(context_settings=CONTEXT_SETTINGS)
def host() -> None:
    """Add the files a host needs to publish the site: workflows, pipeline, settings.

    The hosts: github-pages, gitlab-pages, netlify, cloudflare-pages, s3. Each has a guide in
    statusgen's docs/deploy/ with the one setting to switch on in the host's interface.
    """


@host.command("add")
@click.argument("names", nargs=-1, required=True, metavar="HOST...")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The status repository (the folder with content/ and requirements.txt).")
@click.option("--from", "from_", metavar="REQUIREMENT",
              help="For a repository without requirements.txt only (made before statusgen wrote one): "
                   + _FROM_HELP)
def host_add(names: tuple[str, ...], repo: Path, from_: str | None) -> None:
    """Add the files HOST needs to the status repository (as `statusgen init --host` writes them).

    A file already there with the same content is kept; a file with other content stops the
    command before anything is written: nothing is ever overwritten. The workflows install
    statusgen from requirements.txt, which is written only when the repository has none.

    Exit status: 0 when the files were added (or were all there), 1 when a file would be
    overwritten or the folder is no status repository, 2 for a wrong command line.
    """
    from ..authoring.hosts import hosts_named
    from ..authoring.scaffold import add_hosts

    hosts = hosts_named(names)
    pins: list[Pin] = []

    def pin() -> Pin:
        pins.append(_pin(from_))
        return pins[-1]

    written = add_hosts(repo, hosts, pin)
    if written:
        log.info("Added %s.", ", ".join(written))
    else:
        log.info("Nothing to add: every file is there already.")
    _explain(hosts, pins[0] if pins else None)


@host.command("list")
def host_list() -> None:
    """List the hosts, the files each one needs and the setting to switch on.

    Exit status: 0.
    """
    from ..authoring.hosts import HOSTS

    for item in HOSTS.values():
        echo(f"{item.name}: {item.title}")
        for path in item.files:
            echo(f"  {path}")
        echo(f"  then: {item.setting} ({item.guide})")


