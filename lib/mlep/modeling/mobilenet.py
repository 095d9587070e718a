"""What MobileNets save: the cost of a depthwise separable convolution (C4W1).

MobileNet (Howard et al., 2017) replaces a standard ``Dk x Dk`` convolution from ``M`` to ``N``
channels by a **depthwise** ``Dk x Dk`` filter per input channel followed by a **pointwise**
``1 x 1`` convolution that mixes the channels. On a ``Df x Df`` feature map (stride 1, the
paper's section 3.1; biases and batch norm left out):

=====================  ==================================  ===========================
convolution            multiply-adds                       parameters
=====================  ==================================  ===========================
standard               ``Dk² · M · N · Df²``               ``Dk² · M · N``
depthwise separable    ``Dk² · M · Df² + M · N · Df²``     ``Dk² · M + M · N``
=====================  ==================================  ===========================

so the separable one costs ``1/N + 1/Dk²`` of the standard one — about 8 to 9 times less for
3 x 3 kernels. The **width multiplier** ``alpha`` thins every layer (``M`` and ``N`` become
``alpha M`` and ``alpha N``) and the **resolution multiplier** ``rho`` shrinks the feature map
(``Df`` becomes ``rho Df``): the cost falls roughly by ``alpha²`` and ``rho²``.

Examples
--------
The paper's Table 3 (a 3 x 3 layer, 512 to 512 channels, 14 x 14 feature map):

>>> for name, cost in [
...     ("standard", conv_cost(3, 512, 512, feature_map=14)),
...     ("depthwise separable", separable_conv_cost(3, 512, 512, feature_map=14)),
...     ("alpha = 0.75", separable_conv_cost(3, 512, 512, feature_map=14, width=0.75)),
...     (
...         "rho = 0.714",
...         separable_conv_cost(3, 512, 512, feature_map=14, width=0.75, resolution=0.714),
...     ),
... ]:
...     print(f"{name:20} {cost}")
standard             462.4 M multiply-adds, 2.36 M parameters
depthwise separable  52.3 M multiply-adds, 0.27 M parameters
alpha = 0.75         29.6 M multiply-adds, 0.15 M parameters
rho = 0.714          15.1 M multiply-adds, 0.15 M parameters
>>> round(1 / separable_cost_ratio(3, 512), 2)
8.84
"""

from __future__ import annotations

from dataclasses import dataclass

from mlep._checks import count, real

__all__ = ["ConvCost", "conv_cost", "separable_conv_cost", "separable_cost_ratio"]


@dataclass(frozen=True)
class ConvCost:
    """Multiply-adds of one forward pass and weights of a convolution layer.

    Parameters
    ----------
    mult_adds : int
        Multiply-add operations over the whole feature map.
    params : int
        Weights (no biases).
    """

    mult_adds: int
    params: int

    def __str__(self) -> str:
        return f"{self.mult_adds / 1e6:.1f} M multiply-adds, {self.params / 1e6:.2f} M parameters"


def _multiplier(value, what: str) -> float:
    number = real(value, what)
    if not 0 < number <= 1:
        raise ValueError(f"{what} must be in (0, 1], but got {number}")
    return number


def _shape(kernel_size, in_channels, out_channels, feature_map, width, resolution):
    """The layer's ``Dk, M, N, Df`` after the width and resolution multipliers."""
    dk = count(kernel_size, "kernel_size", minimum=1)
    m = count(in_channels, "in_channels", minimum=1)
    n = count(out_channels, "out_channels", minimum=1)
    df = count(feature_map, "feature_map", minimum=1)
    alpha, rho = _multiplier(width, "width"), _multiplier(resolution, "resolution")
    return dk, max(1, round(alpha * m)), max(1, round(alpha * n)), max(1, round(rho * df))


def conv_cost(
    kernel_size: int,
    in_channels: int,
    out_channels: int,
    *,
    feature_map: int = 1,
    width: float = 1.0,
    resolution: float = 1.0,
) -> ConvCost:
    """Cost of a standard convolution: ``Dk² M N Df²`` multiply-adds, ``Dk² M N`` weights.

    Parameters
    ----------
    kernel_size : int
        ``Dk``, the side of the square kernel.
    in_channels, out_channels : int
        ``M`` and ``N``.
    feature_map : int, default 1
        ``Df``, the side of the square output feature map (1: the cost per pixel).
    width : float, default 1.0
        Width multiplier ``alpha`` in (0, 1]; channels become ``round(alpha * M)``.
    resolution : float, default 1.0
        Resolution multiplier ``rho`` in (0, 1]; the map becomes ``round(rho * Df)``.

    Returns
    -------
    ConvCost

    Examples
    --------
    >>> conv_cost(3, 256, 256)
    ConvCost(mult_adds=589824, params=589824)
    """
    dk, m, n, df = _shape(kernel_size, in_channels, out_channels, feature_map, width, resolution)
    return ConvCost(dk * dk * m * n * df * df, dk * dk * m * n)


def separable_conv_cost(
    kernel_size: int,
    in_channels: int,
    out_channels: int,
    *,
    feature_map: int = 1,
    width: float = 1.0,
    resolution: float = 1.0,
) -> ConvCost:
    """Cost of a depthwise separable convolution: depthwise ``Dk x Dk``, then pointwise ``1 x 1``.

    Parameters
    ----------
    kernel_size : int
        ``Dk``, the side of the depthwise kernel.
    in_channels, out_channels : int
        ``M`` and ``N``.
    feature_map : int, default 1
        ``Df``, the side of the square output feature map (1: the cost per pixel).
    width : float, default 1.0
        Width multiplier ``alpha`` in (0, 1].
    resolution : float, default 1.0
        Resolution multiplier ``rho`` in (0, 1].

    Returns
    -------
    ConvCost
        ``Dk² M Df² + M N Df²`` multiply-adds and ``Dk² M + M N`` weights.

    Examples
    --------
    >>> separable_conv_cost(3, 256, 256)
    ConvCost(mult_adds=67840, params=67840)
    """
    dk, m, n, df = _shape(kernel_size, in_channels, out_channels, feature_map, width, resolution)
    per_pixel = dk * dk * m + m * n
    return ConvCost(per_pixel * df * df, per_pixel)


def separable_cost_ratio(kernel_size: int, out_channels: int) -> float:
    """Separable over standard cost, ``1/N + 1/Dk²`` (the same for multiply-adds and weights).

    Parameters
    ----------
    kernel_size : int
        ``Dk``.
    out_channels : int
        ``N``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(separable_cost_ratio(3, 256), 4), round(67840 / 589824, 4)
    (0.115, 0.115)
    """
    dk = count(kernel_size, "kernel_size", minimum=1)
    n = count(out_channels, "out_channels", minimum=1)
    return 1 / n + 1 / (dk * dk)
