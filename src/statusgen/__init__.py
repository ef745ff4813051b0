"""statusgen: a static-site customer status portal generator."""

from __future__ import annotations

__version__ = "0.1.0"
