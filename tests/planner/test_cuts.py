"""The exit-ramp cuts: rows every plan keeps that the solver adds to its LP only where a
relaxation breaks them (define_exit_ramp), and the bases that carry them between LPs.
That they cut off no plan is property 10 of test_properties."""

from __future__ import annotations

from pathlib import Path

import highspy
import numpy as np
import pytest

from planner.importer import load_dataset
from planner.model.build import Model, build_model
from planner.model.data import build_data
from planner.solve import CancelToken, _Solver, lp_highs
from tests.planner.builders import one_stream, week

SAMPLE = Path(__file__).resolve().parents[2] / "sample_contracts" / "frontier_lab.xlsx"


def ramp_model(horizon: int) -> Model:
    """One contract that can end any week up to week 10 and has a commitment (so its
    exit week is a choice), one stream of 100 tasks a week with a 4-week cutover (a step
    of 25 tasks a week)."""
    ds = one_stream(contract={"end_date": week(10), "min_commitment": 10_000.0},
                    stream={"cutover_weeks": 4}, horizon=horizon)
    return build_model(build_data(ds))


def cut_row(model: Model, t: int) -> dict[str, float]:
    """The cut of the exited vendor's week ``t``, as {"inc7": 1, "a8": -25, "u9": -1}."""
    ix = model.index
    assert model.cuts is not None
    inc_col = ix.inc.start + int(np.flatnonzero(ix.inc_t == t)[0])
    rows = np.flatnonzero(model.cuts.matrix[:, inc_col].toarray().ravel())
    assert len(rows) == 1 and model.cuts.upper[rows[0]] == 0.0
    row = model.cuts.matrix[rows[0]].tocoo()
    names = {}
    for col, value in zip(row.col.tolist(), row.data.tolist(), strict=True):
        if ix.inc.start <= col < ix.inc.stop:
            names[f"inc{ix.inc_t[col - ix.inc.start]}"] = value
        elif ix.a.start <= col < ix.a.stop:
            names[f"a{ix.a_t[col - ix.a.start]}"] = value
        else:
            k = int(np.flatnonzero(np.arange(ix.u.start, ix.u.stop) == col)[0])
            names[f"u{ix.u_t[k]}"] = value
    return names


def test_a_cut_counts_the_weeks_the_contract_still_runs_in_its_cutover_window() -> None:
    """inc[t] <= 25 * (a[t] + ... + a[t+3]) + u[t+1] + ... + u[t+3]: at most 25 tasks a
    week can move, so a contract ending within the window caps its vendor's work."""
    model = ramp_model(horizon=14)
    assert cut_row(model, 2) == {"inc2": 1.0, "a2": -25.0, "a3": -25.0, "a4": -25.0,
                                 "a5": -25.0, "u3": -1.0, "u4": -1.0, "u5": -1.0}
    # the contract ends by week 10 at the latest: a[10] is no column (it never runs then)
    assert cut_row(model, 8) == {"inc8": 1.0, "a8": -25.0, "a9": -25.0, "u9": -1.0,
                                 "u10": -1.0, "u11": -1.0}


def test_a_contract_that_may_run_to_the_horizon_counts_as_running_past_it() -> None:
    """With a 10-week horizon the contract may run through it: no week exists to hand
    over by, so the weeks past the horizon count as a[9] (and hold no unserved work)."""
    model = ramp_model(horizon=10)
    assert cut_row(model, 8) == {"inc8": 1.0, "a8": -25.0, "a9": -75.0, "u9": -1.0}


@pytest.fixture(scope="module")
def sample_model() -> Model:
    """frontier_lab: its relaxation breaks a few dozen of its 1,193 cuts."""
    return build_model(build_data(load_dataset(SAMPLE)))


def broken(model: Model, solution: np.ndarray) -> np.ndarray:
    assert model.cuts is not None
    return np.flatnonzero(model.cuts.matrix @ solution - model.cuts.upper > 1e-5)


def relaxed(model: Model) -> _Solver:
    solver = _Solver(model, CancelToken(), None)
    solver.set_integer(False)
    return solver


def test_relax_adds_the_cuts_its_lps_break_until_they_break_none(sample_model: Model) -> None:
    plain = lp_highs(sample_model)
    plain.setOptionValue("presolve", "off")
    plain.run()
    first = np.asarray(plain.getSolution().col_value)
    assert len(broken(sample_model, first)) > 0
    solver = relaxed(sample_model)
    status, solution = solver.relax()
    assert status == highspy.HighsModelStatus.kOptimal and solution is not None
    assert len(broken(sample_model, solution)) == 0
    assert set(broken(sample_model, first)) <= set(solver.cuts)
    assert 0 < len(solver.cuts) < len(sample_model.cuts) / 10  # type: ignore[arg-type]
    assert solver.h.getNumRow() == sample_model.num_rows + len(solver.cuts)
    # a tighter relaxation: the bound rises
    assert solver.objective() > plain.getInfo().objective_function_value + 1.0


def assert_starts_optimal(other: _Solver, solver: _Solver) -> None:
    """``other``, given ``solver``'s basis, is at its optimum without a pivot."""
    other.run()
    assert other.h.getInfo().simplex_iteration_count == 0
    assert other.objective() == pytest.approx(solver.objective(), rel=1e-9)


def test_a_basis_brings_its_cut_rows_to_an_lp_without_them(sample_model: Model) -> None:
    solver = relaxed(sample_model)
    solver.relax()
    basis = solver.get_basis()
    assert basis.cuts == tuple(solver.cuts) and basis.cuts

    fresh = relaxed(sample_model)
    fresh.set_basis(basis)  # adds the basis's cut rows first
    assert fresh.cuts == solver.cuts
    assert_starts_optimal(fresh, solver)


def test_a_basis_fits_an_lp_with_other_cuts_as_basic_rows(sample_model: Model) -> None:
    solver = relaxed(sample_model)
    solver.relax()
    basis = solver.get_basis()
    other = relaxed(sample_model)
    # cuts the first relaxation never needed, in the LP before the basis's own
    assert sample_model.cuts is not None
    spare = np.setdiff1d(np.arange(len(sample_model.cuts)), solver.cuts)[:5]
    other._add_cuts(spare)
    other.set_basis(basis)
    assert other.cuts == spare.tolist() + list(basis.cuts)
    assert_starts_optimal(other, solver)


def test_the_unscaled_twin_holds_the_same_cut_rows(sample_model: Model) -> None:
    solver = relaxed(sample_model)
    solver.relax()
    twin = solver.unscaled_twin()
    twin.set_integer(False)
    assert twin.cuts == solver.cuts
    twin.set_basis(solver.get_basis())
    twin.run()
    assert twin.objective() == pytest.approx(solver.objective(), rel=1e-9)
