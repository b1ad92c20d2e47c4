"""cellsim.variation: reproducible draws, grids and the checks on samples."""

from __future__ import annotations

import numpy as np
import pytest

from cellsim import ParameterError, variation

WIDTH = "Electrode width [m]"
CONTACT = "Contact resistance [Ohm]"


def test_draws_are_reproducible_and_independent_across_names():
    a = variation.normal(WIDTH, 1.58, 0.01, 50, seed=3)
    b = variation.normal(WIDTH, 1.58, 0.01, 50, seed=3)
    np.testing.assert_array_equal(a[WIDTH], b[WIDTH])
    other = variation.normal(CONTACT, 1.58, 0.01, 50, seed=3)[CONTACT]
    assert abs(np.corrcoef(a[WIDTH], other)[0, 1]) < 0.5  # not the same stream
    assert not np.array_equal(a[WIDTH], variation.normal(WIDTH, 1.58, 0.01, 50, seed=4)[WIDTH])


def test_normal_and_uniform_have_the_asked_spread():
    x = variation.normal(WIDTH, 2.0, 0.1, 4000, seed=0)[WIDTH]
    assert x.dtype == np.float64
    assert abs(x.mean() - 2.0) < 5 * 0.1 / np.sqrt(4000)
    assert abs(x.std() / 0.1 - 1) < 0.05
    u = variation.uniform(WIDTH, 1.0, 2.0, 1000, seed=0)[WIDTH]
    assert u.min() >= 1.0
    assert u.max() < 2.0


def test_grid_is_every_combination_first_name_slowest():
    g = variation.grid({WIDTH: [1.5, 1.6], CONTACT: [0.0, 1e-3, 2e-3]})
    assert g[WIDTH].tolist() == [1.5, 1.5, 1.5, 1.6, 1.6, 1.6]
    assert g[CONTACT].tolist() == [0.0, 1e-3, 2e-3] * 2


def test_combine_and_its_errors():
    both = variation.combine(
        variation.normal(WIDTH, 1.58, 0.01, 3, seed=0), {CONTACT: [0.0, 1e-3, 2e-3]}
    )
    assert sorted(both) == [CONTACT, WIDTH]
    with pytest.raises(ParameterError, match="one length"):
        variation.combine({WIDTH: [1.0, 2.0]}, {CONTACT: [0.0]})
    with pytest.raises(ParameterError, match="more than one part"):
        variation.combine({WIDTH: [1.0]}, {WIDTH: [2.0]})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: variation.normal(WIDTH, 1.0, -1.0, 3, seed=0), "std .* must be >= 0"),
        (lambda: variation.normal(WIDTH, 1.0, 0.1, 0, seed=0), "n must be an integer >= 1"),
        (lambda: variation.normal(WIDTH, 1.0, 0.1, 3, seed=-1), "seed must be"),
        (lambda: variation.normal("", 1.0, 0.1, 3, seed=0), "non-empty string"),
        (lambda: variation.uniform(WIDTH, 2.0, 1.0, 3, seed=0), "low must be <= high"),
        (lambda: variation.grid({WIDTH: [1.0, float("nan")]}), "must be finite"),
        (lambda: variation.grid({WIDTH: "1,2"}), "sequence of numbers"),
        (lambda: variation.grid({}), "non-empty mapping"),
    ],
)
def test_bad_input_names_what_is_wrong(call, message):
    with pytest.raises(ParameterError, match=message):
        call()
