"""Checks of the options the optimiser commands share (plan, insights, scenarios, risk)."""

from __future__ import annotations

import argparse

from planner import report_option


def check_options(args: argparse.Namespace) -> str | None:
    """The first bad common option (gap, time limit, workers), in words."""
    if getattr(args, "gap", None) is not None and not 0 <= args.gap < 1:
        return "--gap must be in [0, 1)"
    if getattr(args, "time_limit", None) is not None and args.time_limit <= 0:
        return "--time-limit must be positive"
    if getattr(args, "workers", None) is not None and args.workers < 1:
        return "--workers must be at least 1"
    return report_option.check(args)
