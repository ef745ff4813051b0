"""Where a status site is published, and the files each host needs in the status repository.

`statusgen init --host NAME` writes them into a new repository, `statusgen host add NAME` into
an existing one. Each host's guide (docs/deploy/<name>.md) says the one setting to switch on in
the host's own interface. The files live in ``skeleton/hosts/`` of the package; every
workflow installs statusgen from the repository's ``requirements.txt`` (:mod:`.install`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import resources
from ..errors import StatusgenError, UsageProblem, did_you_mean, display_path

__all__ = ["DEFAULT_HOST", "HOSTS", "Host", "host_files", "hosts_named"]

_FILES = resources.SKELETON / "hosts"
#: Every repository on GitHub checks its pull requests the same way, whichever host publishes it.
_CHECK_PR = {".github/workflows/check-pr.yml": "github/check-pr.yml"}


@dataclass(frozen=True, slots=True)
class Host:
    """A place to publish the site, and the files it needs."""

    name: str
    title: str
    #: ``{path in the status repository: file under skeleton/hosts/}``.
    files: dict[str, str]
    #: What to do once in the host's interface for the first run to work, in one sentence.
    setting: str

    @property
    def guide(self) -> str:
        return f"docs/deploy/{self.name}.md"


HOSTS: dict[str, Host] = {host.name: host for host in (
    Host("github-pages", "GitHub Pages",
         {**_CHECK_PR, ".github/workflows/publish.yml": "github-pages/publish.yml"},
         "in the repository's Settings > Pages, choose Source: GitHub Actions"),
    Host("gitlab-pages", "GitLab Pages",
         {".gitlab-ci.yml": "gitlab-pages/gitlab-ci.yml"},
         "in Build > Pipeline schedules, add a schedule every 10 minutes (*/10 * * * *) on the default branch"),
    Host("netlify", "Netlify",
         {**_CHECK_PR, "netlify.toml": "netlify/netlify.toml",
          ".github/workflows/netlify-rebuild.yml": "netlify/rebuild.yml"},
         "import the repository in Netlify, then add a build hook and store its URL as the repository "
         "secret NETLIFY_BUILD_HOOK"),
    Host("cloudflare-pages", "Cloudflare Pages",
         {**_CHECK_PR, ".github/workflows/publish-cloudflare-pages.yml": "cloudflare-pages/publish.yml"},
         "create a Pages project with Direct Upload, then set the secrets CLOUDFLARE_API_TOKEN and "
         "CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_PAGES_PROJECT"),
    Host("s3", "Amazon S3 behind a CDN",
         {**_CHECK_PR, ".github/workflows/publish-s3.yml": "s3/publish.yml", "deploy/s3-sync.sh": "s3/s3-sync.sh"},
         "create an IAM role GitHub may assume (OIDC) and set the secrets AWS_ROLE_ARN, AWS_REGION and S3_BUCKET"),
)}

#: The host of a repository made without --host, as before hosts could be chosen.
DEFAULT_HOST = "github-pages"


def hosts_named(names: tuple[str, ...] | list[str]) -> list[Host]:
    """Return the hosts called ``names`` (each once, in the order given).

    :raises UsageProblem: for a name that is no host, with a suggestion.
    """
    found: list[Host] = []
    for name in names:
        host = HOSTS.get(name)
        if host is None:
            hint = did_you_mean(name, HOSTS, otherwise=f"choose one of {', '.join(HOSTS)}")
            raise UsageProblem(f"no host called {name!r}; {hint}")
        if host not in found:
            found.append(host)
    return found


def host_files(hosts: list[Host]) -> dict[str, bytes]:
    """Return every file ``hosts`` need, by path in the status repository."""
    files: dict[str, bytes] = {}
    for host in hosts:
        for target, source in host.files.items():
            files[target] = (_FILES / source).read_bytes()
    return files


def files_to_add(repo: Path, hosts: list[Host]) -> dict[str, bytes]:
    """Return the files ``hosts`` need that ``repo`` does not have yet (the same file already there is fine).

    :raises StatusgenError: when a file with that name is there with other content: never overwritten.
    """
    wanted = host_files(hosts)
    differ = []
    for rel, data in wanted.items():
        path = repo / rel
        if path.is_symlink() or path.exists():
            if not path.is_file() or path.is_symlink() or path.read_bytes() != data:
                differ.append(rel)
    if differ:
        raise StatusgenError(
            f"{', '.join(differ)} already in {display_path(repo)} with other content; statusgen never overwrites "
            "a file. Move it away (or merge it by hand with the file in the guide) and run the command again")
    return {rel: data for rel, data in wanted.items() if not (repo / rel).exists()}
