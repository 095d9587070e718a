"""MobileNet's cost formulas: against counted operations of real convolutions and the paper's
Table 3."""

from __future__ import annotations

import numpy as np
import pytest

from mlep.modeling.mobilenet import ConvCost, conv_cost, separable_conv_cost, separable_cost_ratio


def _standard(x, kernel):
    """A 'valid' convolution of x (H, W, M) by kernel (Dk, Dk, M, N), counting multiply-adds."""
    dk, _, m, n = kernel.shape
    side = x.shape[0] - dk + 1
    out, ops = np.zeros((side, side, n)), 0
    for i in range(side):
        for j in range(side):
            for c_out in range(n):
                for c_in in range(m):
                    for u in range(dk):
                        for v in range(dk):
                            out[i, j, c_out] += x[i + u, j + v, c_in] * kernel[u, v, c_in, c_out]
                            ops += 1
    return out, ops


def _separable(x, depthwise, pointwise):
    """Depthwise (Dk, Dk, M) then pointwise (M, N), counting multiply-adds."""
    dk, _, m = depthwise.shape
    n = pointwise.shape[1]
    side = x.shape[0] - dk + 1
    mid, out, ops = np.zeros((side, side, m)), np.zeros((side, side, n)), 0
    for i in range(side):
        for j in range(side):
            for c in range(m):
                for u in range(dk):
                    for v in range(dk):
                        mid[i, j, c] += x[i + u, j + v, c] * depthwise[u, v, c]
                        ops += 1
            for c_out in range(n):
                for c in range(m):
                    out[i, j, c_out] += mid[i, j, c] * pointwise[c, c_out]
                    ops += 1
    return out, ops


@pytest.mark.parametrize("dk, m, n, side", [(3, 2, 4, 3), (5, 3, 2, 2), (1, 4, 4, 2)])
def test_the_formulas_count_the_operations_of_real_convolutions(dk, m, n, side):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(side + dk - 1, side + dk - 1, m))
    kernel = rng.normal(size=(dk, dk, m, n))
    depthwise, pointwise = rng.normal(size=(dk, dk, m)), rng.normal(size=(m, n))
    out, ops = _standard(x, kernel)
    windows = np.lib.stride_tricks.sliding_window_view(x, (dk, dk), axis=(0, 1))
    np.testing.assert_allclose(out, np.einsum("ijmuv,uvmn->ijn", windows, kernel))  # a real conv
    assert conv_cost(dk, m, n, feature_map=side) == ConvCost(ops, kernel.size)
    _, ops = _separable(x, depthwise, pointwise)
    assert separable_conv_cost(dk, m, n, feature_map=side) == ConvCost(
        ops, depthwise.size + pointwise.size
    )
    ratio = separable_conv_cost(dk, m, n).mult_adds / conv_cost(dk, m, n).mult_adds
    assert ratio == pytest.approx(separable_cost_ratio(dk, n))


def test_the_papers_table_3():
    """Howard et al. 2017, Table 3: 3 x 3, 512 -> 512 channels, 14 x 14 (millions)."""
    rows = [
        (conv_cost(3, 512, 512, feature_map=14), 462, 2.36),
        (separable_conv_cost(3, 512, 512, feature_map=14), 52.3, 0.27),
        (separable_conv_cost(3, 512, 512, feature_map=14, width=0.75), 29.6, 0.15),
        (
            separable_conv_cost(3, 512, 512, feature_map=14, width=0.75, resolution=0.714),
            15.1,
            0.15,
        ),
    ]
    for cost, mult_adds, params in rows:
        assert cost.mult_adds / 1e6 == pytest.approx(mult_adds, rel=0.005)
        assert cost.params / 1e6 == pytest.approx(params, abs=0.005)


def test_the_course_numbers():
    assert conv_cost(3, 256, 256).mult_adds == 589_824
    assert separable_conv_cost(3, 256, 256).mult_adds == 67_840
    assert separable_conv_cost(3, 128, 128).mult_adds == 17_536
    assert 1 / separable_cost_ratio(3, 256) == pytest.approx(8.69, abs=0.01)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: conv_cost(0, 3, 3), ValueError, "kernel_size must be >= 1"),
        (lambda: conv_cost(3, 3.0, 3), TypeError, "in_channels must be an integer"),
        (lambda: separable_conv_cost(3, 3, 3, width=1.5), ValueError, r"width must be in \(0, 1\]"),
        (lambda: separable_conv_cost(3, 3, 3, resolution=0), ValueError, "resolution must be"),
        (lambda: separable_cost_ratio(3, 0), ValueError, "out_channels must be >= 1"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
