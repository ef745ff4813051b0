"""Whatever a file holds, the loader answers with content or with positioned problems, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.content.loader import load_site
from statusgen.errors import ContentError

from .conftest import BASE_SITE

VALID = (BASE_SITE / "incidents" / "2026-11-20-api-errors.yaml").read_text(encoding="utf-8")

# Values that go wrong in interesting ways: wrong types, odd scalars, nesting, tags, anchors.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(["2026-11-20", "2026-11-20T09:00:00", "2026-11-20T09:00:00+01:00", "30m", "api",
                     "resolved", "major", "!!python/object:os.system", "*ref", "&ref x", "~", "[", "{"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["title", "impact", "updates", "at", "status", "body", "components", "corrects",
                     "next_update_in", "postmortem", "actions", "api", "x"]), inner, max_size=4), max_leaves=12)


def _load_with(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(BASE_SITE, site)
        (site / "incidents" / "2026-11-21-fuzz.yaml").write_text(text, encoding="utf-8")
        try:
            load_site(site)
        except ContentError as exc:
            assert exc.problems, "a failed load names at least one problem"
            for problem in exc.problems:
                assert problem.file.endswith(".yaml") and problem.message
                assert problem.hint or problem.message.startswith("YAML"), problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_any_yaml_value_gives_content_or_problems(value: object) -> None:
    _load_with(yaml.safe_dump(value, allow_unicode=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(VALID)), st.text(max_size=8))
def test_any_edit_of_a_valid_file_gives_content_or_problems(position: int, inserted: str) -> None:
    """Typing anything anywhere in a valid incident file: the loader never crashes."""
    _load_with(VALID[:position] + inserted + VALID[position:])


@given(st.lists(st.sampled_from(["- ", "> ", ">", "1. ", "12) ", "* ", "+ ", " ", "    ", "\t", "x", "\n", "-"]),
                max_size=150).map("".join))
def test_the_quick_nesting_check_agrees_with_the_full_count(text: str) -> None:
    """limits.too_deep looks only where nesting can be deep; it must find every text nesting_of does."""
    from statusgen.content.limits import NESTING_LIMIT, nesting_of, too_deep

    depth, line = nesting_of(text)
    assert too_deep(text) == ((depth, line) if depth > NESTING_LIMIT else None)
