"""The example site, built at a fixed instant, must match tests/golden/ byte for byte.

After a deliberate change to the output, refresh the golden copy with ``make golden``
(which runs this test with STATUSGEN_UPDATE_GOLDEN=1) and review the diff in git.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from statusgen.build import build
from statusgen.outputs.write import MARKER

from .conftest import EXAMPLE_SITE, NOW, TESTS

GOLDEN = TESTS / "golden"


def files_of(root: Path) -> dict[str, bytes]:
    """Return the generated files; static/ is a plain copy of the theme's assets, checked in test_build."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MARKER and not p.relative_to(root).as_posix().startswith("static/")}


def test_example_site_matches_golden(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    if os.environ.get("STATUSGEN_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN, ignore=shutil.ignore_patterns(MARKER))
        shutil.rmtree(GOLDEN / "static", ignore_errors=True)
    built, golden = files_of(out), files_of(GOLDEN)
    missing, extra = sorted(golden.keys() - built.keys()), sorted(built.keys() - golden.keys())
    assert not missing and not extra, f"files differ: missing {missing}, new {extra}; run `make golden`"
    for name in sorted(golden):
        if built[name] != golden[name]:
            diff = "".join(list(difflib.unified_diff(
                golden[name].decode().splitlines(keepends=True), built[name].decode().splitlines(keepends=True),
                f"golden/{name}", f"built/{name}"))[:80])
            raise AssertionError(f"{name} differs from the golden copy (run `make golden` if intended):\n{diff}")
