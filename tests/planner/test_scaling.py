"""The solver hands HiGHS the LP already scaled (HiGHS's own equilibration, computed
once): same optimum, factors that are powers of two, a better-balanced matrix, and plans
read back in the model's units."""

from __future__ import annotations

import numpy as np
import pytest

from planner.importer import load_dataset
from planner.model.build import build_model
from planner.model.data import build_data
from planner.solve import CancelToken, _Solver, equilibration_scale, lp_highs
from sample_contracts.generator import preset, write_workbook


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The generated S workbook's planning model."""
    path = write_workbook(preset("S", seed=1), tmp_path_factory.mktemp("s") / "S.xlsx")
    return build_model(build_data(load_dataset(path)))


def test_the_factors_are_powers_of_two_and_balance_the_matrix(model) -> None:  # type: ignore[no-untyped-def]
    rows, cols = equilibration_scale(model.matrix, model.cost)
    for factors in (rows, cols):
        assert np.all(np.log2(factors) == np.round(np.log2(factors)))  # exact in floats
        assert factors.min() >= 2.0 ** -20 and factors.max() <= 2.0 ** 20
    coo = model.matrix.tocoo()
    nonzero = coo.data != 0
    before = np.abs(coo.data[nonzero])
    after = before * rows[coo.row[nonzero]] * cols[coo.col[nonzero]]
    assert after.max() / after.min() < before.max() / before.min() / 100


def test_a_matrix_already_in_range_is_left_alone() -> None:
    import scipy.sparse as sp

    matrix = sp.csc_matrix(np.array([[1.0, 0.5], [2.0, 4.0]]))
    rows, cols = equilibration_scale(matrix, np.array([1.0, 3.0]))
    assert np.all(rows == 1.0) and np.all(cols == 1.0)


def test_the_scaled_lp_has_the_same_optimum_in_the_models_units(model) -> None:  # type: ignore[no-untyped-def]
    solver = _Solver(model, CancelToken(), None)
    solver.set_integer(False)
    _, sol = solver.run()
    assert sol is not None
    plain = lp_highs(model)
    plain.setOptionValue("presolve", "off")
    plain.run()
    expected = plain.getInfo().objective_function_value
    assert solver.objective() == pytest.approx(expected, rel=1e-9)
    # the solution read back is in the model's units: its cost and rows hold unscaled
    assert float(model.cost @ sol + model.offset) == pytest.approx(expected, rel=1e-9)
    activity = model.matrix @ sol
    scale = np.maximum(1.0, np.abs(activity))
    assert np.all(activity >= model.row_lower - 1e-6 * scale)
    assert np.all(activity <= model.row_upper + 1e-6 * scale)
    # bounds set through the solver are in the model's units too (an exited-vendor
    # column whose week has an unserved column, which can take the rest)
    ix, H = model.index, model.data.H
    inc = np.arange(ix.inc.start, ix.inc.stop)[ix.u_col[ix.inc_s * H + ix.inc_t] >= 0]
    col = int(inc[np.argmax(sol[inc])])
    cap = sol[col] / 3
    assert cap > 1.0
    solver.set_bounds(np.array([col]), np.array([0.0]), np.array([cap]))
    _, capped = solver.run()
    assert capped is not None and capped[col] == pytest.approx(cap, rel=1e-9)


def test_the_unscaled_twin_holds_the_same_lp(model) -> None:  # type: ignore[no-untyped-def]
    solver = _Solver(model, CancelToken(), None)
    twin = solver.unscaled_twin()
    assert np.all(twin.col_scale == 1.0) and np.all(twin.row_scale == 1.0)
    solver.set_integer(False)
    twin.set_integer(False)
    _, a = solver.run()
    _, b = twin.run()
    assert a is not None and b is not None
    assert solver.objective() == pytest.approx(twin.objective(), rel=1e-9)
