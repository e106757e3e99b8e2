"""Versions for the About box and crash reports."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

import PySide6
from PySide6.QtCore import qVersion

from planner import __version__ as app_version

APP_NAME = "Migration Planner"


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def versions() -> list[tuple[str, str]]:
    """(component, version) pairs; HiGHS from package metadata (no solver banner)."""
    return [
        (APP_NAME, app_version),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("HiGHS (highspy)", _package_version("highspy")),
        ("Python", platform.python_version()),
    ]


def about_html() -> str:
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{value}</td></tr>" for name, value in versions())
    return (
        f"<h3>{APP_NAME}</h3>"
        "<p>Plans, week by week, how to move labeling work off an exited vendor at the "
        "least cost or the earliest full exit.</p>"
        f"<table>{rows}</table>"
    )
