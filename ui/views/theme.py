"""Neutral colours of the painted views, derived from the widget palette.

Vendor colours are fixed (palette.py); the greys of grids, axes, bands and muted text
follow the user's light or dark theme so painted views stay readable in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


@dataclass(frozen=True, slots=True)
class Theme:
    base: QColor  # chart background
    text: QColor
    muted: QColor  # secondary text
    axis: QColor  # axis lines and tick labels
    grid: QColor  # grid lines
    band: QColor  # contract rows in the chart
    header: QColor  # contract rows in the label column
    hover: QColor  # the row or week under the mouse
    outside: QColor  # beyond the horizon

    @classmethod
    def of(cls, widget: QWidget) -> Theme:
        pal = widget.palette()
        base, text = pal.base().color(), pal.text().color()
        window = pal.window().color()
        return cls(
            base=base,
            text=text,
            muted=mix(text, base, 0.42),
            axis=mix(text, base, 0.5),
            grid=mix(base, text, 0.11),
            band=mix(base, text, 0.045),
            header=mix(window, text, 0.07),
            hover=mix(base, pal.highlight().color(), 0.14),
            outside=mix(base, text, 0.03),
        )
