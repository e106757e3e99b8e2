"""The planning model's LP relaxation, for duals and cheap what-if feasibility checks.

The insights ask many small questions of the same model: which rows bind in a plan
(duals), and whether a variant of the data can place all its work by some week. Both are
LPs over :func:`planner.model.build.build_model`: the binaries (exit weeks, vendor
engagement) are either fixed to a plan's values or opened to 1, which gives the most
room (every vendor engaged, every contract running to its end) -- so full-exit
feasibility is a pure LP, as in the fastest mode of planning-model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import highspy
import numpy as np

from planner.assemble import TASK_EPS
from planner.domain import Dataset
from planner.model.build import Model, build_model, unserved_tasks
from planner.model.data import FloatArray, ModelData, build_data
from planner.results import PlanResult
from planner.solve import CancelToken, PlanSession, SolveCancelled, lp_highs


class InsightsCancelled(Exception):
    """The user cancelled while an insight was being computed."""


@dataclass(frozen=True)
class LPSolution:
    objective: float
    col_value: FloatArray
    row_dual: FloatArray  # d(objective) / d(row bound); <= 0 on a binding "<=" row


class Relaxation:
    """One warm HiGHS LP over a Model; bounds change between runs.

    ``objective="cost"`` is the model's own cost; ``"unserved"`` minimises the total
    unserved tasks (zero when every task can be placed).
    """

    def __init__(self, model: Model, objective: str = "cost",
                 cancel: CancelToken | None = None) -> None:
        self.model = model
        self.cancel = cancel or CancelToken()
        ix = model.index
        if objective == "cost":
            cost = None
        elif objective == "unserved":
            cost = np.zeros(model.num_cols)
            cost[ix.u] = 1.0
        else:
            raise ValueError(objective)
        self.h = lp_highs(model, cost)  # no integrality: the relaxation
        self.int_cols = np.flatnonzero(model.integer).astype(np.int32)
        self.inc_cols = np.arange(ix.inc.start, ix.inc.stop, dtype=np.int32)
        self.u_cols = np.arange(ix.u.start, ix.u.stop, dtype=np.int32)

    def _bounds(self, cols: np.ndarray, lower: FloatArray | float,
                upper: FloatArray | float) -> None:
        if len(cols):
            n = len(cols)
            self.h.changeColsBounds(
                n, cols.astype(np.int32),
                np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy(),
                np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy())

    def open_binaries(self) -> None:
        """Every vendor engaged and every contract running to its last week: most room."""
        self._bounds(self.int_cols, 1.0, 1.0)

    def fix_to_plan(self, plan: PlanResult) -> None:
        """Exit weeks and engaged vendors as in ``plan`` (the plan's own LP)."""
        ix, d = self.model.index, self.model.data
        exit_of = dict(zip(plan.contracts["contract_id"], plan.contracts["exit_week"],
                           strict=True))
        engaged = set(plan.vendors.loc[plan.vendors["engaged"], "vendor"])
        a_cols = np.arange(ix.a.start, ix.a.stop, dtype=np.int32)
        exits = np.array([exit_of[t.contract.contract_id] for t in d.terms], dtype=np.int64)
        a_val = (ix.a_t < exits[ix.a_c]).astype(np.float64)
        self._bounds(a_cols, a_val, a_val)
        z_cols = np.arange(ix.z.start, ix.z.stop, dtype=np.int32)
        z_val = np.array([d.vendor_names[v] in engaged for v in ix.z_v], dtype=np.float64)
        self._bounds(z_cols, z_val, z_val)

    def close_exited_from(self, week: int) -> None:
        """No exited-vendor work from ``week`` on (earlier weeks as the model allows).
        Needs a model with every unserved column (``stream_balance``: the optimiser's
        leaves out those of weeks the exited vendor is sure to be open, see
        define_unserved)."""
        ix = self.model.index
        if not ix.stream_balance:
            raise ValueError("closing the exited vendors needs the model of model_of()")
        upper = np.where(ix.inc_t >= week, 0.0, self.model.upper[self.inc_cols])
        self._bounds(self.inc_cols, 0.0, upper)

    def run(self) -> LPSolution:
        h = self.h
        with self.cancel.watching(h):
            h.run()
        status = h.getModelStatus()
        if self.cancel.cancelled or status == highspy.HighsModelStatus.kInterrupt:
            raise InsightsCancelled
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LP relaxation failed: {h.modelStatusToString(status)}")
        sol = h.getSolution()
        return LPSolution(float(h.getInfo().objective_function_value),
                          np.asarray(sol.col_value, dtype=np.float64),
                          np.asarray(sol.row_dual, dtype=np.float64))

    def unserved(self, sol: LPSolution) -> FloatArray:
        """(S, H) unserved tasks of a solution."""
        return unserved_tasks(self.model, sol.col_value)


def model_of(dataset: Dataset, deadline: date | None) -> Model:
    """The planning model with a balance row per stream and week (the insights read its
    duals)."""
    return build_model(build_data(dataset, deadline), stream_balance=True)


def placement_tolerance(d: ModelData) -> float:
    """Unserved tasks below this are LP noise, not work left behind."""
    return max(TASK_EPS, 1e-6 * max(1.0, d.total_volume))


class FullExit:
    """Can every task be placed with no exited-vendor work from week W on? (LP, warm)."""

    def __init__(self, model: Model, cancel: CancelToken | None = None) -> None:
        self.lp = Relaxation(model, "unserved", cancel)
        self.lp.open_binaries()
        self.tolerance = placement_tolerance(model.data)

    def min_unserved(self, week: int | None) -> tuple[LPSolution, FloatArray]:
        """The LP that leaves the fewest tasks unserved by ``week`` (None: no closing)."""
        self.lp.close_exited_from(self.lp.model.data.H if week is None else week)
        sol = self.lp.run()
        return sol, self.lp.unserved(sol)

    def feasible(self, week: int | None) -> bool:
        return self.min_unserved(week)[0].objective <= self.tolerance


def earliest_full_exit(dataset: Dataset, deadline: date | None = None,
                       cancel: CancelToken | None = None) -> int | None:
    """The fastest mode's completion week of ``dataset`` (an LP search), None without one."""
    try:
        return PlanSession(dataset, deadline).earliest_full_exit(cancel)
    except SolveCancelled:
        raise InsightsCancelled from None


@dataclass(frozen=True)
class RowDuals:
    """Row duals by rule family, laid out like the data: d(objective) / d(limit).

    A binding "<=" limit has a dual <= 0 (more room lowers the objective); the balance
    dual is what one more task of volume would cost.
    """

    balance: FloatArray  # (S, H)
    share: FloatArray  # (V, H) per task of share limit
    cutover: FloatArray  # (S, H) per task of weekly cutover step


def row_duals(model: Model, sol: LPSolution) -> RowDuals:
    d, ix = model.data, model.index
    y = sol.row_dual

    def block(name: str, rows: int) -> FloatArray:
        blk = model.row_blocks.get(name, slice(0, 0))
        if blk.stop - blk.start != rows:
            raise RuntimeError(f"the model's {name} rows are not laid out as the insights "
                               "read them (one per stream and week)")
        return y[blk]

    balance = block("balance", d.S * d.H)
    limited = np.flatnonzero(d.cutover >= 2)
    cutover = np.zeros((d.S, d.H))
    cutover[limited] = block("cutover", len(limited) * d.H).reshape(len(limited), d.H)
    # share rows exist only for vendors whose cap can bind: read each row's vendor and
    # week off its alternative-work entries
    share = np.zeros((d.V, d.H))
    blk = model.row_blocks.get("share")
    if blk is not None:
        sub = model.matrix[blk].tocoo()
        in_x = (sub.col >= ix.x.start) & (sub.col < ix.x.stop)
        rows, cols = sub.row[in_x], sub.col[in_x] - ix.x.start
        first = np.unique(rows, return_index=True)[1]
        vendor = d.offer_vendor[d.link_offer[ix.x_link[cols[first]]]]
        share[vendor, ix.x_t[cols[first]]] = y[blk.start + rows[first]]
    return RowDuals(balance=balance.reshape(d.S, d.H), share=share, cutover=cutover)


def room_value(d: ModelData, duals: RowDuals, price: FloatArray | None = None) -> FloatArray:
    """(O, H): what one more task of capacity of each offer in each week would save.

    A task of offer o in week t replaces the marginal task of an eligible stream (its
    balance dual) at the offer's price, as far as the vendor's share cap allows. This
    prices capacity also where the offer has none yet (onboarding) or is not engaged.
    ``price``: the offers' prices (default: their unit prices; zeros for a count of tasks).
    """
    price = d.offer_price if price is None else price
    best = np.full((d.O, d.H), -np.inf)
    if d.P:
        np.maximum.at(best, d.pair_offer, duals.balance[d.pair_stream])
    value = best - price[:, None] + duals.share[d.offer_vendor]
    return np.maximum(value, 0.0)
