"""Ramp risk: Monte Carlo over vendor onboarding and ramp slips, each run re-planned.

The user says how late each alternative vendor may be (per vendor, or ``"*"`` for every
other one): an onboarding slip in weeks and a ramp stretch factor, each a
:class:`Triangular` or :class:`Discrete` distribution. Every run draws one slip and one
stretch per vendor, moves that vendor's Capacity rows (``onboarding_weeks + slip``,
``ramp_weeks x stretch``, both rounded half up to whole weeks) and re-plans.

Reproducible: the draws come from a numpy Generator seeded by ``(seed, vendor name,
quantity)``, drawn up front in this process, so a seed gives the same runs whatever the
number of workers, and a vendor's draws do not change when another vendor is added.

Besides the runs, one plan without slips (the reference) and, per vendor, one plan with
only that vendor at its P90 slip (one-at-a-time sensitivity) say which vendor's slip
hurts most. Percentiles are the ``inverted_cdf`` kind: P90 is the smallest value that at
least 90% of the runs reach, so it is always an outcome that occurred.
"""

from __future__ import annotations

import difflib
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.domain import Dataset, Mode
from planner.insights.common import money, weeks
from planner.insights.parallel import RunsProgress, run_jobs
from planner.insights.wording import listing, signed
from planner.problems import PlannerError
from planner.results import SolveStatus
from planner.solve import CancelToken, PlanSession, solve

ALL = "*"  # the slip of every alternative vendor not named
RUN_GAP = 1e-3  # per-run optimality gap: far below the spread between runs, much faster
DEFAULT_RUNS = 200
TASK_EPS = 1e-6
FORMAT = "migration-planner-risk"
VERSION = 1


FloatArray = NDArray[np.float64]


class RiskError(PlannerError):
    """Risk settings that cannot be used; ``str()`` says what and why."""


def _round_half_up(x: np.ndarray | float) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5)


# --- distributions ------------------------------------------------------------------


@dataclass(frozen=True)
class Triangular:
    """Continuous: at least ``low``, most likely ``mode``, at most ``high``."""

    low: float
    mode: float
    high: float
    KIND: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        values = (self.low, self.mode, self.high)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            raise RiskError(f"triangular needs three numbers, not {values!r}")
        if not self.low <= self.mode <= self.high:
            raise RiskError(f"triangular needs min <= most likely <= max, not {values!r}")

    @property
    def fixed(self) -> bool:
        return self.low == self.high

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.fixed:
            return np.full(n, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, n)

    def quantile(self, p: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if self.fixed:
            return float(a)
        if p < (c - a) / (b - a):
            return float(a + math.sqrt(p * (b - a) * (c - a)))
        return float(b - math.sqrt((1 - p) * (b - a) * (b - c)))

    def describe(self) -> str:
        if self.fixed:
            return f"{self.low:g}"
        return f"{self.low:g} to {self.high:g}, most likely {self.mode:g}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.KIND, "low": self.low, "mode": self.mode, "high": self.high}


@dataclass(frozen=True)
class Discrete:
    """A table of values and their weights (normalised to probabilities)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]
    KIND: ClassVar[str] = "discrete"

    def __post_init__(self) -> None:
        vals, wts = tuple(self.values), tuple(self.weights)
        ok = (len(vals) == len(wts) > 0
              and all(isinstance(v, int | float) and math.isfinite(v) for v in vals + wts)
              and all(w >= 0 for w in wts) and sum(wts) > 0)
        if not ok:
            raise RiskError(f"a discrete table needs values with weights >= 0 (not all 0), "
                            f"not {vals!r} / {wts!r}")
        object.__setattr__(self, "values", tuple(float(v) for v in vals))
        object.__setattr__(self, "weights", tuple(float(w) for w in wts))

    @property
    def probabilities(self) -> FloatArray:
        w = np.asarray(self.weights, dtype=np.float64)
        return np.asarray(w / w.sum(), dtype=np.float64)

    @property
    def fixed(self) -> bool:
        return len({v for v, p in zip(self.values, self.probabilities, strict=True) if p > 0}) == 1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.fixed:
            return np.full(n, self.values[int(np.argmax(self.probabilities))])
        return rng.choice(np.asarray(self.values), size=n, p=self.probabilities)

    def quantile(self, p: float) -> float:
        order = np.argsort(self.values, kind="stable")
        cdf = np.cumsum(self.probabilities[order])
        i = int(np.searchsorted(cdf, p - 1e-12))
        return float(np.asarray(self.values)[order][min(i, len(order) - 1)])

    def describe(self) -> str:
        if self.fixed:
            return f"{self.values[int(np.argmax(self.probabilities))]:g}"
        return listing([f"{v:g} ({p:.0%})" for v, p in
                        zip(self.values, self.probabilities, strict=True)], 8, word="or")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.KIND, "values": list(self.values), "weights": list(self.weights)}


Distribution = Triangular | Discrete


def fixed(value: float) -> Discrete:
    return Discrete((value,), (1.0,))


def distribution_from_dict(data: Mapping[str, Any]) -> Distribution:
    try:
        if data["kind"] == Triangular.KIND:
            return Triangular(float(data["low"]), float(data["mode"]), float(data["high"]))
        if data["kind"] == Discrete.KIND:
            return Discrete(tuple(data["values"]), tuple(data["weights"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise RiskError(f"a distribution cannot be read: {exc!r}") from None
    raise RiskError(f"unknown distribution kind {data.get('kind')!r}")


@dataclass(frozen=True)
class VendorSlip:
    """How late one vendor may be: onboarding slip (weeks) and ramp stretch (factor)."""

    onboarding: Distribution = field(default_factory=lambda: fixed(0.0))
    stretch: Distribution = field(default_factory=lambda: fixed(1.0))

    def __post_init__(self) -> None:
        if self.stretch.quantile(0.0) < 0:
            raise RiskError("a ramp stretch factor cannot be negative")

    @property
    def fixed(self) -> bool:
        return self.onboarding.fixed and self.stretch.fixed

    def describe(self) -> str:
        text = f"onboarding slip {self.onboarding.describe()} weeks"
        if not (self.stretch.fixed and self.stretch.quantile(0.5) == 1.0):
            text += f", ramp x{self.stretch.describe()}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"onboarding": self.onboarding.to_dict(), "stretch": self.stretch.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VendorSlip:
        return cls(distribution_from_dict(data["onboarding"]),
                   distribution_from_dict(data["stretch"]))


@dataclass(frozen=True)
class RiskSpec:
    """What the user sets: slips per vendor (``"*"``: every other alternative vendor with
    capacity), the number of runs and the seed."""

    slips: Mapping[str, VendorSlip]
    runs: int = DEFAULT_RUNS
    seed: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.runs, int) or self.runs < 1:
            raise RiskError(f"runs must be a whole number >= 1, not {self.runs!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise RiskError(f"the seed must be a whole number >= 0, not {self.seed!r}")

    def resolve(self, dataset: Dataset) -> list[tuple[str, VendorSlip]]:
        """(vendor, slip) in workbook order, for vendors whose slip can change a plan."""
        exited = dataset.exited_vendors
        usable = [v.vendor for v in dataset.vendors
                  if not v.conflicted and v.vendor not in exited
                  and any(o.vendor == v.vendor for o in dataset.capacity)]
        problems = []
        for name in self.slips:
            if name == ALL or name in usable:
                continue
            if name in exited:
                problems.append(f"{name} is a vendor being exited; slips apply to "
                                "alternative vendors")
            elif name in dataset.vendors_by_name:
                why = ("is conflicted and never used" if dataset.vendor(name).conflicted
                       else "has no Capacity rows")
                problems.append(f"{name} {why}: its slip would change nothing")
            else:
                close = difflib.get_close_matches(name, usable, n=2, cutoff=0.7)
                hint = f" (did you mean {listing(close, word='or')}?)" if close else (
                    f" (vendors: {listing(usable, 8)})" if usable else "")
                problems.append(f"unknown vendor {name!r}{hint}")
        if problems:
            raise RiskError("; ".join(problems))
        default = self.slips.get(ALL)
        out = []
        for name in usable:
            slip = self.slips.get(name, default)
            if slip is not None:
                out.append((name, slip))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT + "-spec", "version": VERSION, "runs": self.runs,
                "seed": self.seed, "slips": {k: v.to_dict() for k, v in self.slips.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskSpec:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT + "-spec":
            raise RiskError("not ramp-risk settings")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise RiskError(f"ramp-risk settings version {data.get('version')!r} is newer "
                            f"than this planner reads ({VERSION})")
        try:
            slips = {str(k): VendorSlip.from_dict(v) for k, v in dict(data["slips"]).items()}
            return cls(slips, int(data["runs"]), int(data["seed"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RiskError(f"ramp-risk settings cannot be read: {exc!r}") from None


def _rng(seed: int, vendor: str, quantity: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(vendor.encode("utf-8")), quantity])


def draw(spec: RiskSpec, slips: Sequence[tuple[str, VendorSlip]]) -> pd.DataFrame:
    """Every run's draws: run, vendor, onboarding_slip (whole weeks), ramp_stretch."""
    frames = []
    for vendor, slip in slips:
        onboarding = _round_half_up(slip.onboarding.sample(_rng(spec.seed, vendor, 0), spec.runs))
        stretch = slip.stretch.sample(_rng(spec.seed, vendor, 1), spec.runs)
        frames.append(pd.DataFrame({"run": np.arange(spec.runs), "vendor": vendor,
                                    "onboarding_slip": onboarding.astype(np.int64),
                                    "ramp_stretch": stretch}))
    if not frames:
        return _draws_frame([])
    frame = pd.concat(frames, ignore_index=True).sort_values(["run"], kind="stable",
                                                             ignore_index=True)
    return frame.astype(_DRAW_TYPES)


Draws = tuple[tuple[str, int, float], ...]  # (vendor, onboarding slip, ramp stretch)


def slipped(dataset: Dataset, draws: Draws) -> Dataset:
    """The dataset with each vendor's Capacity rows late by its draw."""
    by_vendor = {v: (s, f) for v, s, f in draws}
    capacity = []
    for o in dataset.capacity:
        if o.vendor in by_vendor:
            slip, stretch = by_vendor[o.vendor]
            o = replace(o, onboarding_weeks=max(0, o.onboarding_weeks + int(slip)),
                        ramp_weeks=max(0, int(_round_half_up(o.ramp_weeks * stretch))))
        capacity.append(o)
    return replace(dataset, capacity=tuple(capacity))


def _capacity_key(dataset: Dataset, draws: Draws) -> tuple[tuple[int, int], ...]:
    """What a plan depends on among the drawn quantities: each offer's weeks."""
    return tuple((o.onboarding_weeks, o.ramp_weeks) for o in slipped(dataset, draws).capacity)


# --- one run ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunOutcome:
    completion_week: int  # week after the last week with work on an exited vendor
    total_cost: float
    unserved_tasks: float
    status: str

    def full_exit_week(self, horizon: int) -> int:
        """The completion week of a full exit (nothing unserved), else the horizon."""
        done = self.completion_week < horizon and self.unserved_tasks <= TASK_EPS
        return self.completion_week if done else horizon


def _replan(dataset: Dataset, mode: Mode, gap: float, time_limit: float | None,
            cancel: CancelToken, base: Dataset | None = None) -> RunOutcome | None:
    """One Monte Carlo run: the plan of a slipped dataset, reduced to what risk needs.

    With ``base`` (the workbook before the slips) the run re-plans warm: the slips only
    move capacity rows, so the run starts from the base's LP bases (prepared once per
    process) instead of building and solving from scratch, and its plan depends only on
    the base and its draws, so results are the same for any number of workers.
    None when the user cancelled it."""
    if base is None:
        plan = solve(dataset, mode=mode, gap=gap, time_limit=time_limit, cancel=cancel)
    else:
        session = _prepared(base, mode, cancel).variant(dataset)
        # one core per run: the same search with 1 worker as with 2 (the second core's
        # HiGHS takes other bases, so plans could differ within the gap)
        session.parallel_search = False
        # the numbers a run needs, without the plan's tables
        totals = session.totals(mode, gap=gap, time_limit=time_limit, cancel=cancel)
        if totals.status is SolveStatus.CANCELLED:
            return None
        return RunOutcome(totals.completion_week, totals.total_cost,
                          totals.costs.unserved_tasks, totals.status.value)
    if plan.status is SolveStatus.CANCELLED:
        return None
    return RunOutcome(int(plan.completion_week), float(plan.total_cost),
                      float(plan.costs.unserved_tasks), plan.status.value)


_prepared_session: tuple[Dataset, Mode, PlanSession] | None = None


def _prepared(base: Dataset, mode: Mode, cancel: CancelToken) -> PlanSession:
    """This process's session of ``base``, its LPs solved once (kept for the next run;
    not kept when the cancel stopped them)."""
    global _prepared_session
    if (_prepared_session is not None and _prepared_session[0] is base
            and _prepared_session[1] is mode):
        return _prepared_session[2]
    session = PlanSession(base)
    if session.prepare(mode, cancel):
        _prepared_session = (base, mode, session)
    return session


def _risk_job(shared: tuple[Dataset, Mode, float, float | None], payload: Draws,
              cancel: CancelToken) -> RunOutcome | None:
    """Worker task: re-plan with one set of draws, warm from the base workbook."""
    dataset, mode, gap, time_limit = shared
    return _replan(slipped(dataset, payload), mode, gap, time_limit, cancel, base=dataset)


# --- the result -----------------------------------------------------------------------


def _percentile(values: np.ndarray, q: float) -> float:
    if len(values) == 0:
        return math.nan
    return float(np.percentile(values, q, method="inverted_cdf"))


@dataclass(frozen=True)
class RiskResult:
    """Monte Carlo outcome: per-run table, percentiles, histograms, vendor impacts."""

    spec: RiskSpec
    mode: str
    gap: float
    currency: str
    plan_start: date
    horizon_weeks: int
    # run, full_exit_week (the horizon when there is no full exit), full_exit_date,
    # full_exit (bool), completion_week, total_cost, unserved_tasks, status
    runs: pd.DataFrame
    # run, vendor, onboarding_slip, ramp_stretch -- the draws of the runs in ``runs``
    draws: pd.DataFrame
    nominal: RunOutcome | None  # the plan without slips (None if cancelled before it)
    # vendor, slip (its draws, in words), p90_onboarding_slip, p90_ramp_stretch,
    # p90_full_exit_week, p90_total_cost, weeks_later, cost_increase (vs no slips),
    # corr_week, corr_cost (of its delay to full capacity with the run outcomes)
    impacts: pd.DataFrame
    cancelled: bool = False

    @property
    def runs_done(self) -> int:
        return len(self.runs)

    @property
    def partial(self) -> bool:
        return self.runs_done < self.spec.runs

    def _weeks(self) -> FloatArray:
        return np.asarray(self.runs["full_exit_week"], dtype=np.float64)

    def _costs(self) -> FloatArray:
        return np.asarray(self.runs["total_cost"], dtype=np.float64)

    @property
    def week_p50(self) -> float:
        return _percentile(self._weeks(), 50)

    @property
    def week_p90(self) -> float:
        return _percentile(self._weeks(), 90)

    @property
    def week_mean(self) -> float:
        return float(self._weeks().mean()) if self.runs_done else math.nan

    @property
    def cost_p50(self) -> float:
        return _percentile(self._costs(), 50)

    @property
    def cost_p90(self) -> float:
        return _percentile(self._costs(), 90)

    @property
    def cost_mean(self) -> float:
        return float(self._costs().mean()) if self.runs_done else math.nan

    @property
    def full_exit_share(self) -> float:
        return float(self.runs["full_exit"].mean()) if self.runs_done else math.nan

    @property
    def _nominal_week(self) -> int:
        assert self.nominal is not None
        return self.nominal.full_exit_week(self.horizon_weeks)

    def week_date(self, week: float) -> date | None:
        if not math.isfinite(week):
            return None
        return self.plan_start + timedelta(days=7 * int(week))

    def week_histogram(self) -> pd.DataFrame:
        """week, week_start, runs, share, cumulative: full-exit weeks (the horizon week
        counts the runs without a full exit)."""
        counts = self.runs["full_exit_week"].value_counts().sort_index()
        frame = pd.DataFrame({"week": counts.index.astype(int), "runs": counts.to_numpy()})
        frame.insert(1, "week_start", [self.week_date(w) for w in frame["week"]])
        total = max(1, self.runs_done)
        frame["share"] = frame["runs"] / total
        frame["cumulative"] = frame["runs"].cumsum() / total
        return frame

    def cost_histogram(self, bins: int = 20) -> pd.DataFrame:
        """low, high, runs, share: total cost in ``bins`` equal bins."""
        costs = self._costs()
        if len(costs) == 0:
            return pd.DataFrame({"low": [], "high": [], "runs": [], "share": []})
        counts, edges = np.histogram(costs, bins=bins if np.ptp(costs) > 0 else 1)
        return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "runs": counts,
                             "share": counts / len(costs)})

    def _when(self, week: float) -> str:
        if not math.isfinite(week):
            return "n/a"
        if week >= self.horizon_weeks:
            return f"not within the {self.horizon_weeks}-week horizon"
        when = self.week_date(week)
        return f"week {int(week)} ({when.isoformat() if when else ''})"

    def summary(self) -> list[str]:
        """The result in plain words, most important first."""
        cur = self.currency
        n, asked = self.runs_done, self.spec.runs
        head = f"{n} runs of {self.mode} plans (seed {self.spec.seed})"
        if self.cancelled or self.partial:
            head = (f"Partial result: {n} of {asked} runs finished before the stop "
                    f"({self.mode} plans, seed {self.spec.seed})")
        lines = [head + "."]
        if self.nominal is not None:
            lines.append(f"Without slips: full exit {self._when(self._nominal_week)}, "
                         f"{money(self.nominal.total_cost, cur)}.")
        if n == 0:
            lines.append("No run finished, so there is no distribution yet.")
            return lines
        lines.append(f"Full exit: P50 {self._when(self.week_p50)}, P90 "
                     f"{self._when(self.week_p90)}, mean week {self.week_mean:.1f}.")
        lines.append(f"Total cost: P50 {money(self.cost_p50, cur)}, P90 "
                     f"{money(self.cost_p90, cur)}, mean {money(self.cost_mean, cur)}.")
        missed = int((~self.runs["full_exit"]).sum())
        if missed:
            lines.append(f"In {missed} of {n} runs ({missed / n:.0%}) there is no full exit "
                         "within the horizon (work left on the exited vendors or unserved).")
        lines += self._impact_words()
        return lines

    def _impact_words(self) -> list[str]:
        cur = self.currency
        frame = self.impacts
        if frame.empty or self.nominal is None or frame["weeks_later"].isna().all():
            return self._correlation_words()
        hurt = frame[(frame["weeks_later"] > 0) | (frame["cost_increase"] > 0.5)]
        if hurt.empty:
            return ["No single vendor's P90 slip moves the exit or the cost.",
                    *self._correlation_words()]
        top = hurt.iloc[0]
        base = self._nominal_week
        moved = int(top["weeks_later"])
        exit_text = (f"the full exit is {weeks(moved)} later (week {base} -> "
                     f"{int(top['p90_full_exit_week'])})" if moved > 0
                     else "the full exit does not move")
        extra = float(top["cost_increase"])
        cost_text = ("the cost does not change" if abs(extra) <= 0.5 else
                     f"the plan costs {money(abs(extra), cur)} {'more' if extra > 0 else 'less'}")
        lines = [f"{top['vendor']}'s slip hurts most: at its P90 ({_draw_words(top)}) "
                 f"{exit_text} and {cost_text}."]
        others = []
        for r in hurt.iloc[1:].itertuples():
            moves = [f"+{weeks(int(r.weeks_later))}"] if r.weeks_later > 0 else []
            moves.append(signed(r.cost_increase, cur))
            others.append(f"{r.vendor} ({', '.join(moves)})")
        if others:
            lines.append(f"Next: {listing(others, 4)}.")
        return lines + self._correlation_words()

    def _correlation_words(self) -> list[str]:
        frame = self.impacts.dropna(subset=["corr_cost"]) if not self.impacts.empty else (
            self.impacts)
        if frame.empty:
            return []
        key = "corr_week" if self.mode == Mode.FASTEST.value else "corr_cost"
        best = frame.loc[frame[key].abs().fillna(0).idxmax()]
        if not math.isfinite(best[key]) or abs(best[key]) < 0.1:
            return []
        what = "exit week" if key == "corr_week" else "total cost"
        return [f"Across the runs, {best['vendor']}'s delay to full capacity correlates "
                f"{best[key]:.2f} with the {what}."]

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            derived = ("full_exit_week", "full_exit_date", "full_exit")
            out = frame.drop(columns=[c for c in derived if c in frame])
            return [{k: (None if isinstance(v, float) and math.isnan(v) else
                         v.item() if isinstance(v, np.generic) else v)
                     for k, v in row.items()} for row in out.to_dict(orient="records")]

        return {
            "format": FORMAT, "version": VERSION, "spec": self.spec.to_dict(),
            "mode": self.mode, "gap": self.gap, "currency": self.currency,
            "plan_start": self.plan_start.isoformat(), "horizon_weeks": self.horizon_weeks,
            "cancelled": self.cancelled,
            "nominal": None if self.nominal is None else {
                f.name: getattr(self.nominal, f.name) for f in fields(self.nominal)},
            "runs": records(self.runs), "draws": records(self.draws),
            "impacts": records(self.impacts), "summary": self.summary(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskResult:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise RiskError("not a ramp-risk result")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise RiskError(f"ramp-risk result version {data.get('version')!r} is newer than "
                            f"this planner reads ({VERSION})")
        try:
            start = date.fromisoformat(data["plan_start"])
            horizon = int(data["horizon_weeks"])
            runs = _runs_frame(list(data["runs"]), start, horizon)
            draws = _draws_frame(list(data["draws"]))
            impacts = _impacts_frame(list(data["impacts"]))
            nominal = data.get("nominal")
            return cls(
                spec=RiskSpec.from_dict(data["spec"]), mode=str(data["mode"]),
                gap=float(data["gap"]), currency=str(data["currency"]), plan_start=start,
                horizon_weeks=horizon, runs=runs, draws=draws,
                nominal=RunOutcome(**nominal) if nominal else None, impacts=impacts,
                cancelled=bool(data.get("cancelled", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise RiskError(f"a ramp-risk result cannot be read: {exc!r}") from None


_RUN_COLUMNS = ("run", "completion_week", "total_cost", "unserved_tasks", "status")
_DRAW_TYPES: dict[str, Any] = {"run": np.int64, "vendor": object, "onboarding_slip": np.int64,
                               "ramp_stretch": np.float64}
_IMPACT_COLUMNS = ("vendor", "slip", "p90_onboarding_slip", "p90_ramp_stretch",
                   "p90_full_exit_week", "p90_total_cost", "weeks_later", "cost_increase",
                   "corr_week", "corr_cost")


def _draws_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(_DRAW_TYPES)).astype(_DRAW_TYPES)


def _impacts_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(_IMPACT_COLUMNS))
    numbers = {c: np.float64 for c in _IMPACT_COLUMNS[2:]}
    return frame.astype({"vendor": object, "slip": object, **numbers})


def _runs_frame(rows: list[dict[str, Any]], plan_start: date, horizon: int) -> pd.DataFrame:
    """The runs table: the stored columns plus what follows from them."""
    frame = pd.DataFrame(rows, columns=list(_RUN_COLUMNS))
    frame = frame.astype({"run": np.int64, "completion_week": np.int64,
                          "total_cost": np.float64, "unserved_tasks": np.float64,
                          "status": object})
    week = [RunOutcome(int(w), 0.0, float(u), "").full_exit_week(horizon)
            for w, u in zip(frame["completion_week"], frame["unserved_tasks"], strict=True)]
    frame.insert(1, "full_exit_week", np.asarray(week, dtype=np.int64))
    frame.insert(2, "full_exit_date", [plan_start + timedelta(days=7 * w) for w in week])
    frame.insert(3, "full_exit", frame["full_exit_week"] < horizon)
    return frame


def _draw_words(row: Any) -> str:
    parts = []
    if row["p90_onboarding_slip"]:
        parts.append(f"onboarding {weeks(int(row['p90_onboarding_slip']))} late")
    if row["p90_ramp_stretch"] != 1.0:
        parts.append(f"ramp x{row['p90_ramp_stretch']:.3g}")
    return ", ".join(parts) or "no slip"


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


# --- running it ------------------------------------------------------------------------


def run_risk(
    dataset: Dataset,
    spec: RiskSpec,
    *,
    mode: Mode | str = Mode.FASTEST,
    gap: float = RUN_GAP,
    time_limit: float | None = None,
    sensitivity: bool = True,
    workers: int | None = None,
    progress: RunsProgress | None = None,
    cancel: CancelToken | None = None,
) -> RiskResult:
    """Monte Carlo ramp risk of ``dataset`` under ``spec``.

    ``mode`` defaults to fastest (the earliest full exit: the question is when the exit
    completes). ``gap`` is each re-plan's optimality gap (default 1e-3, see RUN_GAP);
    ``time_limit`` caps each re-plan. ``sensitivity`` adds one plan per vendor at its P90
    slip. Plans with the same capacity after the draws (e.g. the same rounded slips) are
    solved once. ``progress(done, total)`` counts these distinct plans (the reference, the
    sensitivity plans, then the runs in order); a cancel stops submitting, stops the
    running solves and returns the finished runs marked ``cancelled``."""
    mode = Mode(mode)
    slips = spec.resolve(dataset)
    draws = draw(spec, slips)
    settings = dataset.settings
    varying = [(v, s) for v, s in slips if not s.fixed]
    p90: list[Draws] = [((v, int(_round_half_up(s.onboarding.quantile(0.9))),
                          s.stretch.quantile(0.9)),) for v, s in varying] if sensitivity else []
    runs: list[Draws] = [tuple((str(r.vendor), int(r.onboarding_slip), float(r.ramp_stretch))
                               for r in group.itertuples())
                         for _, group in draws.groupby("run", sort=True)] if len(draws) else [
        () for _ in range(spec.runs)]
    wanted: list[Draws] = [(), *p90, *runs]
    keys = [_capacity_key(dataset, d) for d in wanted]
    distinct: dict[tuple[tuple[int, int], ...], int] = {}
    payloads: list[Draws] = []
    for key, d in zip(keys, wanted, strict=True):
        if key not in distinct:
            distinct[key] = len(payloads)
            payloads.append(d)
    global _prepared_session
    try:
        jobs = run_jobs(_risk_job, (dataset, mode, gap, time_limit), payloads,
                        workers=workers, progress=progress, cancel=cancel)
    finally:
        _prepared_session = None  # the session held for in-process runs
    results = {i: jobs.results[distinct[k]] for i, k in enumerate(keys)
               if distinct[k] in jobs.results}
    first_run = 1 + len(p90)
    done = {i - first_run: r for i, r in results.items() if i >= first_run}
    run_rows = [{"run": i, "completion_week": r.completion_week, "total_cost": r.total_cost,
                 "unserved_tasks": r.unserved_tasks, "status": r.status}
                for i, r in sorted(done.items())]
    run_table = _runs_frame(run_rows, settings.plan_start, settings.horizon_weeks)
    kept_draws = draws[draws["run"].isin(run_table["run"])].reset_index(drop=True)
    nominal = results.get(0)
    impacts = _impacts(dataset, slips, p90, results, nominal, run_table, kept_draws, mode)
    return RiskResult(spec=spec, mode=mode.value, gap=gap, currency=settings.currency,
                      plan_start=settings.plan_start, horizon_weeks=settings.horizon_weeks,
                      runs=run_table, draws=kept_draws, nominal=nominal, impacts=impacts,
                      cancelled=jobs.cancelled)


def _impacts(dataset: Dataset, slips: Sequence[tuple[str, VendorSlip]], p90: Sequence[Draws],
             results: Mapping[int, RunOutcome], nominal: RunOutcome | None,
             runs: pd.DataFrame, draws: pd.DataFrame, mode: Mode) -> pd.DataFrame:
    """Per vendor: its P90 slip alone vs no slips, and its correlation with the runs;
    the vendor that hurts most first (exit week first in fastest mode, else cost)."""
    at_p90 = {d[0][0]: (d[0], results.get(1 + i)) for i, d in enumerate(p90)}
    horizon = dataset.settings.horizon_weeks
    ramp = {v: max((o.ramp_weeks for o in dataset.capacity if o.vendor == v), default=0)
            for v, _ in slips}
    rows = []
    for vendor, slip in slips:
        if slip.fixed and vendor not in at_p90:
            continue
        mine = draws[draws["vendor"] == vendor].set_index("run").reindex(runs["run"])
        delay = (mine["onboarding_slip"] + ramp[vendor] * (mine["ramp_stretch"] - 1.0)
                 ).to_numpy(dtype=np.float64)
        draw_p90, outcome = at_p90.get(vendor, ((vendor, math.nan, math.nan), None))
        week = outcome.full_exit_week(horizon) if outcome is not None else math.nan
        cost = outcome.total_cost if outcome is not None else math.nan
        rows.append({
            "vendor": vendor, "slip": slip.describe(),
            "p90_onboarding_slip": draw_p90[1], "p90_ramp_stretch": draw_p90[2],
            "p90_full_exit_week": week, "p90_total_cost": cost,
            "weeks_later": week - nominal.full_exit_week(horizon) if nominal else math.nan,
            "cost_increase": cost - nominal.total_cost if nominal else math.nan,
            "corr_week": _correlation(delay, np.asarray(runs["full_exit_week"], np.float64)),
            "corr_cost": _correlation(delay, np.asarray(runs["total_cost"], np.float64)),
        })
    frame = _impacts_frame(rows)
    order = (["weeks_later", "cost_increase", "corr_week"] if mode is Mode.FASTEST
             else ["cost_increase", "weeks_later", "corr_cost"])
    return frame.sort_values(order, ascending=False, kind="stable", na_position="last",
                             ignore_index=True)


# --- the text syntax ------------------------------------------------------------------


def parse_distribution(text: str) -> Distribution:
    """``2`` fixed; ``0,2,6`` triangular (min, most likely, max); ``0=70%,4=30%`` (or
    ``0=7,4=3``, weights) a discrete table. Raises RiskError."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        if parts and all("=" in p for p in parts):
            pairs = [p.split("=", 1) for p in parts]
            return Discrete(tuple(_number(v) for v, _ in pairs),
                            tuple(_number(w.rstrip("%")) for _, w in pairs))
        numbers = [_number(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 1:
        return fixed(numbers[0])
    if len(numbers) == 3:
        return Triangular(*numbers)
    raise RiskError(f"{text!r} is not a distribution: write one number (fixed), "
                    "MIN,MOST_LIKELY,MAX (triangular) or VALUE=WEIGHT,... (a table, e.g. "
                    "0=70%,4=30%)")


def _number(text: str) -> float:
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_slips(onboarding: Sequence[str], stretch: Sequence[str],
                vendors: Sequence[str] = ()) -> dict[str, VendorSlip]:
    """``VENDOR:DISTRIBUTION`` items (``*`` for every other vendor) into slips; vendor
    names match ``vendors`` case-insensitively. Raises RiskError listing every problem."""
    folded = {v.casefold(): v for v in vendors}
    found: dict[str, dict[str, Distribution]] = {}
    problems = []
    for kind, items in (("onboarding", onboarding), ("stretch", stretch)):
        for item in items:
            name, sep, body = item.rpartition(":")
            name = name.strip()
            if not sep or not name:
                problems.append(f"{item!r}: write VENDOR:DISTRIBUTION, e.g. Turing:0,2,6")
                continue
            name = folded.get(name.casefold(), name)
            try:
                found.setdefault(name, {})[kind] = parse_distribution(body)
            except RiskError as exc:
                problems.append(f"{name}: {exc}")
    slips = {}
    for name, parts in found.items():
        try:
            slips[name] = VendorSlip(**parts)
        except RiskError as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise RiskError("; ".join(problems))
    return slips
