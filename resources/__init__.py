"""Bundled fonts and icons shared by the core (PDF fonts) and the app (icons)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Absolute path of a bundled resource, e.g. ``path("fonts", "DejaVuSans.ttf")``."""
    return ROOT.joinpath(*parts)
