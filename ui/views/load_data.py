"""The vendor-load chart as plain data: weekly tasks per vendor (or per skill of one
vendor), the capacity line and the busiest week.

Qt-free (numpy and pandas only), so every vendor's chart can be prepared in the
planner's worker process (see :mod:`ui.views.digest`); the view only picks colours.
The allocation is grouped once with ``pd.factorize`` and summed with ``np.bincount``
(no per-vendor DataFrame filtering).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.results import PlanResult

ALL_VENDORS_CAPACITY = "Capacity of alternatives"


@dataclass(frozen=True, slots=True)
class Layer:
    """One stacked layer of the chart: a value per week, coloured after its vendor."""

    label: str
    values: np.ndarray
    vendor: str | None  # None: unserved work (red, hatched)
    exited: bool = False
    shade: int | None = None  # one vendor's chart: index of the skill (a shade of its colour)


@dataclass(slots=True)
class LoadChart:
    layers: list[Layer] = field(default_factory=list)
    capacity_label: str = ""
    capacity: np.ndarray | None = None
    peak: tuple[str, float, int] | None = None  # (vendor, used / capacity, week)


@dataclass(slots=True)
class LoadDigest:
    """Every chart of the load view: all vendors (key None) and each vendor alone."""

    vendors: list[str]  # the vendor choices, sorted
    charts: dict[str | None, LoadChart]


def _weekly(
    codes: np.ndarray, groups: int, week: np.ndarray, values: np.ndarray, weeks: int
) -> np.ndarray:
    """(groups, weeks) sums of ``values`` by group code and week (weeks outside dropped)."""
    keep = (week >= 0) & (week < weeks) & (codes >= 0)
    flat = np.bincount(
        codes[keep] * weeks + week[keep], weights=values[keep], minlength=groups * weeks
    )
    return flat.reshape(groups, weeks)


class _Frames:
    """The allocation and capacity, grouped once for any number of charts."""

    def __init__(self, plan: PlanResult) -> None:
        self.weeks = weeks = plan.horizon_weeks
        alloc, cap, unserved = plan.allocation, plan.capacity, plan.unserved
        self.alloc_rows = len(alloc)
        if len(alloc):
            self.vendor_codes, vendors = pd.factorize(alloc["vendor"])
            self.vendors = list(vendors)
            self.alloc_week = alloc["week"].to_numpy(dtype=int)
            self.alloc_tasks = alloc["tasks"].to_numpy(dtype=float)
            self.by_vendor = _weekly(
                self.vendor_codes, len(vendors), self.alloc_week, self.alloc_tasks, weeks
            )
            exited = alloc["exited"].to_numpy(dtype=bool)
            first = np.full(len(vendors), len(alloc), dtype=int)
            np.minimum.at(first, self.vendor_codes, np.arange(len(alloc)))
            self.first_exited = exited[first].tolist()  # as groupby(...).first()
            self.any_exited = (
                np.bincount(self.vendor_codes, weights=exited.astype(float), minlength=len(vendors))
                > 0
            )
            self.skill_codes, skills = pd.factorize(alloc["skill"], use_na_sentinel=True)
            self.skills = list(skills)
        else:
            self.vendors = []
        self.unserved = (
            _weekly(
                np.zeros(len(unserved), dtype=int),
                1,
                unserved["week"].to_numpy(dtype=int),
                unserved["tasks"].to_numpy(dtype=float),
                weeks,
            )[0]
            if len(unserved)
            else None
        )
        self.cap_rows = len(cap)
        if len(cap):
            self.cap_codes, cap_vendors = pd.factorize(cap["vendor"])
            self.cap_vendors = list(cap_vendors)
            self.cap_week = cap["week"].to_numpy(dtype=int)
            self.cap_capacity = cap["capacity"].to_numpy(dtype=float)
            self.cap_used = cap["used"].to_numpy(dtype=float) if "used" in cap else None
            self.cap_by_vendor = _weekly(
                self.cap_codes, len(cap_vendors), self.cap_week, self.cap_capacity, weeks
            )
        else:
            self.cap_vendors = []

    def vendor_names(self) -> list[str]:
        return sorted({str(v) for v in [*self.cap_vendors, *self.vendors]})

    def all_vendors(self) -> LoadChart:
        chart = LoadChart()
        if self.alloc_rows:
            order = sorted(
                range(len(self.vendors)), key=lambda i: (self.first_exited[i], self.vendors[i])
            )
            for i in order:
                exited = bool(self.first_exited[i])
                name = str(self.vendors[i])
                chart.layers.append(
                    Layer(f"{name} (exiting)" if exited else name, self.by_vendor[i], name, exited)
                )
        if self.unserved is not None:
            chart.layers.append(Layer("Unserved", self.unserved, None))
        if self.cap_rows:
            chart.capacity_label = ALL_VENDORS_CAPACITY
            chart.capacity = self.cap_by_vendor.sum(axis=0)
        chart.peak = self.peak(None)
        return chart

    def one_vendor(self, vendor: str) -> LoadChart:
        chart = LoadChart()
        code = next((i for i, v in enumerate(self.vendors) if str(v) == vendor), None)
        if code is not None:
            exited = bool(self.any_exited[code])
            rows = self.vendor_codes == code
            skill_codes = self.skill_codes[rows]
            present = sorted(
                {int(c) for c in np.unique(skill_codes) if c >= 0},
                key=lambda c: self.skills[c],
            )
            if present:
                sums = _weekly(
                    skill_codes,
                    len(self.skills),
                    self.alloc_week[rows],
                    self.alloc_tasks[rows],
                    self.weeks,
                )
                for shade, c in enumerate(present):
                    chart.layers.append(
                        Layer(f"{vendor}: {self.skills[c]}", sums[c], vendor, exited, shade)
                    )
        cap_code = next((i for i, v in enumerate(self.cap_vendors) if str(v) == vendor), None)
        if cap_code is not None:
            chart.capacity_label = f"Capacity of {vendor}"
            chart.capacity = self.cap_by_vendor[cap_code]
        chart.peak = self.peak(vendor)
        return chart

    def peak(self, vendor: str | None) -> tuple[str, float, int] | None:
        """(vendor, used / capacity, week) of the busiest offer week (the first of ties)."""
        if not self.cap_rows or self.cap_used is None:
            return None
        rows = (
            np.ones(self.cap_rows, dtype=bool)
            if vendor is None
            else np.isin(
                self.cap_codes,
                [i for i, v in enumerate(self.cap_vendors) if str(v) == vendor],
            )
        )
        if not rows.any():
            return None
        vendor_codes, week = self.cap_codes[rows], self.cap_week[rows]
        # groups of (vendor, week) in order of first appearance, as groupby(sort=False)
        low = int(week.min())
        span = int(week.max()) - low + 1
        keys, unique = pd.factorize(vendor_codes.astype(np.int64) * span + (week - low))
        capacity = np.bincount(keys, weights=self.cap_capacity[rows], minlength=len(unique))
        used = np.bincount(keys, weights=self.cap_used[rows], minlength=len(unique))
        valid = capacity > 1e-9
        if not valid.any():
            return None
        share = np.where(valid, used / np.where(valid, capacity, 1.0), -np.inf)
        best = int(np.argmax(share))
        code, offset = divmod(int(unique[best]), span)
        return str(self.cap_vendors[code]), float(share[best]), low + offset


def load_chart(plan: PlanResult, vendor: str | None) -> LoadChart:
    """One chart: stacked tasks per week by vendor (or by skill for ``vendor``)."""
    frames = _Frames(plan)
    return frames.all_vendors() if vendor is None else frames.one_vendor(vendor)


def load_digest(plan: PlanResult) -> LoadDigest:
    """The charts for all vendors and for each vendor alone."""
    frames = _Frames(plan)
    vendors = frames.vendor_names()
    charts: dict[str | None, LoadChart] = {None: frames.all_vendors()}
    charts.update({v: frames.one_vendor(v) for v in vendors})
    return LoadDigest(vendors, charts)


def vendor_choices(plan: PlanResult) -> list[str]:
    """The vendors the load view offers: those with capacity or work, sorted."""
    names: set[str] = set()
    for frame in (plan.capacity, plan.allocation):
        if len(frame):
            names |= set(frame["vendor"].astype(str).unique())
    return sorted(names)


def peak_utilisation(capacity: pd.DataFrame, vendor: str | None) -> tuple[str, float, int] | None:
    """(vendor, used / capacity, week) of the busiest offer week, or None without capacity."""
    if capacity.empty:
        return None
    cap = capacity if vendor is None else capacity[capacity["vendor"] == vendor]
    by_week = cap.groupby(["vendor", "week"], sort=False)[["capacity", "used"]].sum()
    by_week = by_week[by_week["capacity"] > 1e-9]
    if by_week.empty:
        return None
    share = by_week["used"] / by_week["capacity"]
    (name, week) = share.idxmax()
    return str(name), float(share.max()), int(week)
