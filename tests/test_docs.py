"""The documentation stays true.

- `make site` builds the example as of the instant the tests and screenshots use.
"""

from __future__ import annotations

import re

from .conftest import NOW_TEXT, ROOT


# -- the front page ---------------------------------------------------------------------------------


def test_make_site_shows_the_example_as_the_tests_see_it() -> None:
    """`make site` builds the example at the instant of the tests and screenshots, unless NOW= says otherwise."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^EXAMPLE_NOW\s*:?=\s*{re.escape(NOW_TEXT)}\s*$", makefile, re.M)
    assert re.search(r"^NOW\s*\?=\s*\$\(EXAMPLE_NOW\)\s*$", makefile, re.M)
    assert "$(if $(NOW),--now $(NOW))" in makefile


