"""One colour per vendor, the same in every view of the app.

Colours are handed out from a qualitative palette the first time a vendor name is asked
for and kept for the whole session, so the timeline, load chart and cost views agree.
The first choice of slot is a stable hash of the name, so a vendor usually keeps its
colour from one run to the next. Red and grey are kept out of the palette: red means
unserved work, greys mean the vendors being exited.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from PySide6.QtGui import QColor

_ALTERNATIVE_COLORS = (
    "#4e79a7",  # blue
    "#f28e2b",  # orange
    "#59a14f",  # green
    "#b07aa1",  # purple
    "#76b7b2",  # teal
    "#edc948",  # yellow
    "#9c755f",  # brown
    "#ff9da7",  # pink
    "#17becf",  # cyan
    "#393b79",  # indigo
    "#bcbd22",  # olive yellow
    "#e377c2",  # magenta
)
_EXITED_COLORS = ("#7f8794", "#a3a9b3", "#5f6671", "#b8b0a6")

UNSERVED_COLOR = QColor("#d62728")
NOTICE_COLOR = QColor("#e08a00")
EXIT_COLOR = QColor("#c0392b")
COMPLETION_COLOR = QColor("#2e8540")

_assigned: dict[tuple[str, bool], int] = {}


def _slot(vendor: str, exited: bool) -> int:
    key = (vendor, exited)
    if key in _assigned:
        return _assigned[key]
    size = len(_EXITED_COLORS if exited else _ALTERNATIVE_COLORS)
    preferred = zlib.crc32(vendor.encode("utf-8")) % size
    taken = {slot for (_, kind), slot in _assigned.items() if kind == exited}
    slot = next(
        (
            (preferred + step) % size
            for step in range(size)
            if (preferred + step) % size not in taken
        ),
        preferred,  # more vendors than colours: share one
    )
    _assigned[key] = slot
    return slot


def vendor_color(vendor: str, exited: bool = False) -> QColor:
    """The vendor's colour; vendors being exited get a grey."""
    palette = _EXITED_COLORS if exited else _ALTERNATIVE_COLORS
    return QColor(palette[_slot(vendor, exited)])


def register_vendors(vendors: Iterable[tuple[str, bool]]) -> None:
    """Colour a plan's vendors: distinct colours for them, assigned in name order.

    Vendors of earlier plans that this plan does not have are forgotten, so a session that
    opens many workbooks does not run out of colours; vendors still present keep theirs.
    Views look colours up when they paint, so every view follows the same assignment.
    """
    wanted = set(vendors)
    for key in [k for k in _assigned if k not in wanted]:
        del _assigned[key]
    seen: set[tuple[bool, int]] = set()
    for key in sorted(k for k in wanted if k in _assigned):
        slot = (key[1], _assigned[key])
        if slot in seen:  # two vendors shared a colour when the palette was full
            del _assigned[key]
        seen.add(slot)
    for vendor, exited in sorted(wanted):
        _slot(vendor, exited)


def text_color_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    luminance = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return QColor("#111111") if luminance > 150 else QColor("#ffffff")
