"""The planning model as one sparse MILP, built from arrays.

One ``define_*`` function per rule family of planning-model.md; :func:`build_model`
lists them. Variables live in blocks (x, inc, u, a, z, sf) whose index arrays map every
column back to (stream, vendor, week), so a solution turns straight into tables.

Variables
- ``x[l, t]``   tasks that offer o does in week t for the streams of eligibility class k,
  link l = (k, o), only in weeks the offer has capacity (after onboarding). Streams with
  the same eligible offers form a class: every rule on alternative work sees either one
  stream's total moved work (balance, cutover) or one offer's or vendor's total
  (capacity, share, setup, price), so work per (stream, offer) is not needed to find a
  plan: it is split back per stream afterwards (:func:`split_moved_work`). On the M
  benchmark this is 15k columns instead of 114k, with the same optimum.
- ``g[s, t]``   tasks of stream s moved to alternatives in week t (from the first week
  any offer of its class has capacity). Only in the model the insights read balance
  duals of (``stream_balance``); the optimiser's model writes g as V_s - inc - u (most
  g are positive, so basic: without them the LP takes half the simplex pivots).
- ``inc[s, t]`` tasks the exited vendor does for stream s, only for t < U_s (contract end,
  exit_by, exit deadline).
- ``u[s, t]``   unserved tasks.
- ``a[c, t]``   1 while contract c is still running in week t (t < e_c), binary, only for
  contracts whose exit week is a real choice (a commitment to weigh against the fee);
  others keep e_c = L_c, which then dominates (no fee, no accrual, more room).
- ``z[v]``      1 if vendor v gets any work (only vendors with a setup fee).
- ``sf[c]``     commitment shortfall of contract c.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from planner.model.data import FloatArray, IntArray, ModelData

# Tie-break (planning-model.md, Modes): among equally cheap plans prefer the earlier
# completion and fewer early terminations. Costs far below any money amount that
# matters; reported costs are always re-added without them.
EPS_LATE_TASK = 1e-6  # per task done by an exited vendor, scaled by (t + 1) / H
EPS_EARLY_EXIT = 1e-4  # per early termination


def _no_cols() -> slice:
    return slice(0, 0)


def _no_ints() -> IntArray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class ModelIndex:
    """Where each block of variables and rows sits, with its map back to the data."""

    x: slice = field(default_factory=_no_cols)
    x_link: IntArray = field(default_factory=_no_ints)
    x_t: IntArray = field(default_factory=_no_ints)
    g: slice = field(default_factory=_no_cols)
    g_s: IntArray = field(default_factory=_no_ints)
    g_t: IntArray = field(default_factory=_no_ints)
    inc: slice = field(default_factory=_no_cols)
    inc_s: IntArray = field(default_factory=_no_ints)
    inc_t: IntArray = field(default_factory=_no_ints)
    u: slice = field(default_factory=_no_cols)
    u_s: IntArray = field(default_factory=_no_ints)
    u_t: IntArray = field(default_factory=_no_ints)
    # column of u[s, t] at u_col[s * H + t], -1 where the model has none
    u_col: IntArray = field(default_factory=_no_ints)
    a: slice = field(default_factory=_no_cols)
    a_c: IntArray = field(default_factory=_no_ints)
    a_t: IntArray = field(default_factory=_no_ints)
    z: slice = field(default_factory=_no_cols)
    z_v: IntArray = field(default_factory=_no_ints)
    sf: slice = field(default_factory=_no_cols)
    sf_c: IntArray = field(default_factory=_no_ints)
    # column of z for each vendor, -1 when the vendor has no setup binary
    vendor_z: IntArray = field(default_factory=_no_ints)
    # first a column of each contract, -1 when its exit week is fixed
    contract_a: IntArray = field(default_factory=_no_ints)
    # built to serve every task (build_model(..., complete_by=W)): no u columns, and a
    # stream's moved work is V_s (a constant, no column) from its stop week U_s on
    serve_all: bool = False
    # one moved-work column g and one balance row per stream and week (what the insights
    # read duals of); False: g = V - inc - u is no column (the model the optimiser solves)
    stream_balance: bool = True


@dataclass
class Model:
    """A MILP in HiGHS's column-wise form, plus the index that reads its solution."""

    data: ModelData
    index: ModelIndex
    cost: FloatArray
    lower: FloatArray
    upper: FloatArray
    integer: np.ndarray  # bool per column
    matrix: sp.csc_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    offset: float
    # rows of each rule family, by its define_* name without the prefix ("capacity", ...)
    row_blocks: dict[str, slice] = field(default_factory=dict)
    # valid inequalities that are no rows of the LP: the solver adds those a relaxation
    # breaks (see define_exit_ramp)
    cuts: CutPool | None = None

    @property
    def num_cols(self) -> int:
        return len(self.cost)

    @property
    def num_rows(self) -> int:
        return len(self.row_lower)

    @property
    def num_integer(self) -> int:
        return int(self.integer.sum())


@dataclass
class CutPool:
    """Rows ``matrix @ x <= upper`` that every plan keeps but the LP needs only where
    its solution breaks them."""

    matrix: sp.csr_matrix
    upper: FloatArray

    def __len__(self) -> int:
        return len(self.upper)


class _Builder:
    """Accumulates column blocks and COO row entries (and the cut pool's)."""

    def __init__(self) -> None:
        self.cost: list[FloatArray] = []
        self.lower: list[FloatArray] = []
        self.upper: list[FloatArray] = []
        self.integer: list[np.ndarray] = []
        self.n = 0
        self.rows_i: list[IntArray] = []
        self.rows_j: list[IntArray] = []
        self.rows_v: list[FloatArray] = []
        self.row_lower: list[FloatArray] = []
        self.row_upper: list[FloatArray] = []
        self.m = 0
        self.offset = 0.0
        self.cut_i: list[IntArray] = []
        self.cut_j: list[IntArray] = []
        self.cut_v: list[FloatArray] = []
        self.cut_upper: list[FloatArray] = []
        self.k = 0

    def cols(self, cost: FloatArray, lower: FloatArray | float, upper: FloatArray | float,
             integer: bool = False) -> slice:
        k = len(cost)
        self.cost.append(np.asarray(cost, dtype=np.float64))
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (k,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (k,)).copy())
        self.integer.append(np.full(k, integer))
        block = slice(self.n, self.n + k)
        self.n += k
        return block

    def rows(self, lower: FloatArray | float, upper: FloatArray | float, count: int) -> int:
        """Add ``count`` rows; returns the first row number."""
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (count,)).copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (count,)).copy())
        first = self.m
        self.m += count
        return first

    def cut_rows(self, upper: FloatArray | float, count: int) -> int:
        """Add ``count`` rows ``... <= upper`` to the cut pool; returns the first."""
        self.cut_upper.append(
            np.broadcast_to(np.asarray(upper, dtype=np.float64), (count,)).copy())
        first = self.k
        self.k += count
        return first

    def cut_entries(self, rows: IntArray, cols: IntArray, vals: FloatArray | float) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.cut_i.append(rows)
        self.cut_j.append(np.asarray(cols, dtype=np.int64))
        self.cut_v.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape).copy())

    def entries(self, rows: IntArray, cols: IntArray, vals: FloatArray | float) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.rows_i.append(rows)
        self.rows_j.append(np.asarray(cols, dtype=np.int64))
        self.rows_v.append(np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape).copy())

    def finish(self, data: ModelData, index: ModelIndex) -> Model:
        cat = np.concatenate
        empty_i = [np.zeros(0, dtype=np.int64)]
        matrix = sp.csc_matrix(
            (cat(self.rows_v or [np.zeros(0)]), (cat(self.rows_i or empty_i),
                                                 cat(self.rows_j or empty_i))),
            shape=(self.m, self.n),
        )
        matrix.sum_duplicates()
        cuts = None
        if self.k:
            pool = sp.csr_matrix((cat(self.cut_v), (cat(self.cut_i), cat(self.cut_j))),
                                 shape=(self.k, self.n))
            pool.sum_duplicates()
            cuts = CutPool(pool, cat(self.cut_upper))
        return Model(
            data=data,
            index=index,
            cost=cat(self.cost),
            lower=cat(self.lower),
            upper=cat(self.upper),
            integer=cat(self.integer),
            matrix=matrix,
            row_lower=cat(self.row_lower or [np.zeros(0)]),
            row_upper=cat(self.row_upper or [np.zeros(0)]),
            offset=self.offset,
            cuts=cuts,
        )


def _ragged(starts: IntArray, stops: IntArray) -> tuple[IntArray, IntArray]:
    """For k items with ranges [start, stop): (item of each element, value of each element)."""
    counts = np.maximum(stops - starts, 0)
    item = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    value = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(first, counts) + np.repeat(
        starts, counts)
    return item, value


# --- variables -------------------------------------------------------------------------

def define_alternative_work(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """x[l, t] >= 0 per (class, offer) link from the offer's first week with capacity."""
    n = len(d.link_offer)
    ix.x_link, ix.x_t = _ragged(d.link_start, np.full(n, d.H, dtype=np.int64))
    ix.x = b.cols(d.offer_price[d.link_offer[ix.x_link]], 0.0, np.inf)


def define_moved_work(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """g[s, t] >= 0: a stream's work on alternatives, once its class has any capacity
    (serving all: only before its stop week, after which it is V_s). Without stream
    balance rows, g is V_s - inc - u, no column (see define_balance)."""
    if not ix.stream_balance:
        ix.g = b.cols(np.zeros(0), 0.0, 0.0)
        return
    has = np.flatnonzero(d.stream_class >= 0)
    start = d.class_start[d.stream_class[has]]
    stop = np.maximum(start, _g_stop(d, ix)[has])
    item, ix.g_t = _ragged(start, stop)
    ix.g_s = has[item]
    ix.g = b.cols(np.zeros(len(ix.g_s)), 0.0, np.repeat(d.volume[has], stop - start))


def _g_stop(d: ModelData, ix: ModelIndex) -> IntArray:
    """(S,) the week each stream's moved work stops being a choice (H, or U_s when every
    task must be served: no exited-vendor work, nothing unserved, so g = V_s)."""
    return d.inc_weeks.copy() if ix.serve_all else np.full(d.S, d.H, dtype=np.int64)


def can_move(d: ModelData) -> np.ndarray:
    """(S, H) whether the stream's work can go to alternatives in the week: some offer
    of its class has capacity by then."""
    start = np.full(d.S, d.H, dtype=np.int64)
    has = d.stream_class >= 0
    start[has] = d.class_start[d.stream_class[has]]
    return np.arange(d.H)[None, :] >= start[:, None]


def moved_work(model: Model, sol: FloatArray) -> FloatArray:
    """(S, H) each stream's work on alternatives in a solution."""
    d, ix = model.data, model.index
    if ix.stream_balance:
        g = fixed_moved_work(d, ix)
        g[ix.g_s, ix.g_t] = sol[ix.g]
    else:
        kept = unserved_tasks(model, sol)
        kept[ix.inc_s, ix.inc_t] += sol[ix.inc]
        g = np.where(can_move(d), d.volume[:, None] - kept, 0.0)
    return np.maximum(g, 0.0)


def unserved_tasks(model: Model, sol: FloatArray) -> FloatArray:
    """(S, H) unserved tasks in a solution (zero where the model has no u column)."""
    d, ix = model.data, model.index
    out = np.zeros((d.S, d.H))
    out[ix.u_s, ix.u_t] = sol[ix.u]
    return out


def fixed_moved_work(d: ModelData, ix: ModelIndex) -> FloatArray:
    """(S, H) moved work that is no column: V_s from U_s on in a serve-all model."""
    if not ix.serve_all:
        return np.zeros((d.S, d.H))
    return np.where(np.arange(d.H)[None, :] >= d.inc_weeks[:, None], d.volume[:, None], 0.0)


def define_exited_vendor_work(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """inc[s, t] >= 0 while the contract runs and no exit_by/deadline forbids it."""
    ix.inc_s, ix.inc_t = _ragged(np.zeros(d.S, dtype=np.int64), d.inc_weeks)
    tie_break = EPS_LATE_TASK * (ix.inc_t + 1) / d.H
    lower: FloatArray | float = 0.0
    upper: FloatArray | float = np.inf
    if not ix.stream_balance:
        # inc <= V_s (g >= 0); where the week has no unserved column the balance is this
        # bound, and inc = V_s where nothing can move
        upper = d.volume[ix.inc_s]
        alone = ~_unserved_weeks(d, ix)[ix.inc_s, ix.inc_t]
        lower = np.where(alone & ~can_move(d)[ix.inc_s, ix.inc_t], upper, 0.0)
    ix.inc = b.cols(d.stream_price[ix.inc_s] + tie_break, lower, upper)


def _exit_choice(d: ModelData) -> np.ndarray:
    """(C,) whether the contract's exit week is a choice (a[c, t] columns): it can end
    early and has a commitment to weigh against the fee (see define_exit_weeks)."""
    return np.array([t.can_terminate_early and t.contract.min_commitment > 0
                     for t in d.terms], dtype=bool)


def _unserved_weeks(d: ModelData, ix: ModelIndex) -> np.ndarray:
    """(S, H) the weeks with an unserved column u[s, t].

    Serving all, none. In the optimiser's model (no stream balance rows), none either
    where the exited vendor may work and nothing can stop it: before the contract's
    earliest exit week, or all along when its exit week is no choice. There a task it
    does costs its price, below the unserved penalty, and every rule sees u only as
    inc does (the balance, pooling and cutover rows see inc + u; the exit ramp cuts
    see no u of these weeks; the vendor's spend only lowers a shortfall), so an
    unserved task always does better on the exited vendor: the same optimum, in a
    fifth fewer rows and columns on the M benchmark."""
    if ix.serve_all:
        return np.zeros((d.S, d.H), dtype=bool)
    has = np.ones((d.S, d.H), dtype=bool)
    if ix.stream_balance:
        return has
    lo = np.array([t.lo for t in d.terms], dtype=np.int64)
    free_until = np.where(_exit_choice(d), lo, d.H)[d.stream_contract]  # (S,)
    weeks = np.arange(d.H)[None, :]
    cheaper = (d.stream_price + EPS_LATE_TASK < d.dataset.settings.unserved_penalty)[:, None]
    served = (weeks < np.minimum(d.inc_weeks, free_until)[:, None]) & cheaper
    return has & ~served


def define_unserved(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """u[s, t] >= 0, each task costing the unserved penalty, in the weeks of
    :func:`_unserved_weeks` (none when serving all)."""
    H = d.H
    has = _unserved_weeks(d, ix)
    ix.u_s, ix.u_t = (np.asarray(a, dtype=np.int64) for a in np.nonzero(has))
    n = len(ix.u_s)
    lower, upper = np.zeros(n), np.full(n, np.inf)
    if not ix.stream_balance:
        # weeks with no exited-vendor work have no balance row: u <= V_s, and u = V_s
        # where nothing can move either
        idle = ix.u_t >= d.inc_weeks[ix.u_s]
        vol = d.volume[ix.u_s]
        upper[idle] = vol[idle]
        stuck = idle & ~can_move(d)[ix.u_s, ix.u_t]
        lower[stuck] = vol[stuck]
    penalty = d.dataset.settings.unserved_penalty
    ix.u = b.cols(np.full(n, penalty), lower, upper)
    ix.u_col = np.full(d.S * H, -1, dtype=np.int64)
    ix.u_col[ix.u_s * H + ix.u_t] = np.arange(ix.u.start, ix.u.stop)


def define_exit_weeks(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """a[c, t] in {0, 1}, t in [lo_c, L_c), for contracts whose exit week is a choice.

    Only contracts with a commitment get a choice: with min_commitment = 0, ending at
    L_c costs no fee and accrues nothing, so it is never worse than ending early.
    The fee of an early exit is fee * (1 - a[c, L_c - 1]).
    """
    lo = np.array([t.lo for t in d.terms], dtype=np.int64)
    hi = np.array([t.L for t in d.terms], dtype=np.int64)
    choice = _exit_choice(d)
    hi_eff = np.where(choice, hi, lo)
    ix.a_c, ix.a_t = _ragged(lo, hi_eff)
    cost = np.zeros(len(ix.a_c))
    last = ix.a_t == hi[ix.a_c] - 1
    fees = np.array([t.contract.termination_fee + EPS_EARLY_EXIT for t in d.terms])
    cost[last] = -fees[ix.a_c[last]]
    b.offset += float(fees[choice].sum())
    ix.a = b.cols(cost, 0.0, 1.0, integer=True)
    ix.contract_a = np.full(d.C, -1, dtype=np.int64)
    starts = np.cumsum(hi_eff - lo) - (hi_eff - lo)
    ix.contract_a[choice] = ix.a.start + starts[choice]


def define_setup(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """z[v] in {0, 1} for vendors with a setup fee and some eligible work."""
    used = np.zeros(d.V, dtype=bool)
    used[d.pair_vendor] = True
    ix.z_v = np.flatnonzero(used & (d.setup_fee > 0)).astype(np.int64)
    ix.z = b.cols(d.setup_fee[ix.z_v], 0.0, 1.0, integer=True)
    ix.vendor_z = np.full(d.V, -1, dtype=np.int64)
    ix.vendor_z[ix.z_v] = np.arange(ix.z.start, ix.z.stop)


def define_shortfall_vars(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """sf[c] >= 0 for contracts with a commitment."""
    ix.sf_c = np.array([i for i, t in enumerate(d.terms)
                        if t.contract.min_commitment > 0 and t.T > 0], dtype=np.int64)
    ix.sf = b.cols(np.ones(len(ix.sf_c)), 0.0, np.inf)


# --- rules -----------------------------------------------------------------------------

def define_balance(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """inc[s,t] + g[s,t] + u[s,t] = V_s for every stream and week (g = sum_v x[s,v,t]);
    serving all, inc + g = V_s in weeks before the stream's stop week (g = V_s after).

    Without stream balance rows g = V_s - inc - u is no column: g >= 0 is
    inc + u <= V_s (= V_s where nothing can move), a row only where inc exists (else a
    bound on u, see define_unserved; serving all, a bound on inc). Most g are positive,
    and so basic: the LP without them takes half the simplex pivots."""
    if not ix.stream_balance:
        if ix.serve_all:
            return
        u_cols = ix.u_col[ix.inc_s * d.H + ix.inc_t]
        both = np.flatnonzero(u_cols >= 0)  # elsewhere the balance is inc's bound
        n = len(both)
        vol = d.volume[ix.inc_s[both]]
        lower = np.where(can_move(d)[ix.inc_s[both], ix.inc_t[both]], -np.inf, vol)
        first = b.rows(lower, vol, n)
        b.entries(first + np.arange(n), ix.inc.start + both, 1.0)
        b.entries(first + np.arange(n), u_cols[both], 1.0)
        return
    if not ix.serve_all:
        first = b.rows(np.repeat(d.volume, d.H), np.repeat(d.volume, d.H), d.S * d.H)
        b.entries(first + ix.g_s * d.H + ix.g_t, np.arange(ix.g.start, ix.g.stop), 1.0)
        b.entries(first + ix.inc_s * d.H + ix.inc_t, np.arange(ix.inc.start, ix.inc.stop),
                  1.0)
        b.entries(first + ix.u_s * d.H + ix.u_t, np.arange(ix.u.start, ix.u.stop), 1.0)
        return
    stop = d.inc_weeks
    rows = np.repeat(d.volume, stop)
    first = b.rows(rows, rows, len(rows))
    row_start = first + np.cumsum(stop) - stop  # row of (s, 0)
    b.entries(row_start[ix.g_s] + ix.g_t, np.arange(ix.g.start, ix.g.stop), 1.0)
    b.entries(row_start[ix.inc_s] + ix.inc_t, np.arange(ix.inc.start, ix.inc.stop), 1.0)


def define_pooling(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """sum over the class's streams g[s,t] = sum over its links x[l,t], per class and week
    from the class's first week with capacity: what the streams move, the offers do.
    Without stream balance rows: sum x + sum over the streams (inc + u) = sum V_s."""
    if not ix.stream_balance:
        _pool_lean(b, d, ix)
        return
    start = d.class_start
    # serving all, the streams' fixed moved work (V_s from U_s on) is the right-hand side
    fixed = fixed_moved_work(d, ix)
    has = d.stream_class >= 0
    by_class = np.zeros((d.K, d.H))
    np.add.at(by_class, d.stream_class[has], fixed[has])
    weeks = np.arange(d.H)[None, :]
    rhs = -by_class[weeks >= start[:, None]]  # (k, t >= start_k) in row order
    first = b.rows(rhs, rhs, int((d.H - start).sum()))
    row_start = first + np.cumsum(d.H - start) - (d.H - start)  # row of (k, start_k)
    _no_plan_if_stranded(b, d, ix)
    k_g = d.stream_class[ix.g_s]
    b.entries(row_start[k_g] + ix.g_t - start[k_g], np.arange(ix.g.start, ix.g.stop), 1.0)
    k_x = d.link_class[ix.x_link]
    b.entries(row_start[k_x] + ix.x_t - start[k_x], np.arange(ix.x.start, ix.x.stop), -1.0)


def _no_plan_if_stranded(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """Serving all, work that must move (from its stop week on) where no alternative can
    take it (no eligible offer, or none with capacity yet) leaves no plan: one row that
    no solution keeps."""
    if not ix.serve_all:
        return
    must_move = np.arange(d.H)[None, :] >= d.inc_weeks[:, None]
    if np.any(must_move & ~can_move(d) & (d.volume > 0)[:, None]):
        b.rows(1.0, 1.0, 1)


def _pool_lean(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    start = d.class_start
    has = d.stream_class >= 0
    volume = np.zeros(d.K)
    np.add.at(volume, d.stream_class[has], d.volume[has])
    rhs = np.repeat(volume, d.H - start)
    first = b.rows(rhs, rhs, len(rhs))
    row_start = first + np.cumsum(d.H - start) - (d.H - start)  # row of (k, start_k)
    _no_plan_if_stranded(b, d, ix)
    k_x = d.link_class[ix.x_link]
    b.entries(row_start[k_x] + ix.x_t - start[k_x], np.arange(ix.x.start, ix.x.stop), 1.0)
    movable = can_move(d)
    keep = movable[ix.inc_s, ix.inc_t]
    k_i = d.stream_class[ix.inc_s[keep]]
    b.entries(row_start[k_i] + ix.inc_t[keep] - start[k_i],
              np.arange(ix.inc.start, ix.inc.stop)[keep], 1.0)
    keep = movable[ix.u_s, ix.u_t]
    k_u, t_u = d.stream_class[ix.u_s[keep]], ix.u_t[keep]
    b.entries(row_start[k_u] + t_u - start[k_u], np.arange(ix.u.start, ix.u.stop)[keep], 1.0)


def define_capacity(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """sum over streams x[s,v,t] <= weekly_capacity * r(t) per offer and week.

    For vendors with a setup fee the right-hand side is multiplied by z[v], which both
    links the fee to any use and keeps the relaxation tight.
    """
    H = d.H
    cap = d.offer_capacity.reshape(-1)
    z_col = np.repeat(ix.vendor_z[d.offer_vendor], H)  # per (offer, week)
    has_z = z_col >= 0
    first = b.rows(-np.inf, np.where(has_z, 0.0, cap), d.O * H)
    x_cols = np.arange(ix.x.start, ix.x.stop)
    b.entries(first + d.link_offer[ix.x_link] * H + ix.x_t, x_cols, 1.0)
    rows = first + np.arange(d.O * H)
    b.entries(rows[has_z], z_col[has_z], -cap[has_z])


def share_can_bind(d: ModelData) -> np.ndarray:
    """Vendors whose share cap can bind: below 100% and below their full capacity (the
    balance already keeps any vendor at or under 100% of the volume)."""
    limit = d.max_share * d.total_volume
    full = np.zeros(d.V)
    np.add.at(full, d.offer_vendor, d.offer_capacity.max(axis=1) if d.O else 0.0)
    return np.asarray((d.max_share < 1.0) & (limit < full - 1e-9))


def define_share(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """sum over streams x[s,v,t] <= max_share * total weekly volume, where it can bind."""
    limit = d.max_share * d.total_volume
    binding = np.flatnonzero(share_can_bind(d))
    if len(binding) == 0:
        return
    row_of_vendor = np.full(d.V, -1, dtype=np.int64)
    row_of_vendor[binding] = np.arange(len(binding))
    first = b.rows(-np.inf, np.repeat(limit[binding], d.H), len(binding) * d.H)
    x_vendor = d.offer_vendor[d.link_offer[ix.x_link]]
    keep = row_of_vendor[x_vendor] >= 0
    rows = first + row_of_vendor[x_vendor[keep]] * d.H + ix.x_t[keep]
    b.entries(rows, np.arange(ix.x.start, ix.x.stop)[keep], 1.0)


def define_cutover(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """g_s(t) - g_s(t-1) <= V_s / cutover_weeks (g_s(-1) = 0), cutover_weeks >= 2.

    By the balance, g_s(t) = V_s - inc[s,t] - u[s,t], so each row is written with the
    stream's own four columns instead of every alternative's (far sparser, same rows):
    n(t-1) - n(t) <= step with n = inc + u, and V_s - n(0) <= step in week 0.
    With cutover_weeks = 1 the limit is V_s, which the balance already implies.
    Serving all, n = inc, so rows after the stream's stop week U_s read 0 <= step and
    are left out.
    """
    limited = np.flatnonzero(d.cutover >= 2)
    if len(limited) == 0:
        return
    H = d.H
    step = d.volume[limited] / d.cutover[limited]
    count = np.minimum(d.inc_weeks[limited] + 1, H) if ix.serve_all else np.full(
        len(limited), H, dtype=np.int64)
    item, t = _ragged(np.zeros(len(limited), dtype=np.int64), count)
    upper = step[item]
    upper[t == 0] -= d.volume[limited]
    first = b.rows(-np.inf, upper, len(upper))
    row_of_stream = np.full(d.S, -1, dtype=np.int64)
    row_of_stream[limited] = first + np.cumsum(count) - count
    # n = inc + u (u where the week has a column): -n(t) in row t, +n(t) in row t + 1
    for block, s_of, t_of in ((ix.u, ix.u_s, ix.u_t), (ix.inc, ix.inc_s, ix.inc_t)):
        keep = row_of_stream[s_of] >= 0
        cols = np.arange(block.start, block.stop)[keep]
        weeks = t_of[keep]
        rows = row_of_stream[s_of[keep]] + weeks
        b.entries(rows, cols, -1.0)
        nxt = weeks + 1 < H
        b.entries(rows[nxt] + 1, cols[nxt], 1.0)


def define_exit_ramp(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """Valid inequalities (no plan is cut off) that tighten the exit-week relaxation, in
    the cut pool: the solver adds those its LPs break.

    If contract c ends at week e, its vendor does nothing in week e, and the cutover
    limit lets a stream's moved work rise by at most ``step_s = V_s / cutover_s`` a
    week, so a stream still on the vendor in week t < e can hand over only so much:
    inc[s,t] <= step_s * (e - t) + u[s,e], and inc[s,t] <= V_s anyway. Both at once:

        inc[s,t] <= step_s * sum_{t' = t}^{t + cutover_s - 1} a[c,t']
                    + sum_{t' = t + 1}^{t + cutover_s - 1} u[s,t']

    (the sum of a counts the weeks the contract still runs in the window: min(cutover,
    e - t); a contract that may run to the horizon counts as running past it). This
    is at least as tight as inc[s,t] <= V_s * a[c,t], and the relaxation otherwise lets
    a fractional exit week follow the cutover ramp, as if a contract could end a
    little each week (0.04% of the LP bound on the M benchmark). As rows of the LP,
    the 3.2k cuts of M double its simplex's time; the few hundred it breaks are cheap.
    """
    if len(ix.a_c) == 0:
        return
    H = d.H
    lo = np.array([t.lo for t in d.terms], dtype=np.int64)
    hi = np.array([t.L for t in d.terms], dtype=np.int64)
    has_alt = np.zeros(d.S, dtype=bool)
    has_alt[d.pair_stream] = True
    c_of_inc = d.stream_contract[ix.inc_s]
    sel = ((ix.contract_a[c_of_inc] >= 0) & (ix.inc_t >= lo[c_of_inc])
           & (d.cutover[ix.inc_s] >= 2) & has_alt[ix.inc_s])
    inc_k = np.flatnonzero(sel)
    if len(inc_k) == 0:
        return
    s_k, t_k = ix.inc_s[inc_k], ix.inc_t[inc_k]
    c_k = d.stream_contract[s_k]
    n = len(inc_k)
    cutover = d.cutover[s_k].astype(np.int64)
    step = d.volume[s_k] / cutover
    rows = b.cut_rows(0.0, n) + np.arange(n)
    b.cut_entries(rows, ix.inc.start + inc_k, 1.0)
    # a[c, t'] over the window (a[c, H-1] for weeks past the horizon)
    item, offset = _ragged(np.zeros(n, dtype=np.int64), cutover)
    week, c_i = t_k[item] + offset, c_k[item]
    keep = (week < hi[c_i]) | (hi[c_i] == H)
    week = np.minimum(week, hi[c_i] - 1)
    b.cut_entries(rows[item[keep]], (ix.contract_a[c_i] + week - lo[c_i])[keep],
                  -step[item[keep]])
    # u[s, t'] of the window's later weeks
    later = np.flatnonzero((offset >= 1) & (t_k[item] + offset < H))
    u_cols = ix.u_col[s_k[item[later]] * H + t_k[item[later]] + offset[later]]
    has = u_cols >= 0
    b.cut_entries(rows[item[later[has]]], u_cols[has], -1.0)


def define_contract_running(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """inc[s,t] <= V_s * a[c,t] and a[c,t] <= a[c,t-1]: work only before the exit week."""
    if len(ix.a_c) == 0:
        return
    lo = np.array([t.lo for t in d.terms], dtype=np.int64)
    # monotone: a[c,t] - a[c,t-1] <= 0 for t > lo_c
    later = ix.a_t > lo[ix.a_c]
    cols = np.arange(ix.a.start, ix.a.stop)[later]
    first = b.rows(-np.inf, 0.0, len(cols))
    rows = first + np.arange(len(cols))
    b.entries(rows, cols, 1.0)
    b.entries(rows, cols - 1, -1.0)
    # availability: inc[s,t] - V_s a[c,t] <= 0 for lo_c <= t < U_s
    c_of_inc = d.stream_contract[ix.inc_s]
    has_a = ix.contract_a[c_of_inc] >= 0
    sel = has_a & (ix.inc_t >= lo[c_of_inc])
    inc_cols = np.arange(ix.inc.start, ix.inc.stop)[sel]
    a_cols = ix.contract_a[c_of_inc[sel]] + ix.inc_t[sel] - lo[c_of_inc[sel]]
    first = b.rows(-np.inf, 0.0, len(inc_cols))
    rows = first + np.arange(len(inc_cols))
    b.entries(rows, inc_cols, 1.0)
    b.entries(rows, a_cols, -d.volume[ix.inc_s[sel]])


def define_commitment(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """sf_c >= min_commitment * e_c / T_c - spend_c (take-or-pay shortfall)."""
    if len(ix.sf_c) == 0:
        return
    row_of_contract = np.full(d.C, -1, dtype=np.int64)
    row_of_contract[ix.sf_c] = np.arange(len(ix.sf_c))
    rate = np.array([t.contract.min_commitment / t.T if t.T else 0.0 for t in d.terms])
    fixed_weeks = np.array(
        [t.lo if ix.contract_a[i] >= 0 else t.L for i, t in enumerate(d.terms)], dtype=np.float64)
    # rate * (fixed + sum a) - spend - sf <= 0  ->  rate * sum a - spend - sf <= -rate * fixed
    first = b.rows(-np.inf, -(rate * fixed_weeks)[ix.sf_c], len(ix.sf_c))
    b.entries(first + np.arange(len(ix.sf_c)), np.arange(ix.sf.start, ix.sf.stop), -1.0)
    c_of_inc = d.stream_contract[ix.inc_s]
    keep = row_of_contract[c_of_inc] >= 0
    b.entries(first + row_of_contract[c_of_inc[keep]],
              np.arange(ix.inc.start, ix.inc.stop)[keep], -d.stream_price[ix.inc_s[keep]])
    keep_a = row_of_contract[ix.a_c] >= 0
    b.entries(first + row_of_contract[ix.a_c[keep_a]], np.arange(ix.a.start, ix.a.stop)[keep_a],
              rate[ix.a_c[keep_a]])


VARIABLES: tuple[Callable[[_Builder, ModelData, ModelIndex], None], ...] = (
    define_alternative_work,
    define_moved_work,
    define_exited_vendor_work,
    define_unserved,
    define_exit_weeks,
    define_setup,
    define_shortfall_vars,
)

RULES: tuple[Callable[[_Builder, ModelData, ModelIndex], None], ...] = (
    define_balance,
    define_pooling,
    define_capacity,
    define_share,
    define_cutover,
    define_contract_running,
    define_exit_ramp,
    define_commitment,
)


def build_model(data: ModelData, complete_by: int | None = None,
                stream_balance: bool = False) -> Model:
    """The full planning MILP of planning-model.md (cheapest-cost objective).

    ``complete_by``: only plans with no exited-vendor work from that week on and no
    unserved task (fastest mode, a price-of-speed point). The same plans as the full
    model with those columns fixed at zero, in a far smaller LP: the exited vendors'
    columns stop at week W, there are no unserved columns, and a stream's moved work
    from its stop week on is the constant V_s (its balance and cutover rows go too).

    ``stream_balance``: keep a moved-work column and a balance row per stream and week,
    for the insights that read the balance duals (what one more task would cost); the
    optimiser solves the model without them (define_balance)."""
    b = _Builder()
    ix = ModelIndex(stream_balance=stream_balance)
    if complete_by is not None:
        data = replace(data, inc_weeks=np.minimum(data.inc_weeks, max(0, complete_by)))
        ix.serve_all = True
    return _built(b, data, ix, VARIABLES + RULES)


def _built(b: _Builder, data: ModelData, ix: ModelIndex,
           defines: tuple[Callable[[_Builder, ModelData, ModelIndex], None], ...]) -> Model:
    """Run ``defines`` in order; the model, with its rows by rule family."""
    blocks: dict[str, slice] = {}
    for define in defines:
        first = b.m
        define(b, data, ix)
        if b.m > first:
            blocks[define.__name__.removeprefix("define_")] = slice(first, b.m)
    model = b.finish(data, ix)
    model.row_blocks = blocks
    return model


def define_demand(b: _Builder, d: ModelData, ix: ModelIndex) -> None:
    """sum over the class's links x[l,t] + short[k,t] = demand[k,t] per class and week
    (the demand is set per check: :func:`full_exit_demand`); each short task costs 1."""
    first = b.rows(0.0, 0.0, d.K * d.H)
    ix.u = b.cols(np.ones(d.K * d.H), 0.0, np.inf)  # short[k, t] at u.start + k * H + t
    b.entries(first + np.arange(d.K * d.H), np.arange(ix.u.start, ix.u.stop), 1.0)
    b.entries(first + d.link_class[ix.x_link] * d.H + ix.x_t,
              np.arange(ix.x.start, ix.x.stop), 1.0)


def build_exit_flow(data: ModelData) -> Model:
    """The full-exit check as one small LP: can alternatives take each class's least
    moved work (:func:`full_exit_demand`) in every week? Columns x (as in
    :func:`build_model`) and short[k, t] in the ``u`` block; rows ``demand``, then
    ``capacity`` and ``share`` laid out as in the planning model, capacity without setup
    binaries (a full exit may engage every vendor)."""
    b = _Builder()
    ix = ModelIndex()
    ix.vendor_z = np.full(data.V, -1, dtype=np.int64)
    define_alternative_work(b, data, ix)
    b.cost[-1] = np.zeros(ix.x.stop - ix.x.start)  # only the short tasks count
    return _built(b, data, ix, (define_demand, define_capacity, define_share))


def full_exit_demand(d: ModelData, week: int) -> tuple[FloatArray, float]:
    """The least moved work of a full exit by ``week``: ((K, H) per class and week, tasks
    no alternative can take at all).

    With nothing unserved, a stream's exited vendor stops by D = min(U_s, week), so its
    moved work g is V_s from D on and, as cutover lets g rise by at most V_s / cutover per
    week, at least V_s - step * (D - t) before. That least g keeps every cutover row
    itself, and every other rule limits each week's alternative work from above, so a
    full exit by ``week`` exists exactly when these demands fit each week's capacity and
    share caps (:func:`build_exit_flow`) and nothing is left over here: work of streams
    with no eligible alternative, and the part of week 0's demand above one cutover step
    (g(-1) = 0)."""
    H = d.H
    t = np.arange(H, dtype=np.float64)[None, :]
    stop = np.minimum(d.inc_weeks, week).astype(np.float64)[:, None]
    limited = (d.cutover >= 2)[:, None]
    step = np.where(limited[:, 0], d.volume / np.maximum(d.cutover, 1), d.volume)[:, None]
    vol = d.volume[:, None]
    ramp = np.where(limited, np.maximum(0.0, vol - step * (stop - t)), 0.0)
    least = np.where(t >= stop, vol, ramp)  # (S, H)
    left = float(np.maximum(0.0, least[:, 0] - step[:, 0]).sum()) if H else 0.0
    has = d.stream_class >= 0
    left += float(least[~has].sum())
    demand = np.zeros((d.K, H))
    np.add.at(demand, d.stream_class[has], least[has])
    return demand, left


def split_moved_work(model: Model, sol: FloatArray) -> FloatArray:
    """(P, H) tasks per eligible pair (stream, offer) and week from a solution.

    Per class and week the streams' moved work g and the offers' work x have the same
    total; any split keeps every rule and cost. This one fills the offers in their link
    order (cheapest first) with the class's streams in their sheet order (the
    "north-west corner" of a transport table), so a stream uses few vendors and keeps
    them from week to week while the totals move slowly.
    """
    d, ix = model.data, model.index
    H = d.H
    g = moved_work(model, sol)
    xl = np.zeros((len(d.link_offer), H))
    xl[ix.x_link, ix.x_t] = np.maximum(sol[ix.x], 0.0)
    pair_of = {(int(s), int(o)): p for p, (s, o) in
               enumerate(zip(d.pair_stream, d.pair_offer, strict=True))}
    out = np.zeros((d.P, H))
    for k in range(d.K):
        streams = np.flatnonzero(d.stream_class == k)
        links = np.flatnonzero(d.link_class == k)
        cum_s = np.cumsum(g[streams], axis=0)  # (ns, H)
        cum_o = np.cumsum(xl[links], axis=0)  # (nl, H)
        total_s, total_o = cum_s[-1], cum_o[-1]
        # scale the offers' running totals onto the streams' (equal up to LP tolerance)
        scale = np.divide(total_s, total_o, out=np.zeros(H), where=total_o > 0)
        cum_o = cum_o * scale
        lo_s = np.vstack([np.zeros((1, H)), cum_s[:-1]])
        lo_o = np.vstack([np.zeros((1, H)), cum_o[:-1]])
        share = (np.minimum(cum_s[:, None, :], cum_o[None, :, :])
                 - np.maximum(lo_s[:, None, :], lo_o[None, :, :]))  # (ns, nl, H)
        share = np.maximum(share, 0.0)
        for i, s in enumerate(streams.tolist()):
            for j, lk in enumerate(links.tolist()):
                out[pair_of[(s, int(d.link_offer[lk]))]] = share[i, j]
    return out
