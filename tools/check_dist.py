"""Check a release's sdist and wheel before they are published: what the release workflow runs.

    python tools/check_dist.py dist/ [--tag v0.2.0]

- exactly one sdist and one wheel, of the same version, which is ``__version__`` of the source
  (and the tag's, with ``--tag``): `statusgen --version` and the generator meta tag show it;
- the sdist carries what a wheel is built from and the tests; the wheel carries the theme and
  the skeleton of `statusgen init`;
- the wheel installs into a fresh virtual environment and, from an empty folder elsewhere,
  reports its version, lays out a status repository and builds it: pages name the version in
  their generator tag, link fingerprinted static files, and the cache rules are written.

pip runs as configured by its environment (tests point it at a wheelhouse, with no index).
Exit status 0 when every check passes, 1 with the reasons otherwise.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source_version() -> str:
    text = (ROOT / "src" / "statusgen" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise SystemExit("src/statusgen/__init__.py has no __version__ line")
    return match.group(1)


def check(dist: Path, tag: str | None) -> list[str]:
    problems: list[str] = []
    wheels, sdists = sorted(dist.glob("statusgen-*.whl")), sorted(dist.glob("statusgen-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"expected one wheel and one sdist in {dist}, found {[p.name for p in [*wheels, *sdists]]}"]
    wheel, sdist = wheels[0], sdists[0]
    version = wheel.name.split("-")[1]
    expected = source_version()
    if version != expected or sdist.name != f"statusgen-{expected}.tar.gz":
        problems.append(f"{wheel.name} and {sdist.name} are not version {expected} (src/statusgen/__init__.py)")
    if tag is not None and tag != f"v{version}":
        problems.append(f"the tag {tag} does not name version {version}: tag releases as v{version}")

    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("statusgen/themes/default/templates/base.html", "statusgen/themes/default/static/style.css",
                   "statusgen/authoring/skeleton/hosts/github-pages/publish.yml", "statusgen/__init__.py"):
        if needed not in names:
            problems.append(f"{wheel.name} lacks {needed}")
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("pyproject.toml", "README.md", "src/statusgen/__init__.py", "themes/default/static/style.css",
                   "tests/conftest.py"):
        if needed not in members:
            problems.append(f"{sdist.name} lacks {needed}")
    return problems + smoke_test(wheel, version)


def smoke_test(wheel: Path, version: str) -> list[str]:
    """Install ``wheel`` into a fresh venv; from an empty folder, init and build a site."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="statusgen-dist-") as tmp:
        home = Path(tmp)
        venv.EnvBuilder(with_pip=False).create(home / "venv")
        python = home / "venv" / "bin" / "python"
        pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(wheel)]
        done = subprocess.run(pip, capture_output=True, text=True, check=False)
        if done.returncode:
            return [f"the wheel does not install: {done.stderr.strip()}"]
        statusgen = str(home / "venv" / "bin" / "statusgen")
        elsewhere = home / "elsewhere"
        elsewhere.mkdir()

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([statusgen, *args], cwd=elsewhere, capture_output=True, text=True, check=False)

        shown = run("--version")
        if not shown.stdout.startswith(f"statusgen {version} from {home / 'venv'}"):
            problems.append(f"statusgen --version says {shown.stdout.strip()!r}, not version {version} from the venv")
        made = run("init", "site", "--from", f"statusgen=={version}", "--timezone", "UTC")
        built = run("build", "site/content", "-o", "public") if made.returncode == 0 else made
        if built.returncode:
            return [*problems, f"init and build from the wheel failed: {built.stderr.strip()}"]
        home_page = (elsewhere / "public" / "index.html").read_text(encoding="utf-8")
        if f'<meta name="generator" content="statusgen {version}">' not in home_page:
            problems.append(f"the generator meta tag does not say statusgen {version}")
        if not re.search(r'href="static/style\.[0-9a-f]{8}\.css"', home_page):
            problems.append("the home page links no fingerprinted stylesheet")
        if not (elsewhere / "public" / "_headers").is_file():
            problems.append("the build wrote no _headers file")
        if (elsewhere / "site" / "requirements.txt").read_text().splitlines()[-1] != f"statusgen=={version}":
            problems.append("init did not pin the version it was given")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=Path, help="the folder with the sdist and the wheel")
    parser.add_argument("--tag", help="the git tag being released (vX.Y.Z)")
    args = parser.parse_args()
    problems = check(args.dist, args.tag)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)  # noqa: T201 - a command-line tool
    if not problems:
        print(f"{args.dist}: the sdist and the wheel are ready to publish")  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
