"""erf and erfc (Cody's rational approximations, ops/_numerics.py) against math.erf/math.erfc:
float64 to ~1e−15, float32 to its own precision, the tail's relative accuracy, the special
values, no numpy warning anywhere."""
import math

import numpy as np
import pytest

from tinygrad_edu.ops._numerics import erf, erfc

GRID = np.concatenate([np.linspace(-7, 7, 28001), np.linspace(-30, 30, 6001),
                       [0.0, 0.46875, -0.46875, 0.46875 + 1e-16, 4.0, -4.0, 4.0 + 1e-15, 1e-300, -1e-300, 5e-324]])


def test_erf_float64_to_a_few_ulps():
    ref = np.array([math.erf(v) for v in GRID])
    with np.errstate(all="raise"):
        got = erf(GRID)
    assert got.dtype == np.float64
    assert np.abs(got - ref).max() <= 4.5e-16
    tiny = np.abs(ref) > 0
    assert (np.abs(got - ref)[tiny] / np.abs(ref[tiny])).max() < 1e-15   # erf(1e-300) too


def test_erfc_float64_keeps_relative_accuracy_in_the_tail():
    ref = np.array([math.erfc(v) for v in GRID])
    with np.errstate(all="raise"):
        got = erfc(GRID)
    positive = ref > 0
    assert (np.abs(got - ref)[positive] / ref[positive]).max() < 1e-14
    assert (got[~positive] == 0).all()
    assert erfc(np.array([10.0]))[0] == pytest.approx(2.088487583762545e-45, rel=1e-14)


def test_float32_stays_float32_to_its_precision():
    x = GRID[np.abs(GRID) < 1e30].astype(np.float32)
    with np.errstate(all="raise"):
        got, gotc = erf(x), erfc(x)
    assert got.dtype == gotc.dtype == np.float32
    exact = x.astype(np.float64)
    assert np.abs(got - np.array([math.erf(v) for v in exact])).max() < 3e-7
    ref_c = np.array([math.erfc(v) for v in exact])
    normal = ref_c > 1e-37
    assert (np.abs(gotc - ref_c)[normal] / ref_c[normal]).max() < 2e-6


def test_special_values_without_warnings():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(erf(np.array([np.inf, -np.inf, 0.0])), [1.0, -1.0, 0.0])
        np.testing.assert_array_equal(erfc(np.array([np.inf, -np.inf, 1e300, -1e300])), [0.0, 2.0, 0.0, 2.0])
        assert np.isnan(erf(np.array([np.nan]))).all() and np.isnan(erfc(np.array([np.nan]))).all()
        assert np.signbit(erf(np.array([-0.0]))[0])
        assert erf(np.float32(3e38)).dtype == np.float32 and erf(np.float32(3e38)) == 1


def test_shapes_scalars_and_integers():
    assert erf(0.5).shape == () and float(erf(0.5)) == pytest.approx(math.erf(0.5), rel=1e-15)
    assert erfc(-3.0) == pytest.approx(math.erfc(-3.0), rel=1e-15)
    assert erf(np.arange(3)).dtype == np.float64
    grid = np.linspace(-5, 5, 24).reshape(2, 3, 4)
    np.testing.assert_array_equal(erf(grid), erf(grid.ravel()).reshape(2, 3, 4))
    np.testing.assert_array_equal(erf(grid.T), erf(grid).T)   # a non-contiguous view


def test_erf_and_erfc_agree_and_are_odd():
    x = np.linspace(-6, 6, 1001)
    np.testing.assert_allclose(erf(x) + erfc(x), 1.0, rtol=0, atol=4.5e-16)
    np.testing.assert_array_equal(erf(-x), -erf(x))


def test_large_arrays_are_computed_in_pieces_with_the_same_values():
    x = np.random.default_rng(0).standard_normal((3, 70_001)) * 3    # > 2 pieces of 16,384 float64
    np.testing.assert_array_equal(erf(x), np.concatenate([erf(row) for row in x]).reshape(x.shape))
    np.testing.assert_array_equal(erfc(x.T), erfc(x).T)              # a transposed view: copied first
    x32 = x.astype(np.float32)
    assert erfc(x32).dtype == np.float32 and erfc(x32).shape == x.shape
    sample = x32.ravel()[::997]
    ref = np.array([math.erfc(v) for v in sample.astype(np.float64)])
    normal = ref > 1e-37                                              # float32's subnormals hold few digits
    np.testing.assert_allclose(erfc(x32).ravel()[::997][normal], ref[normal], rtol=1e-6)
