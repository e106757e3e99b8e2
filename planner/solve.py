"""Solve the planning model with HiGHS: cheapest and fastest modes, progress and cancel.

Strategy (speed from structure, never from changing the optimum):
1. solve the LP relaxation (the lower bound);
2. branch and bound on the few binaries (exit weeks, setup) with warm LP re-solves: a
   plunge finds a plan, best-first search proves it within the gap;
3. only if that search gives up, run HiGHS's MILP warm-started with the best plan.
The fastest mode first finds the earliest full-exit week by bisection on warm-started
LP feasibility problems (feasibility does not depend on the binaries: the latest exit and
every vendor engaged give the most room), then minimises cost with that week fixed.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import highspy
import numpy as np
import scipy.sparse as sp

from planner.assemble import (
    TASK_EPS,
    PlanArrays,
    SolveInfo,
    assemble,
    plan_costs,
    unserved_reason,
)
from planner.domain import Dataset, Mode
from planner.model.build import (
    Model,
    build_exit_flow,
    build_model,
    full_exit_demand,
    share_can_bind,
    split_moved_work,
    unserved_tasks,
)
from planner.model.data import FloatArray, ModelData, build_data
from planner.results import CostBreakdown, PlanResult, Shortage, SolveStatus

DEFAULT_GAP = 1e-4  # proven within 0.01% of optimal

_HS = highspy.HighsModelStatus


@dataclass(frozen=True, slots=True)
class SolveProgress:
    fraction: float | None  # 0..1 when known
    message: str


ProgressFn = Callable[[SolveProgress], None]


class CancelToken:
    """Thread-safe cancel flag that also stops a running HiGHS solve."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._highs: list[highspy.Highs] = []  # the solves running now (one per thread)

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            for h in self._highs:
                h.cancelSolve()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @contextlib.contextmanager
    def watching(self, h: highspy.Highs) -> Iterator[None]:
        with self._lock:
            self._highs.append(h)
        if self.cancelled:
            h.cancelSolve()
        try:
            yield
        finally:
            with self._lock:
                self._highs.remove(h)


_banner_lock = threading.Lock()
_banner_shown = False


def _new_highs() -> highspy.Highs:
    """A silent Highs; the first one per process prints a banner on fd 1, swallowed here."""
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            h = highspy.Highs()
        else:
            import os
            import sys

            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "wb") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_shown = True
    h.silent()
    return h


def lp_highs(model: Model, cost: FloatArray | None = None) -> highspy.Highs:
    """A silent Highs holding ``model`` without integrality (the LP relaxation), with the
    model's cost, or ``cost`` and no offset."""
    h = _new_highs()
    _pass_lp(h, model, cost)
    return h


def _pass_lp(h: highspy.Highs, model: Model, cost: FloatArray | None = None,
             scale: tuple[FloatArray, FloatArray] | None = None) -> None:
    """Give ``h`` the LP relaxation of ``model`` (see lp_highs), scaled by (row, column)
    factors if given: row i times r_i, column j times c_j, so a column's value is
    x_j / c_j. Passed as arrays: a HighsLp built attribute by attribute converts every
    element (60 ms on M against 7 ms)."""
    m = model.matrix
    offset = model.offset if cost is None else 0.0
    cost = model.cost if cost is None else cost
    lower, upper = model.lower, model.upper
    row_lower, row_upper = model.row_lower, model.row_upper
    if scale is not None:
        r, c = scale
        m = _scaled_columns(m, r, c)
        cost, lower, upper = cost * c, lower / c, upper / c
        row_lower, row_upper = row_lower * r, row_upper * r
    m = sp.csc_matrix(m)
    f64 = np.float64
    status = h.passModel(
        model.num_cols, model.num_rows, int(m.nnz), int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize), float(offset),
        np.ascontiguousarray(cost, dtype=f64), np.ascontiguousarray(lower, dtype=f64),
        np.ascontiguousarray(upper, dtype=f64), np.ascontiguousarray(row_lower, dtype=f64),
        np.ascontiguousarray(row_upper, dtype=f64), m.indptr.astype(np.int32),
        m.indices.astype(np.int32), np.ascontiguousarray(m.data, dtype=f64),
        np.zeros(model.num_cols, dtype=np.int32))
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the model")


def _scaled_columns(matrix: sp.spmatrix, rows: FloatArray, cols: FloatArray) -> sp.csc_matrix:
    """diag(rows) @ matrix @ diag(cols), column-wise (entry by entry: no sparse products)."""
    m = sp.csc_matrix(matrix)
    col_of = np.repeat(np.arange(m.shape[1]), np.diff(m.indptr))
    return sp.csc_matrix((m.data * rows[m.indices] * cols[col_of], m.indices, m.indptr),
                         shape=m.shape)


def equilibration_scale(matrix: sp.spmatrix, cost: FloatArray
                        ) -> tuple[FloatArray, FloatArray]:
    """(row, column) scale factors: HiGHS's own equilibration (forced geometric-mean
    scaling, six passes, factors rounded to powers of two, within 2^-20 .. 2^20; the
    costs count when some nonzero cost is below 0.1; no scaling when every entry is in
    [0.2, 5]), computed here once.

    HiGHS re-scales its copy of the LP on every solve, and unscales and re-checks the
    solution after it: tens of milliseconds on the M benchmark's LP, more than the few
    hundred pivots of a warm re-solve. A Highs given the LP scaled like this, with its
    own scaling off, pivots the same way without that cost. (Integrality would hold
    for the scaled columns: the MILP runs on the unscaled LP, see unscaled_twin.)"""
    a = sp.csc_matrix(matrix, copy=True)
    a.data[np.abs(a.data) <= 1e-9] = 0.0  # what HiGHS drops as zero entries
    a.eliminate_zeros()
    n_row, n_col = a.shape
    rows, cols = np.ones(n_row), np.ones(n_col)
    if a.nnz == 0:
        return rows, cols
    value = np.abs(a.data)
    if value.min() >= 0.2 and value.max() <= 5.0:
        return rows, cols
    col_of = np.repeat(np.arange(n_col), np.diff(a.indptr))
    row_of = a.indices
    lo, hi, big = 2.0 ** -20, 2.0 ** 20, 1e200
    size = np.abs(cost)
    nonzero_cost = size > 0
    with_cost = bool(nonzero_cost.any() and size[nonzero_cost].min() < 0.1)
    for _ in range(6):
        col_min, col_max = np.full(n_col, big), np.full(n_col, 1 / big)
        if with_cost:
            col_min[nonzero_cost] = size[nonzero_cost]
            col_max[nonzero_cost] = size[nonzero_cost]
        scaled = value * rows[row_of]
        np.minimum.at(col_min, col_of, scaled)
        np.maximum.at(col_max, col_of, scaled)
        cols = np.clip(1 / np.sqrt(col_min * col_max), lo, hi)
        row_min, row_max = np.full(n_row, big), np.full(n_row, 1 / big)
        scaled = value * cols[col_of]
        np.minimum.at(row_min, row_of, scaled)
        np.maximum.at(row_max, row_of, scaled)
        rows = np.clip(1 / np.sqrt(row_min * row_max), lo, hi)
    cols = 2.0 ** np.floor(np.log2(cols) + 0.5)
    rows = 2.0 ** np.floor(np.log2(rows) + 0.5)
    return rows, cols


class SolveCancelled(Exception):
    """Raised internally when the user cancels before any plan exists."""


@dataclass
class _Outcome:
    solution: FloatArray
    status: SolveStatus
    bound: float
    lp_bound: float | None = None


@dataclass(frozen=True)
class _Basis:
    """A HiGHS basis and the cut-pool rows (in row order) of the LP it is a basis of."""

    highs: highspy.HighsBasis
    cuts: tuple[int, ...]


class _Solver:
    """One HiGHS instance over a Model, re-solved warm as bounds change. Rows of the
    model's cut pool join its LP as relaxations break them (:meth:`relax`)."""

    def __init__(self, model: Model, cancel: CancelToken, deadline_at: float | None,
                 cost: FloatArray | None = None, lp: highspy.HighsLp | None = None,
                 scale: tuple[FloatArray, FloatArray] | None = None,
                 prescaled: bool = True) -> None:
        """``lp``: the LP to hold instead of ``model`` with ``cost`` (a twin's, scaled by
        ``scale``)."""
        self.model = model
        self.cancel = cancel
        self.deadline_at = deadline_at
        self.cost = cost  # None: the model's
        if scale is None:
            scale = equilibration_scale(model.matrix, model.cost if cost is None else cost)
        self.row_scale, self.col_scale = scale
        h = _new_highs()
        if lp is None:
            _pass_lp(h, model, cost, scale)
        else:
            h.passModel(lp)
        self.prescaled = prescaled
        if prescaled:  # scaled already (equilibration_scale)
            h.setOptionValue("simplex_scale_strategy", 0)
        h.HandleUserInterrupt = True
        # LP phases re-solve warm after bound changes; HiGHS's presolve would discard the
        # basis each time and, on these models, costs more than it saves.
        h.setOptionValue("presolve", "off")
        # steepest edge also after a basis is set (the search re-solves from each parent's)
        h.setOptionValue("simplex_dual_edge_weight_strategy", 2)
        self.h = h
        self.int_cols = np.flatnonzero(model.integer).astype(np.int32)
        self.capacity = model.data.offer_capacity.copy()  # what the capacity rows hold
        self.root_basis: _Basis | None = None  # after the last LP relaxation
        self.cuts: list[int] = []  # the cut-pool rows in the LP, in row order
        pool = model.cuts
        self._in_lp = np.zeros(len(pool) if pool is not None else 0, dtype=bool)
        # solve sibling nodes on a second core (off when the caller already runs one
        # search per core)
        self.parallel_search = True

    def twin(self) -> _Solver:
        """A second solver holding this one's LP as it is now (bounds, capacity, costs),
        to solve a sibling node on the other core."""
        other = _Solver(self.model, self.cancel, self.deadline_at, cost=self.cost,
                        lp=self.h.getLp(), scale=(self.row_scale, self.col_scale))
        other.capacity = self.capacity.copy()
        other.parallel_search = False
        other.cuts = list(self.cuts)
        other._in_lp = self._in_lp.copy()
        return other

    def unscaled_twin(self) -> _Solver:
        """A solver of the same model, cost and capacity, unscaled and scaled by HiGHS
        itself: for HiGHS's MILP, whose integrality must hold for the model's columns,
        and for the plan's polish. Column bounds are the model's (callers fix theirs)."""
        ones = (np.ones(self.model.num_rows), np.ones(self.model.num_cols))
        other = _Solver(self.model, self.cancel, self.deadline_at, cost=self.cost,
                        scale=ones, prescaled=False)
        other.set_capacity(self.capacity)
        other._add_cuts(np.array(self.cuts, dtype=np.int64))  # the same rows: its bases fit
        return other

    def _add_cuts(self, cuts: np.ndarray) -> None:
        """Add these cut-pool rows to the LP, scaled like the rest (a power of two per
        row that brings its largest entry near 1)."""
        pool = self.model.cuts
        if pool is None or len(cuts) == 0:
            return
        rows = sp.csr_matrix(pool.matrix[cuts])
        col_of = rows.indices
        data = rows.data * self.col_scale[col_of]
        scale = np.ones(len(cuts))  # HiGHS scaling the LP itself: the model's rows
        if self.prescaled:
            biggest = np.zeros(len(cuts))
            np.maximum.at(biggest, np.repeat(np.arange(len(cuts)), np.diff(rows.indptr)),
                          np.abs(data))
            scale = np.exp2(-np.round(np.log2(np.where(biggest > 0, biggest, 1.0))))
        data = data * np.repeat(scale, np.diff(rows.indptr))
        self.h.addRows(len(cuts), np.full(len(cuts), -highspy.kHighsInf),
                       pool.upper[cuts] * scale, len(data), rows.indptr[:-1].astype(np.int32),
                       col_of.astype(np.int32), data)
        self.row_scale = np.concatenate([self.row_scale, scale])
        self.cuts.extend(cuts.tolist())
        self._in_lp[cuts] = True

    def separate(self, solution: FloatArray) -> int:
        """Add the cut-pool rows ``solution`` breaks (by more than a tolerance in tasks);
        how many."""
        pool = self.model.cuts
        if pool is None:
            return 0
        broken = (pool.matrix @ solution - pool.upper > _CUT_TOL) & ~self._in_lp
        cuts = np.flatnonzero(broken)
        self._add_cuts(cuts)
        return len(cuts)

    def relax(self, tail: float = 0.0) -> tuple[highspy.HighsModelStatus,
                                                FloatArray | None]:
        """Solve the LP (binaries relaxed or fixed by their bounds), adding the cut-pool
        rows it breaks and solving again until it breaks none, or until a round raised
        the objective by less than ``tail`` times itself (the last rounds of cuts each
        add a few rows and little bound)."""
        status, solution = self.run()
        last = -np.inf
        for _ in range(_CUT_ROUNDS):
            if solution is None or status != _HS.kOptimal:
                break
            objective = self.objective()
            if objective - last < tail * max(1.0, abs(objective)) or not self.separate(
                    solution):
                break
            last = objective
            status, solution = self.run()
        return status, solution

    def get_basis(self) -> _Basis:
        return _Basis(self.h.getBasis(), tuple(self.cuts))

    def set_basis(self, basis: _Basis) -> None:
        """Start from ``basis``: its cut rows join this LP first, and rows it does not
        know are basic (their slack), which keeps a basis a basis."""
        missing = [c for c in basis.cuts if not self._in_lp[c]]
        self._add_cuts(np.array(missing, dtype=np.int64))
        if tuple(self.cuts) == basis.cuts:
            self.h.setBasis(basis.highs)
            return
        rows = list(basis.highs.row_status)
        m = self.model.num_rows
        at = {cut: m + i for i, cut in enumerate(basis.cuts)}
        mapped = highspy.HighsBasis()
        mapped.col_status = basis.highs.col_status
        mapped.row_status = rows[:m] + [rows[at[c]] if c in at else highspy.HighsBasisStatus.kBasic
                                        for c in self.cuts]
        mapped.valid = True
        self.h.setBasis(mapped)

    def set_capacity(self, capacity: FloatArray) -> None:
        """Change the capacity rows in place: the bound, or the z coefficient (setup fee)."""
        d, ix, rows = self.model.data, self.model.index, self.model.row_blocks.get("capacity")
        if rows is not None:
            o_idx, t_idx = np.nonzero(np.abs(capacity - self.capacity) > 1e-12)
            for o, t in zip(o_idx.tolist(), t_idx.tolist(), strict=True):
                row = rows.start + o * d.H + t
                z = int(ix.vendor_z[d.offer_vendor[o]])
                scaled = float(capacity[o, t]) * self.row_scale[row]
                if z >= 0:
                    self.h.changeCoeff(row, z, -scaled * self.col_scale[z])
                else:
                    self.h.changeRowBounds(row, -highspy.kHighsInf, scaled)
        self.capacity = capacity.copy()

    def set_bounds(self, cols: np.ndarray, lower: FloatArray, upper: FloatArray) -> None:
        if len(cols):
            c = self.col_scale[cols]
            self.h.changeColsBounds(len(cols), cols.astype(np.int32),
                                    np.asarray(lower, dtype=np.float64) / c,
                                    np.asarray(upper, dtype=np.float64) / c)

    def set_row_bounds(self, rows: np.ndarray, lower: FloatArray, upper: FloatArray) -> None:
        if len(rows):
            r = self.row_scale[rows]
            self.h.changeRowsBounds(len(rows), rows.astype(np.int32),
                                    np.asarray(lower, dtype=np.float64) * r,
                                    np.asarray(upper, dtype=np.float64) * r)

    def unscaled(self, values: FloatArray) -> FloatArray:
        """Column values of the model from the Highs's."""
        return values * self.col_scale

    def set_integer(self, integer: bool) -> None:
        if len(self.int_cols) == 0:
            return
        kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
        self.h.changeColsIntegrality(len(self.int_cols), self.int_cols,
                                     np.array([kind] * len(self.int_cols)))

    def run(self, gap: float | None = None) -> tuple[highspy.HighsModelStatus, FloatArray | None]:
        h = self.h
        if self.deadline_at is not None:
            # HiGHS measures time_limit against the run time this object has used since
            # it was created, not per run: add the seconds left to what it has used.
            left = max(0.01, self.deadline_at - time.perf_counter())
            h.setOptionValue("time_limit", float(h.getRunTime()) + left)
        else:
            h.setOptionValue("time_limit", highspy.kHighsInf)
        if gap is not None:
            h.setOptionValue("mip_rel_gap", gap)
        if self.model.num_cols == 0:  # HiGHS calls a model with no columns "empty"
            if np.all(self.model.row_lower <= 0.0) and np.all(self.model.row_upper >= 0.0):
                return _HS.kOptimal, np.zeros(0)
            return _HS.kInfeasible, None
        with self.cancel.watching(h):
            h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        if not has_solution:
            return status, None
        return status, self.unscaled(np.asarray(h.getSolution().col_value, dtype=np.float64))

    def objective(self) -> float:
        if self.model.num_cols == 0:
            return self.model.offset if self.cost is None else 0.0
        return float(self.h.getInfo().objective_function_value)

    def mip_bound(self) -> float:
        return float(self.h.getInfo().mip_dual_bound)


def _stopped_status(status: highspy.HighsModelStatus, cancel: CancelToken) -> SolveStatus | None:
    if cancel.cancelled or status == _HS.kInterrupt:
        return SolveStatus.CANCELLED
    if status == _HS.kTimeLimit:
        return SolveStatus.TIME_LIMIT
    return None


@dataclass(frozen=True)
class _ExitGroup:
    """One contract's exit-week binaries and what its exit week costs."""

    pos: np.ndarray  # its a[c, lo..L-1] among the solver's integer columns
    weight: float  # money at stake per week of the exit (for ranking the groups)
    lo: int
    L: int
    fee: float
    rate: float  # commitment accrued per week
    inc_cols: np.ndarray  # its streams' exited-vendor columns, their weeks and prices
    inc_weeks: np.ndarray
    inc_price: FloatArray


class _BranchGroups:
    """The binaries grouped as the search branches on them: each contract's exit-week
    columns (a run of a[c, t] in week order) and each vendor's engagement z[v].
    Positions are indices into the solver's integer columns."""

    def __init__(self, model: Model, ints: np.ndarray) -> None:
        d, ix = model.data, model.index
        where = {int(col): i for i, col in enumerate(ints.tolist())}
        self.contracts: list[_ExitGroup] = []
        inc_cols = np.arange(ix.inc.start, ix.inc.stop)
        inc_contract = d.stream_contract[ix.inc_s]
        for c, t in enumerate(d.terms):
            first = int(ix.contract_a[c])
            if first >= 0:
                pos = np.array([where[first + k] for k in range(t.L - t.lo)], dtype=np.int64)
                # money at stake per week of the exit: the commitment it accrues, plus the
                # fee an early exit costs (spread over the choice)
                rate = t.contract.min_commitment / t.T if t.T else 0.0
                weight = rate + t.contract.termination_fee / max(1, t.L - t.lo)
                mine = inc_contract == c
                self.contracts.append(_ExitGroup(
                    pos, max(weight, 1.0), t.lo, t.L, t.contract.termination_fee, rate,
                    inc_cols[mine], ix.inc_t[mine], d.stream_price[ix.inc_s[mine]]))
        self.vendors: list[tuple[int, float]] = [
            (where[int(col)], max(float(d.setup_fee[v]), 1.0))
            for v, col in zip(ix.z_v.tolist(), range(ix.z.start, ix.z.stop), strict=True)]

    def roundings(self, sol: FloatArray, ints: np.ndarray) -> list[FloatArray]:
        """Every binary decided, two ways; in both, every vendor the LP uses is engaged
        (the most room).

        1. each contract ends at its LP mean exit week (rounded);
        2. each contract runs while the LP has its vendor work (so all of that work
           stays possible), then ends there or, if cheaper, runs idle to its last week
           (no fee, more commitment accrued). Where the mean exit week falls in weeks
           with no work left (a contract kept partly alive to spread its fee), this
           avoids paying both.
        """
        vals = sol[ints]
        mean, by_work = np.round(vals), np.round(vals)
        for g in self.contracts:
            mean[g.pos] = np.arange(len(g.pos)) < int(np.floor(vals[g.pos].sum() + 0.5))
            used = sol[g.inc_cols] > TASK_EPS
            work_end = max(g.lo, int(g.inc_weeks[used].max()) + 1) if used.any() else g.lo
            spend = float(g.inc_price @ sol[g.inc_cols])
            early = g.fee * (work_end < g.L) + max(0.0, g.rate * work_end - spend)
            late = max(0.0, g.rate * g.L - spend)
            by_work[g.pos] = np.arange(g.lo, g.L) < (work_end if early < late else g.L)
        for p, _ in self.vendors:
            mean[p] = by_work[p] = 1.0 if vals[p] > _INT_TOL else 0.0
        return [mean, by_work]

    def candidates(self, vals: FloatArray, lower: FloatArray, upper: FloatArray,
                   limit: int) -> list[tuple[int, list[tuple[FloatArray, FloatArray]]]]:
        """Up to ``limit`` ways to branch, each two children that cut off ``vals`` (the
        one the LP leans to last), the groups with the most money left undecided first;
        empty when every binary is integral. A contract's exit week is split at its LP
        mean (e <= k or e > k); a vendor is engaged or not."""
        scored: list[tuple[float, int, list[tuple[FloatArray, FloatArray]]]] = []
        for i, group in enumerate(self.contracts):
            pos = group.pos
            v = vals[pos]
            frac = np.minimum(v, 1.0 - v)
            fractional = np.flatnonzero(frac > _INT_TOL)
            if len(fractional) == 0:
                continue
            mean = float(v.sum())  # weeks after lo the contract runs, in the LP
            k = int(fractional[np.argmin(np.abs(fractional + 0.5 - mean))])
            early_lo, early_up = lower.copy(), upper.copy()
            early_up[pos[k:]] = 0.0  # ends by week lo + k
            late_lo, late_up = lower.copy(), upper.copy()
            late_lo[pos[:k + 1]] = 1.0  # runs through week lo + k
            pair = [(early_lo, early_up), (late_lo, late_up)]
            scored.append((float(frac.sum()) * group.weight, i,
                           pair if mean >= k + 0.5 else pair[::-1]))
        for i, (p, fee) in enumerate(self.vendors):
            frac = min(vals[p], 1.0 - vals[p])
            if frac <= _INT_TOL:
                continue
            off_lo, off_up = lower.copy(), upper.copy()
            off_up[p] = 0.0
            on_lo, on_up = lower.copy(), upper.copy()
            on_lo[p] = 1.0
            pair = [(off_lo, off_up), (on_lo, on_up)]
            scored.append((frac * fee, len(self.contracts) + i,
                           pair if vals[p] >= 0.5 else pair[::-1]))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [(group, pair) for _, group, pair in scored[:limit]]


_INT_TOL = 1e-6
# a cut-pool row counts as broken when its left side exceeds its bound by this (tasks)
_CUT_TOL = 1e-5
_CUT_ROUNDS = 20  # at most this many rounds of cuts per relaxation
_TREE_MAX_LPS = 400
# Solve the two children of a branch at once on two cores (off in processes that already
# run one search per core, such as the ramp-risk workers).
_PARALLEL_SEARCH = True


def _product(down: float, up: float, obj: float) -> float:
    """Strong-branching score: both children should raise the bound."""
    floor = 1e-6 * max(abs(obj), 1.0)
    return max(down, floor) * max(up, floor)


@dataclass(order=True)
class _Node:
    """An open node of the exit-week search: bounds on the binaries, its LP solution and
    basis (its children start from it), ordered by bound, then newest first."""

    bound: float
    order: int
    lower: FloatArray = field(compare=False)
    upper: FloatArray = field(compare=False)
    solution: FloatArray = field(compare=False)
    basis: _Basis = field(compare=False)


def _exit_week_search(solver: _Solver, root: _Node, gap: float, progress: ProgressFn,
                      first_plan: bool = False, strong: int = 4
                      ) -> tuple[FloatArray | None, float, float, bool,
                                 _Basis | None]:
    """Best-first branch and bound on warm LPs over exit weeks and engagements.

    Only a few binaries are fractional in the LP (contracts with a commitment that
    "half exit", vendors half engaged), and a re-solve after a bound change takes a
    fraction of the first LP, so a small tree on one warm LP closes the gap far sooner
    than a general MILP on the whole model. Each node tries up to ``strong`` ways to
    branch and keeps the one whose children raise the bound most (strong branching;
    the children's LPs are kept, and a group measured once is then ranked by what it
    gained). The search plunges depth first from each node it branches (that finds
    plans) and otherwise takes the open node with the least bound (that proves them).

    Before branching, two LPs with every binary rounded (two ways) often give a plan
    within the gap. Returns (plan, cost, proven bound, proven, the plan's LP basis).
    With ``first_plan`` it stops once the first plunge has ended with a plan (the quick
    plan, with its proven gap); it gives up unproven after ``_TREE_MAX_LPS`` LPs, and the
    caller then falls back to HiGHS's MILP.
    """
    model, ints = solver.model, solver.int_cols
    best: FloatArray | None = None
    best_obj = np.inf
    best_basis: _Basis | None = None
    groups = _BranchGroups(model, ints)
    heap: list[_Node] = [root]
    plunge: _Node | None = None  # the better child of the last node branched
    closed_bound = np.inf  # least bound of the nodes closed so far
    order, lps, last_report = 0, 0, 0.0
    gains: dict[int, tuple[float, float]] = {}  # bound gain of each group's two children

    def global_bound() -> float:
        least = min(closed_bound, heap[0].bound) if heap else closed_bound
        return min(least, plunge.bound) if plunge is not None else least

    def cutoff() -> float:
        return best_obj - gap * max(abs(best_obj), 1.0) if best is not None else np.inf

    def proven() -> bool:
        return best is not None and global_bound() >= cutoff()

    loaded: dict[int, int | None] = {id(solver): root.order}  # whose basis each HiGHS holds

    def solve_child(on: _Solver, node: _Node, lower: FloatArray, upper: FloatArray,
                    tag: int) -> tuple[highspy.HighsModelStatus, FloatArray | None, float,
                                       _Basis | None]:
        if loaded.get(id(on)) != node.order:  # setting a basis costs a refactorisation
            on.set_basis(node.basis)
        on.set_bounds(ints, lower, upper)
        status, sol = on.run()
        if sol is None or status != _HS.kOptimal:
            loaded[id(on)] = None
            return status, None, np.inf, None
        loaded[id(on)] = tag
        return status, sol, on.objective(), on.get_basis()

    def children(node: _Node, pair: list[tuple[FloatArray, FloatArray]]
                 ) -> list[_Node | None]:
        """Solve both children from their parent's basis, the second on the twin when
        there is one; None for an infeasible child."""
        nonlocal lps, best, best_obj, best_basis, order
        tags = [order - 1 - i for i in range(len(pair))]
        if pool is not None and twin is not None and len(pair) == 2:
            # the HiGHS that holds the parent's basis solves the first child
            first, other = (twin, solver) if loaded.get(id(twin)) == node.order else (
                solver, twin)
            later = pool.submit(solve_child, other, node, *pair[1], tags[1])
            results = [solve_child(first, node, *pair[0], tags[0]), later.result()]
        else:
            results = [solve_child(solver, node, lo, up, tag)
                       for (lo, up), tag in zip(pair, tags, strict=True)]
        lps += len(results)
        kids: list[_Node | None] = []
        for (status, sol, obj, basis), (lower, upper) in zip(results, pair, strict=True):
            if _stopped_status(status, solver.cancel) is not None:
                raise SolveCancelled
            if sol is None or basis is None:
                kids.append(None)
                continue
            vals = sol[ints]
            if np.all(np.minimum(vals, 1.0 - vals) <= _INT_TOL):  # a plan
                cost = float(model.cost @ sol + model.offset)
                if cost < best_obj:
                    best, best_obj, best_basis = sol, cost, basis
            kids.append(_Node(max(node.bound, obj), order - 1 - len(kids), lower, upper, sol,
                              basis))
        order -= len(pair)
        return kids

    parallel = (os.cpu_count() or 1) > 1 and _PARALLEL_SEARCH and solver.parallel_search
    twin = solver.twin() if parallel else None
    pool = ThreadPoolExecutor(max_workers=1) if parallel else None
    node: _Node | None = None
    try:
        vals = root.solution[ints]
        if np.all(np.minimum(vals, 1.0 - vals) <= _INT_TOL):  # the LP's plan is integral
            best, best_obj = root.solution, float(model.cost @ root.solution + model.offset)
            best_basis = root.basis
        else:  # two LPs with every binary rounded: often a plan within the gap at once
            fixed = groups.roundings(root.solution, ints)
            if np.array_equal(fixed[0], fixed[1]):
                fixed = fixed[:1]
            children(root, [(f, f) for f in fixed])
        dived = False  # a plunge from the root has ended
        while (heap or plunge) and not proven() and lps < _TREE_MAX_LPS:
            if first_plan and best is not None and dived and plunge is None:
                break
            # plunge: go on with the better child of the last node (depth first finds
            # plans), else the open node with the least bound (best first proves them)
            if plunge is not None:
                node, plunge = plunge, None
            else:
                node = heapq.heappop(heap)
            if node.bound >= cutoff():
                closed_bound = min(closed_bound, node.bound)
                node, dived = None, True
                continue
            options = groups.candidates(node.solution[ints], node.lower, node.upper, strong)
            if not options:  # every binary integral: a plan (kept when it was solved)
                closed_bound = min(closed_bound, node.bound)
                node, dived = None, True
                continue
            # strong branching on groups not measured yet, and the best measured one
            measured = [(g, pair) for g, pair in options if g in gains]
            trial = [(g, pair) for g, pair in options if g not in gains]
            if measured:
                here = node.bound
                trial.append(max(measured, key=lambda item: _product(*gains[item[0]], here)))
            chosen: list[_Node | None] = []
            score = -np.inf
            for g, pair in trial:
                kids = children(node, pair)
                ceiling = 10 * abs(node.bound) + 1  # an infeasible child gains this much
                down, up = (min(k.bound, ceiling) - node.bound if k else ceiling for k in kids)
                gains[g] = (down, up)
                if _product(down, up, node.bound) > score:
                    score, chosen = _product(down, up, node.bound), kids
                if all(k is None or k.bound >= cutoff() for k in kids):
                    break  # this split alone closes the node
            kept = []
            for kid in chosen:
                if kid is not None and kid.bound >= cutoff():
                    closed_bound = min(closed_bound, kid.bound)
                elif kid is not None:
                    kept.append(kid)
            node = None
            if kept:
                kept.sort()
                plunge = kept[0]
                for kid in kept[1:]:
                    heapq.heappush(heap, kid)
            else:
                dived = True
            now = time.perf_counter()
            if best is not None and now - last_report > 0.5:
                last_report = now
                within = max(0.0, (best_obj - global_bound()) / max(abs(best_obj), 1.0))
                progress(SolveProgress(0.75, f"Proving optimality: best plan within "
                                             f"{within:.3%} ({lps} LPs)"))
    except SolveCancelled:
        if node is not None:  # stopped inside a node: its bound still counts
            closed_bound = min(closed_bound, node.bound)
    finally:
        solver.set_bounds(ints, model.lower[ints], model.upper[ints])
        if pool is not None:
            pool.shutdown()
    return best, best_obj, global_bound(), proven(), best_basis


def _minimise_cost(solver: _Solver, gap: float, progress: ProgressFn,
                   prove: bool = True) -> _Outcome | None:
    """LP bound, then branch and bound on exit weeks with warm LPs (only to the first plan
    unless ``prove``), then HiGHS's MILP only if that search gave up."""
    model = solver.model
    solver.set_integer(False)
    if solver.root_basis is not None:
        # the last plan's relaxation is a nearer start than its search's last node
        solver.set_basis(solver.root_basis)
    progress(SolveProgress(0.35, "Solving the LP relaxation"))
    # rounds of cuts while each raises the bound by a twentieth of the gap asked for
    status, relaxed = solver.relax(tail=gap / 20)
    if relaxed is None or status not in (_HS.kOptimal,):
        stopped = _stopped_status(status, solver.cancel)
        if stopped is not None:
            return None
        raise RuntimeError(f"LP relaxation failed: {solver.h.modelStatusToString(status)}")
    lower_bound = solver.objective()
    solver.root_basis = solver.get_basis()
    if len(solver.int_cols) == 0:
        relaxed = _polish(solver, relaxed, solver.root_basis)
        return _Outcome(relaxed, SolveStatus.OPTIMAL, lower_bound, lower_bound)

    progress(SolveProgress(0.5, "Choosing exit weeks and vendors (branch and bound)"))
    ints = solver.int_cols
    root = _Node(lower_bound, 0, model.lower[ints].copy(), model.upper[ints].copy(), relaxed,
                 solver.root_basis)
    best, best_obj, tree_bound, proven, best_basis = _exit_week_search(
        solver, root, gap, progress, first_plan=not prove)
    if best is not None:
        best = _polish(solver, best, best_basis or solver.root_basis)
        best_obj = float(model.cost @ best + model.offset)
    bound = max(lower_bound, min(tree_bound, best_obj))
    if best is not None and proven:
        return _Outcome(best, SolveStatus.OPTIMAL, bound, lower_bound)
    if solver.cancel.cancelled or _past(solver.deadline_at):
        if best is None:
            return None
        stopped = SolveStatus.CANCELLED if solver.cancel.cancelled else SolveStatus.TIME_LIMIT
        return _Outcome(best, stopped, bound, lower_bound)
    if not prove and best is not None:
        return _Outcome(best, SolveStatus.FEASIBLE, bound, lower_bound)

    progress(SolveProgress(0.7, "Proving optimality (branch and bound)"))
    solver = solver.unscaled_twin()
    solver.set_integer(True)
    solver.h.setOptionValue("presolve", "on")
    for name, value in _MIP_OPTIONS.items():
        solver.h.setOptionValue(name, value)
    found: list[tuple[float, FloatArray]] = []

    def improving(event: highspy.cb.HighsCallbackEvent) -> None:  # type: ignore[name-defined]
        vec = np.array(event.data_out.mip_solution, dtype=np.float64)
        if len(vec) == model.num_cols:
            found.append((float(model.cost @ vec + model.offset), vec))

    last_report = [0.0]

    def report(event: highspy.cb.HighsCallbackEvent) -> None:  # type: ignore[name-defined]
        now = time.perf_counter()
        if now - last_report[0] < 0.5:
            return
        last_report[0] = now
        out = event.data_out
        primal = min(best_obj, float(out.mip_primal_bound))
        bound = max(lower_bound, float(out.mip_dual_bound))
        if np.isfinite(primal) and primal > 0:
            progress(SolveProgress(0.75, f"Proving optimality: best plan within "
                                         f"{max(0.0, (primal - bound) / primal):.3%}"))

    h = solver.h
    h.cbMipImprovingSolution.subscribe(improving)
    h.cbMipInterrupt.subscribe(report)
    try:
        start = best
        while True:
            if start is not None:
                h.setSolution(_solution(start))
            status, mip = solver.run(gap=gap)
            # Every candidate's cost is re-added from its own vector: HiGHS may hand
            # back the injected start rather than its better incumbent (highspy 1.16).
            if mip is not None:
                found.append((float(model.cost @ mip + model.offset), mip))
            for obj, vec in found:
                if obj < best_obj:
                    best, best_obj = vec, obj
            claimed = float(h.getInfo().objective_function_value)
            stale = (mip is not None and start is not None
                     and claimed < best_obj - 1e-7 * max(1.0, abs(best_obj)))
            if not stale or _stopped_status(status, solver.cancel) is not None:
                break
            # HiGHS proved a better plan than any vector it returned: solve again
            # without the start, so the plan read back is its own.
            progress(SolveProgress(0.8, "Reading back the optimal plan"))
            h.clearSolver()
            start = None
    finally:
        h.setOptionValue("presolve", "off")
        h.cbMipImprovingSolution.unsubscribe(improving)
        h.cbMipInterrupt.unsubscribe(report)
    bound = max(lower_bound, solver.mip_bound()) if np.isfinite(solver.mip_bound()) \
        else lower_bound
    if best is None:
        return None
    stopped = _stopped_status(status, solver.cancel)
    if stopped is not None:
        return _Outcome(best, stopped, bound, lower_bound)
    if best_obj - bound <= gap * max(abs(best_obj), 1.0):
        return _Outcome(best, SolveStatus.OPTIMAL, min(bound, best_obj), lower_bound)
    return _Outcome(best, SolveStatus.FEASIBLE, bound, lower_bound)


# The exit-week search already gives a plan within a fraction of a percent; the MILP's job
# is the bound. HiGHS's root heuristics (sub-MIPs: RINS, RENS) spent 40 s of 54 s on
# frontier_lab looking for a plan it already had.
_MIP_OPTIONS: dict[str, bool | float] = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
}


def _polish(solver: _Solver, plan: FloatArray, basis: _Basis | None
            ) -> FloatArray:
    """The plan's own LP (its binaries fixed) solved again by a HiGHS that scales the LP
    itself and so re-checks the solution unscaled, from the plan's basis.

    The search's LPs are pre-scaled and skip that check (equilibration_scale): their
    solutions can miss a tie-break worth less than HiGHS's tolerance in scaled terms
    (an earlier completion among equally cheap plans) or break a row by a tolerance
    times its scale factor. The plan's cost changes by no more than that. Returns
    ``plan`` unchanged when the re-solve stops (cancel or time limit)."""
    ints = solver.int_cols
    twin = solver.unscaled_twin()
    fixed = np.round(plan[ints])
    twin.set_bounds(ints, fixed, fixed)
    if basis is not None:
        twin.set_basis(basis)
    status, polished = twin.run()
    if polished is None or status != _HS.kOptimal:
        return plan
    return polished


def _past(deadline_at: float | None) -> bool:
    return deadline_at is not None and time.perf_counter() >= deadline_at


def _solution(values: FloatArray) -> highspy.HighsSolution:
    sol = highspy.HighsSolution()
    sol.col_value = values.tolist()
    sol.value_valid = True
    return sol


def _arrays(model: Model, sol: FloatArray) -> PlanArrays:
    d, ix = model.data, model.index
    x = split_moved_work(model, sol)
    inc = np.zeros((d.S, d.H))
    inc[ix.inc_s, ix.inc_t] = sol[ix.inc]
    unserved = unserved_tasks(model, sol)
    exit_week = np.array([t.L for t in d.terms], dtype=np.int64)
    for c, t in enumerate(d.terms):
        first = ix.contract_a[c]
        if first >= 0:
            n = t.L - t.lo
            exit_week[c] = t.lo + int(np.round(sol[first:first + n]).sum())
    return PlanArrays(x, inc, unserved, exit_week)


def _completion_cols(model: Model, week: int) -> np.ndarray:
    ix = model.index
    return np.arange(ix.inc.start, ix.inc.stop)[ix.inc_t >= week]


class _FullExit:
    """Where a full exit by week W falls short: min total unserved over the planning
    model (its unserved tasks name the streams and weeks). Built with a balance row per
    stream and week: it closes the exited vendors' weeks, which the optimiser's model
    takes to be open where it leaves out unserved columns (define_unserved)."""

    def __init__(self, data: ModelData, cancel: CancelToken, deadline_at: float | None
                 ) -> None:
        model = build_model(data, stream_balance=True)
        ix = model.index
        cost = np.zeros(model.num_cols)
        cost[ix.u] = 1.0
        self.model = model
        self.solver = _Solver(model, cancel, deadline_at, cost=cost)
        self.solver.set_integer(False)
        ints = self.solver.int_cols
        self.solver.set_bounds(ints, np.ones(len(ints)), np.ones(len(ints)))

    def unserved(self, week: int) -> FloatArray:
        """(S, H) unserved tasks of the plan that leaves the fewest by ``week``."""
        ix = self.model.index
        all_inc = np.arange(ix.inc.start, ix.inc.stop)
        self.solver.set_bounds(all_inc, np.zeros(len(all_inc)), np.full(len(all_inc), np.inf))
        closed = _completion_cols(self.model, week)
        self.solver.set_bounds(closed, np.zeros(len(closed)), np.zeros(len(closed)))
        sol = _checked_run(self.solver, "unserved")
        return unserved_tasks(self.model, sol)


class _ExitFlow:
    """Is a full exit by week W possible? The small LP of
    :func:`~planner.model.build.build_exit_flow`, warm across W and capacity changes."""

    def __init__(self, data: ModelData, cancel: CancelToken, deadline_at: float | None,
                 model: Model | None = None) -> None:
        self.model = model if model is not None else build_exit_flow(data)
        self.data = data
        self.solver = _Solver(self.model, cancel, deadline_at)
        self.solver.set_capacity(data.offer_capacity)
        self.tolerance = 1e-6 * max(1.0, data.total_volume)
        self._demand_rows = self.model.row_blocks.get("demand", slice(0, 0))

    def feasible(self, week: int) -> bool:
        demand, left = full_exit_demand(self.data, week)
        if left > self.tolerance:
            return False
        rows = self._demand_rows
        if rows.stop > rows.start:
            flat = demand.reshape(-1)
            self.solver.set_row_bounds(np.arange(rows.start, rows.stop), flat, flat)
        _checked_run(self.solver, "full-exit")
        return left + self.solver.objective() <= self.tolerance


def _checked_run(solver: _Solver, what: str) -> FloatArray:
    """Run an LP that always has an optimum (its solution); raises SolveCancelled when
    stopped."""
    status, sol = solver.run()
    if sol is None or status != _HS.kOptimal:
        if _stopped_status(status, solver.cancel) is not None:
            raise SolveCancelled
        raise RuntimeError(f"{what} LP failed: {solver.h.modelStatusToString(status)}")
    return sol


def _shortages(d: ModelData, unserved: FloatArray) -> list[Shortage]:
    """Group unplaceable work by skill and reason into week ranges, in plain words."""
    pair_count = np.bincount(d.pair_stream, minlength=d.S) if d.P else np.zeros(d.S, dtype=int)
    groups: dict[tuple[str, str], dict[str, object]] = {}
    streams = d.dataset.streams
    for s, t in zip(*np.nonzero(unserved > TASK_EPS), strict=True):
        reason = unserved_reason(d, int(s), int(t), pair_count)
        key = (streams[s].skill_key, reason)
        g = groups.setdefault(key, {"skill": streams[s].skill, "first": int(t), "last": int(t),
                                    "tasks": 0.0, "streams": set()})
        g["first"] = min(int(g["first"]), int(t))  # type: ignore[call-overload]
        g["last"] = max(int(g["last"]), int(t))  # type: ignore[call-overload]
        g["tasks"] = float(g["tasks"]) + float(unserved[s, t])  # type: ignore[arg-type]
        g["streams"].add(streams[s].stream_id)  # type: ignore[attr-defined]
    out = []
    st = d.dataset.settings
    for (_, reason), g in sorted(groups.items(), key=lambda kv: -float(kv[1]["tasks"])):  # type: ignore[arg-type]
        first, last = int(g["first"]), int(g["last"])  # type: ignore[call-overload]
        ids = tuple(sorted(g["streams"]))  # type: ignore[call-overload]
        kind = reason.split(" (")[0]
        out.append(Shortage(
            kind=kind, skill=str(g["skill"]), first_week=first, last_week=last,
            tasks_short=float(g["tasks"]), streams=ids,  # type: ignore[arg-type]
            message=f"{g['skill']}: {float(g['tasks']):,.0f} tasks cannot be placed in weeks "  # type: ignore[arg-type]
            f"{first}-{last} ({st.week_start(first).isoformat()} to "
            f"{st.week_start(last).isoformat()}): {reason}; streams {', '.join(ids[:6])}"
            + (" ..." if len(ids) > 6 else ""),
        ))
    return out


def solve(
    dataset: Dataset,
    mode: Mode | str | None = None,
    deadline: date | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> PlanResult:
    """The optimal plan of planning-model.md for ``dataset``.

    A cancelled or timed-out solve returns the best plan found, marked as such; when no
    plan exists yet it returns the naive baseline plan, marked the same way.
    """
    report = progress or (lambda _p: None)
    report(SolveProgress(0.0, "Building the model"))
    session = PlanSession(dataset, deadline)
    model = session.model
    report(SolveProgress(0.1, f"Model: {model.num_cols:,} variables, {model.num_rows:,} rows, "
                              f"{model.num_integer} binaries"))
    return session.plan(mode, time_limit=time_limit, gap=gap, progress=report, cancel=cancel)


@dataclass
class _Solved:
    """A plan found by the session, before its tables are built."""

    outcome: _Outcome | None  # None: no plan in time (or cancelled)
    model: Model  # the model its solution is of
    fastest_feasible: bool | None
    shortages: list[Shortage]
    notes: list[str]


@dataclass(frozen=True)
class PlanTotals:
    """A plan's status, completion week and costs (PlanSession.totals)."""

    status: SolveStatus
    completion_week: int
    costs: CostBreakdown

    @property
    def total_cost(self) -> float:
        return self.costs.total


class PlanSession:
    """One model, many plans: re-plans warm from the last basis.

    For features that plan many variants of one workbook (price of speed, levers, ramp
    risk): :meth:`plan` with a required completion week, or :meth:`update` with a dataset
    whose vendor capacity, onboarding or ramp changed, re-solves from the previous LP
    basis instead of from scratch. Any other change rebuilds the model (still correct,
    just cold). Not thread-safe: one session per thread or process.
    """

    def __init__(self, dataset: Dataset, deadline: date | None = None) -> None:
        self.deadline = deadline
        self._load(dataset, build_data(dataset, deadline))

    def _load(self, dataset: Dataset, data: ModelData, model: Model | None = None) -> None:
        """Plan ``data`` with a new solver over ``model`` (built when None; given, it is
        one built for the same workbook up to capacity over time)."""
        self.dataset = dataset
        self.data = data
        self.model = model if model is not None else build_model(data)
        self._solver: _Solver | None = None  # over self.model, made when first needed
        self._start_basis: _Basis | None = None  # where that solver starts
        self.parallel_search = True  # solve sibling nodes on the second core
        # plans done by week W with nothing unserved: a smaller model per W (built from
        # self.model's data, so a variant shares them), a solver each, and this
        # workbook's LP relaxation basis per W, where a variant's solver starts
        self._week_models: dict[int, Model] = {}
        self._week_solvers: dict[int, _Solver] = {}
        self._week_roots: dict[int, _Basis | None] = {}
        self._base: PlanSession | None = None  # the workbook a variant starts from
        self._full_exit: _ExitFlow | None = None
        self._flow_model: Model | None = None  # the full-exit check's LP, built once
        # the LP bases of this workbook's first plan, where variant() sessions start
        self._base_basis: _Basis | None = None
        self._full_exit_basis: _Basis | None = None
        self._exit_hint: int | None = None  # where the earliest full exit search starts
        self._earliest: int | None = None  # the earliest full exit of this data, once known

    @property
    def solver(self) -> _Solver:
        """The solver of the full planning model (cheapest plans)."""
        if self._solver is None:
            self._solver = _Solver(self.model, CancelToken(), None)
            self._solver.set_capacity(self.data.offer_capacity)
            if self._start_basis is not None:
                self._solver.set_basis(self._start_basis)
        self._solver.parallel_search = self.parallel_search
        return self._solver

    def _week_solver(self, week: int, cancel: CancelToken, deadline_at: float | None
                     ) -> _Solver:
        """The solver of plans done by ``week`` with nothing unserved: the planning model
        built for it (build_model's ``complete_by``), a third of the LP or less when W
        is early. A variant starts from its workbook's relaxation at W."""
        solver = self._week_solvers.get(week)
        if solver is None:
            model = self._week_models.get(week)
            if model is None:
                model = build_model(self.model.data, complete_by=week)
                self._week_models[week] = model
            solver = _Solver(model, cancel, deadline_at)
            solver.set_capacity(self.data.offer_capacity)
            if self._base is not None:
                solver.root_basis = self._base._week_root(week, cancel)
            self._week_solvers[week] = solver
        solver.cancel, solver.deadline_at = cancel, deadline_at
        solver.parallel_search = self.parallel_search
        return solver

    def _week_root(self, week: int, cancel: CancelToken) -> _Basis | None:
        """This workbook's LP relaxation basis of plans done by ``week`` (solved once;
        None when there is no such plan)."""
        if week not in self._week_roots:
            solver = self._week_solver(week, cancel, None)
            if solver.root_basis is None:
                solver.set_integer(False)
                status, _ = solver.relax()
                if _stopped_status(status, cancel) is not None:
                    raise SolveCancelled
                if status == _HS.kOptimal:
                    solver.root_basis = solver.get_basis()
            self._week_roots[week] = solver.root_basis
        return self._week_roots[week]

    # --- variants ------------------------------------------------------------------

    def prepare(self, mode: Mode | str | None = None, cancel: CancelToken | None = None
                ) -> bool:
        """Solve this workbook's LPs once (the relaxation; in fastest mode also the
        full-exit checks) so that :meth:`variant` sessions start warm from them.
        False when ``cancel`` stopped it (nothing kept)."""
        mode = Mode(mode) if mode is not None else self.dataset.settings.mode
        cancel = cancel or CancelToken()
        try:
            if mode is Mode.FASTEST:
                week = self.earliest_full_exit(cancel)
                self._keep_bases(None)
                if week is not None:
                    self._exit_hint = week
                    self._week_root(week, cancel)
                    return True
        except SolveCancelled:
            return False
        solver = self.solver
        solver.cancel, solver.deadline_at = cancel, None
        solver.set_integer(False)
        status, _ = solver.relax()
        if _stopped_status(status, cancel) is not None:
            return False
        self._keep_bases(solver.get_basis())
        return True

    def variant(self, dataset: Dataset) -> PlanSession:
        """A new session for a variant of this workbook, warm from this session's first
        LP bases (see :meth:`prepare`) whatever was planned since, so its plans depend on
        this workbook and the variant only (the same in any worker process, in any
        order). When more than capacity over time changed it is a cold new session."""
        data = build_data(dataset, self.deadline)
        fork = object.__new__(PlanSession)
        fork.deadline = self.deadline
        if not self._capacity_only_change(data):
            fork._load(dataset, data)
            return fork
        fork._load(dataset, data, self.model)
        fork._flow_model = self._flow_model
        fork._week_models = self._week_models  # built from the same model data
        fork._base = self
        fork._start_basis = self._base_basis
        fork._base_basis, fork._full_exit_basis = self._base_basis, self._full_exit_basis
        fork._exit_hint = self._exit_hint
        fork._earliest = self._earliest if dataset == self.dataset else None
        return fork

    def _keep_bases(self, root: _Basis | None) -> None:
        if self._base_basis is None and root is not None:
            self._base_basis = root
        if self._full_exit_basis is None and self._full_exit is not None:
            self._full_exit_basis = self._full_exit.solver.get_basis()

    def update(self, dataset: Dataset) -> bool:
        """Switch to ``dataset``; True if warm (only capacity over time changed from the
        workbook the model was built for)."""
        data = build_data(dataset, self.deadline)
        if not self._capacity_only_change(data):
            self._load(dataset, data)
            return False
        self.dataset = dataset
        self.data = data
        self._earliest = None
        # the bases variants start from are this workbook's: solved again when needed
        self._base_basis = self._full_exit_basis = None
        self._week_roots = {}
        self.solver.set_capacity(data.offer_capacity)
        self.solver.root_basis = None  # (its HiGHS keeps its last basis: still warm)
        for solver in self._week_solvers.values():
            solver.set_capacity(data.offer_capacity)
            solver.root_basis = None
        if self._full_exit is not None:
            self._full_exit.data = data
            self._full_exit.solver.set_capacity(data.offer_capacity)
        return True

    def _capacity_only_change(self, new: ModelData) -> bool:
        old = self.model.data  # as built: the model's columns and rows follow it
        same = (
            old.H == new.H and old.terms == new.terms
            and np.array_equal(old.pair_stream, new.pair_stream)
            and np.array_equal(old.pair_offer, new.pair_offer)
            and np.array_equal(old.offer_vendor, new.offer_vendor)
            and np.array_equal(old.volume, new.volume)
            and np.array_equal(old.stream_price, new.stream_price)
            and np.array_equal(old.cutover, new.cutover)
            and np.array_equal(old.inc_weeks, new.inc_weeks)
            and np.array_equal(old.offer_price, new.offer_price)
            and np.array_equal(old.setup_fee, new.setup_fee)
            and np.array_equal(old.max_share, new.max_share)
            and old.dataset.settings.unserved_penalty == new.dataset.settings.unserved_penalty
        )
        if not same:
            return False
        # x columns exist only from each pair's first week with capacity
        if np.any(new.pair_start < old.pair_start):
            return False
        # share rows exist only where the cap could bind under the old capacity
        return bool(np.array_equal(share_can_bind(old), share_can_bind(new)))

    # --- planning ------------------------------------------------------------------

    def plan(
        self,
        mode: Mode | str | None = None,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        prove: bool = True,
    ) -> PlanResult:
        """The plan in ``mode`` (default: the workbook's). With ``prove=False`` the
        exit-week search stops after its first plunge: a plan with its proven gap (fast
        and deterministic; for many re-plans)."""
        started = time.perf_counter()
        mode = Mode(mode) if mode is not None else self.dataset.settings.mode
        cancel = cancel or CancelToken()
        report = progress or (lambda _p: None)
        solved = self._solve(mode, started, time_limit, gap, report, cancel, prove)
        return self._result(solved, mode, cancel, started, report)

    def totals(self, mode: Mode | str | None = None, *, time_limit: float | None = None,
               gap: float | None = None, cancel: CancelToken | None = None) -> PlanTotals:
        """What :meth:`plan` would report of its plan's status, completion and costs,
        without building its tables (ramp-risk runs need only these)."""
        started = time.perf_counter()
        mode = Mode(mode) if mode is not None else self.dataset.settings.mode
        cancel = cancel or CancelToken()
        solved = self._solve(mode, started, time_limit, gap, lambda _p: None, cancel, True)
        status, arrays = self._plan_arrays(solved, cancel)
        week, costs = plan_costs(self.data, arrays)
        return PlanTotals(status, week, costs)

    def _solve(self, mode: Mode, started: float, time_limit: float | None,
               gap: float | None, report: ProgressFn, cancel: CancelToken, prove: bool
               ) -> _Solved:
        gap = DEFAULT_GAP if gap is None else gap
        deadline_at = started + time_limit if time_limit else None
        data = self.data
        solver: _Solver | None = None
        fastest_feasible: bool | None = None
        shortages: list[Shortage] = []
        notes: list[str] = []
        try:
            if mode is Mode.FASTEST:
                week = self.earliest_full_exit(cancel, deadline_at, report)
                if week is None:
                    fastest_feasible = False
                    full = _FullExit(self.model.data, cancel, deadline_at)
                    full.solver.set_capacity(data.offer_capacity)
                    shortages = _shortages(data, full.unserved(data.H - 1))
                    notes.append("No full exit with zero unserved work exists within the "
                                 "horizon; showing the cheapest plan instead.")
                else:
                    fastest_feasible = True
                    solver = self._week_solver(week, cancel, deadline_at)
                    notes.append(f"Earliest full exit: week {week} "
                                 f"({self.dataset.settings.week_start(week).isoformat()}).")
            if solver is None:
                solver = self.solver
                solver.cancel, solver.deadline_at = cancel, deadline_at
            outcome = _minimise_cost(solver, gap, report, prove)
            if solver is self._solver:
                self._keep_bases(solver.root_basis)
        except SolveCancelled:
            outcome = None
        model = solver.model if solver is not None else self.model
        return _Solved(outcome, model, fastest_feasible, shortages, notes)

    def plan_by(
        self,
        week: int,
        *,
        time_limit: float | None = None,
        gap: float | None = None,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
        prove: bool = True,
    ) -> PlanResult | None:
        """The cheapest plan that completes by ``week`` (no exited-vendor work from that
        week on) with no unserved task; None when there is none."""
        started = time.perf_counter()
        cancel = cancel or CancelToken()
        report = progress or (lambda _p: None)
        deadline_at = started + time_limit if time_limit else None
        try:
            known = self._earliest is not None and week >= self._earliest  # monotone
            if not known and not self._full_exit_check(cancel, deadline_at).feasible(week):
                return None
            solver = self._week_solver(week, cancel, deadline_at)
            outcome = _minimise_cost(solver, DEFAULT_GAP if gap is None else gap, report,
                                     prove)
        except SolveCancelled:
            return None
        if outcome is None:
            return None
        solved = _Solved(outcome, solver.model, None, [],
                         [f"Required to complete by week {week}."])
        return self._result(solved, Mode.CHEAPEST, cancel, started, report)

    def earliest_full_exit(self, cancel: CancelToken | None = None,
                           deadline_at: float | None = None,
                           report: ProgressFn | None = None) -> int | None:
        """Smallest W <= H-1 with a plan that leaves no work unserved and no exited-vendor
        work from week W on; None if there is none. Feasibility is monotone in W: a
        bisection, or, in a :meth:`variant` session, a search outward from the base
        workbook's week (a slip moves it by a few weeks: two or three checks)."""
        H = self.data.H
        report = report or (lambda _p: None)
        if H < 1:
            return None
        week = self._search_full_exit(cancel, deadline_at, report)
        self._earliest = week
        return week

    def _search_full_exit(self, cancel: CancelToken | None, deadline_at: float | None,
                          report: ProgressFn) -> int | None:
        H = self.data.H
        check = self._full_exit_check(cancel or CancelToken(), deadline_at)
        steps = 0

        def feasible(week: int) -> bool:
            nonlocal steps
            steps += 1
            report(SolveProgress(min(0.3, 0.15 + 0.02 * steps),
                                 f"Searching the earliest full exit: week {week}?"))
            return check.feasible(week)

        hint = self._exit_hint
        if hint is not None and 0 <= hint < H:
            if feasible(hint):
                lo, hi, step = hint, hint, 1  # find an infeasible week below
                while lo > 0:
                    lo = max(0, hint - step)
                    if not feasible(lo):
                        lo += 1
                        break
                    hi, step = lo, step * 2
                else:
                    return 0
            else:
                lo, step = hint + 1, 1  # find a feasible week above
                while True:
                    hi = min(H - 1, hint + step)
                    if feasible(hi):
                        break
                    if hi == H - 1:
                        return None
                    lo, step = hi + 1, step * 2
        else:
            report(SolveProgress(0.15, f"Checking that a full exit by week {H - 1} is "
                                       "possible"))
            if not check.feasible(H - 1):
                return None
            lo, hi = 0, H - 1
        while lo < hi:  # hi feasible, every week below lo infeasible
            mid = (lo + hi) // 2
            if feasible(mid):
                hi = mid
            else:
                lo = mid + 1
        return hi

    def _full_exit_check(self, cancel: CancelToken, deadline_at: float | None) -> _ExitFlow:
        if self._full_exit is None:
            if self._flow_model is None:
                # built for the model's data: a variant keeps its columns (capacity moves)
                self._flow_model = build_exit_flow(self.model.data)
            self._full_exit = _ExitFlow(self.data, cancel, deadline_at, self._flow_model)
            if self._full_exit_basis is not None:
                self._full_exit.solver.set_basis(self._full_exit_basis)
        self._full_exit.solver.cancel = cancel
        self._full_exit.solver.deadline_at = deadline_at
        return self._full_exit

    def _plan_arrays(self, solved: _Solved, cancel: CancelToken
                     ) -> tuple[SolveStatus, PlanArrays]:
        """The plan's status and arrays; the naive plan when none was found in time."""
        if solved.outcome is None:
            from planner.baseline import naive_arrays

            status = SolveStatus.CANCELLED if cancel.cancelled else SolveStatus.TIME_LIMIT
            return status, naive_arrays(self.data)
        return solved.outcome.status, _arrays(solved.model, solved.outcome.solution)

    def _result(self, solved: _Solved, mode: Mode, cancel: CancelToken, started: float,
                report: ProgressFn) -> PlanResult:
        outcome, model, notes = solved.outcome, solved.model, solved.notes
        status, arrays = self._plan_arrays(solved, cancel)
        if outcome is None:
            notes.append("Stopped before the optimiser found a plan: showing the naive plan.")
            bound = 0.0
            lp_bound = None
        else:
            tie_break = _tie_break_cost(model, outcome.solution)
            bound = outcome.bound - tie_break
            lp_bound = None if outcome.lp_bound is None else outcome.lp_bound - tie_break
        report(SolveProgress(0.95, "Building result tables"))
        info = SolveInfo(status=status, bound=bound, seconds=time.perf_counter() - started,
                         mode=mode, fastest_feasible=solved.fastest_feasible,
                         shortages=tuple(solved.shortages), notes=tuple(notes),
                         lp_bound=lp_bound)
        result = assemble(self.data, arrays, info)
        report(SolveProgress(1.0, "Done"))
        return result


def _tie_break_cost(model: Model, sol: FloatArray) -> float:
    """The part of the objective that only breaks ties (not money)."""
    from planner.model.build import EPS_EARLY_EXIT

    ix, d = model.index, model.data
    late = float(np.dot(model.cost[ix.inc] - d.stream_price[ix.inc_s], sol[ix.inc]))
    early = 0.0
    for c, t in enumerate(d.terms):
        first = model.index.contract_a[c]
        if first >= 0 and sol[first + t.L - t.lo - 1] < 0.5:
            early += EPS_EARLY_EXIT
    return late + early
