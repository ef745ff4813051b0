"""What the site shows at one instant, derived from the content: the view.

``derive(content, now)`` returns a :class:`StatusView`: every item's view (status,
deadlines, overdue flags, the state of each promise), components and their uptime per day,
the overall indicator, the history by month, the commitments ledger and the responsiveness
figures. Pure: no I/O, and ``now`` is the only clock. Every output is made from the view.

- ``types.py``: the view types, frozen once made.
- ``items.py``: one item -> its view.
- ``uptime.py``: components over time, day by day.
- ``responsiveness.py``: the public figures (time to first update, promises kept).
- ``derive.py``: the steps, and the :class:`Deriver` that ``statusgen serve`` keeps between rebuilds.

May import: ``content`` and the base modules (errors, timeutil, urls). Nothing from outputs,
check, authoring or preview.
"""

from .derive import RECENT_DAYS, Deriver, derive
from .items import CLOSED
from .types import (
    Change,
    CommitmentState,
    CommitmentView,
    ComponentView,
    Day,
    DueChange,
    Group,
    IncidentView,
    Indicator,
    ItemLink,
    Ledger,
    MaintenanceView,
    Month,
    MonthLink,
    Responsiveness,
    ScopeChange,
    Segment,
    StatusView,
)

__all__ = [
    "CLOSED", "RECENT_DAYS", "Change", "CommitmentState", "CommitmentView", "ComponentView", "Day", "Deriver",
    "DueChange", "Group", "IncidentView", "Indicator", "ItemLink", "Ledger", "MaintenanceView", "Month", "MonthLink",
    "Responsiveness", "ScopeChange", "Segment", "StatusView", "derive",
]
