"""Muon: momentum whose update is orthogonalised by a Newton-Schulz iteration, for the 2-D
weights of hidden layers (PyTorch's ``torch.optim.Muon``).

PyTorch runs the iteration in bfloat16, whatever the parameters' dtype, and so does this:
NumPy has no bfloat16, so the values are float32 arrays rounded to bfloat16 (to nearest,
ties to even, as PyTorch's casts) after each op where PyTorch's result is bfloat16.  The
matrix products sum in float32 before that rounding, as PyTorch's bfloat16 matmuls do, so
the orthogonalised updates agree with PyTorch's to the bit on small matrices; on large ones
the two float32 sums' orders differ, now and then a rounding goes the other way, and the
iteration (which oscillates rather than converges) spreads it: entries then differ by a
few bfloat16 steps (about 1%).
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from .._backend import axpy, xp
from ..tensor import Tensor
from ._per_tensor import PerTensorOptimizer, lerp_

# Keller Jordan's constants (https://kellerjordan.github.io/posts/muon/), PyTorch's defaults
EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5

_ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


def _round_to_bfloat16(x: Any) -> Any:
    """Round float32 array ``x`` in place to the nearest bfloat16 (its top 16 bits), ties to
    even, as PyTorch's ``Tensor.bfloat16()``; NaNs stay NaN. Returns ``x``."""
    bits = x.view(xp.uint32)
    nan = xp.isnan(x)
    bits += 0x7FFF + ((bits >> 16) & 1)  # carries into the kept bits when it rounds up
    bits &= 0xFFFF0000
    if nan.any():  # a NaN's payload may carry into the sign bit and on to infinity
        x[nan] = xp.nan
    return x


def _check_newton_schulz(ns_coefficients: Any, ns_steps: int) -> None:
    if ns_steps >= 100:
        raise ValueError(f"Muon: Number of steps must be less than 100 for computational "
                         f"efficiency, got ns_steps={ns_steps} (the default is {DEFAULT_NS_STEPS})")
    if len(ns_coefficients) != 3:
        raise ValueError(f"Muon: Coefficients must be a tuple of exactly 3 values (a, b, c), got "
                         f"ns_coefficients={ns_coefficients}")


def _zeropower_via_newtonschulz(grad: Any, ns_coefficients: tuple[float, float, float],
                                ns_steps: int, eps: float) -> Any:
    r"""The orthogonalised ``grad`` (about :math:`U V^\top` of its SVD :math:`U S V^\top`), by
    ``ns_steps`` quintic Newton-Schulz steps :math:`X \leftarrow aX + (bA + cA^2)X`,
    :math:`A = X X^\top`, from :math:`X = G / \max(\lVert G\rVert_F, \epsilon)`; in bfloat16
    precision (float32 arrays holding bfloat16 values), as PyTorch's.

    The coefficients maximise the slope at zero rather than converge: the singular values
    end up between about 0.7 and 1.2 (Keller Jordan found that does not hurt training).
    """
    _check_newton_schulz(ns_coefficients, ns_steps)
    if grad.ndim != 2:
        raise ValueError(f"Muon: Input tensor gradient must be a 2D matrix, got shape "
                         f"{tuple(grad.shape)}")
    # PyTorch's bfloat16 matmuls scale by alpha and beta in float32
    a, b, c = (xp.float32(v) for v in ns_coefficients)
    x = _round_to_bfloat16(grad.astype(xp.float32))  # float64 rounds via float32, as PyTorch's
    tall = grad.shape[0] > grad.shape[1]
    if tall:  # X X^T is then the smaller Gram matrix
        x = x.T
    norm = _round_to_bfloat16(xp.sqrt(xp.square(x).sum(keepdims=True)))  # (1, 1)
    floor = _round_to_bfloat16(xp.full((1, 1), eps, dtype=xp.float32))
    x = _round_to_bfloat16(x / xp.maximum(norm, floor))  # spectral norm at most 1
    for _ in range(ns_steps):
        gram = _round_to_bfloat16(x @ x.T)  # (m, m), m = the smaller side
        gram_update = _round_to_bfloat16(b * gram + c * (gram @ gram))
        x = _round_to_bfloat16(a * x + gram_update @ x)
    return x.T if tall else x


def _adjust_lr(lr: float, adjust_lr_fn: str | None, param_shape: tuple[int, ...]) -> float:
    """The learning rate for a parameter of ``param_shape`` (A, B): scaled by
    :math:`\\sqrt{\\max(1, A/B)}` (``"original"``) or :math:`0.2\\sqrt{\\max(A, B)}`
    (``"match_rms_adamw"``), so that updates of every shape have a like RMS."""
    A, B = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, A / B))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(A, B))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(PerTensorOptimizer):
    r"""Muon (Jordan et al., 2024), as PyTorch's ``Muon``: momentum, orthogonalised.

    .. math::
        B_t = \mu B_{t-1} + (1-\mu) g_t, \quad
        \tilde B_t = \begin{cases} \mu B_t + (1-\mu) g_t & \text{nesterov} \\
                                   B_t & \text{else} \end{cases}, \quad
        O_t = \mathrm{NS}^{(a,b,c)}_k(\tilde B_t; \epsilon) \\
        \theta_t = \theta_{t-1}(1 - \gamma\lambda) - \gamma\,s(A, B)\, O_t

    where :math:`\mathrm{NS}` is ``ns_steps`` Newton-Schulz steps
    :math:`X \leftarrow aX + (bXX^\top + c(XX^\top)^2)X` from
    :math:`X_0 = \tilde B_t / \max(\lVert\tilde B_t\rVert_F, \epsilon)`, which map the
    matrix's singular values to about 1 (so :math:`O_t \approx UV^\top` of
    :math:`\tilde B_t = USV^\top`), run in bfloat16 as PyTorch's. The scale for a parameter of
    shape :math:`(A, B)` is :math:`s = \sqrt{\max(1, A/B)}` (``adjust_lr_fn`` None or
    ``"original"``, Keller Jordan's) or :math:`0.2\sqrt{\max(A, B)}` (``"match_rms_adamw"``,
    Moonshot's: the update's RMS then matches AdamW's, whose lr and weight decay carry over).
    The momentum is PyTorch's code's (an average, ``lerp``), not its docstring's sum.

    Only 2-D parameters: optimize biases, norms' weights and other parameters with another
    optimizer such as ``AdamW`` (see the example).

    Args:
        params: 2-D tensors, or dicts of them with per-group options.
        lr (float): :math:`\gamma`. Default: 1e-3.
        weight_decay (float): decoupled decay :math:`\lambda`. Default: 0.1.
        momentum (float): :math:`\mu`. Default: 0.95.
        nesterov (bool): Nesterov momentum. Default: True.
        ns_coefficients (tuple[float, float, float]): :math:`(a, b, c)`.
            Default: (3.4445, -4.7750, 2.0315).
        eps (float): :math:`\epsilon`. Default: 1e-7.
        ns_steps (int): Newton-Schulz steps :math:`k`, below 100. Default: 5.
        adjust_lr_fn (str | None): ``"original"``, ``"match_rms_adamw"`` or None (original).
            Default: None.

    Example:
        >>> import rosenblatt as rb
        >>> model = rb.nn.Linear(3, 2)
        >>> with rb.no_grad():
        ...     _ = model.weight.copy_(rb.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]))
        >>> muon = rb.optim.Muon([model.weight], lr=0.1)
        >>> adamw = rb.optim.AdamW([model.bias], lr=0.1)
        >>> model(rb.ones(4, 3)).sum().backward()  # the weight's gradient: 4 everywhere, rank 1
        >>> muon.step(); adamw.step()
        >>> model.weight  # 0.99 w (the decay) - lr O, O about 0.68 U V^T = 0.68 / sqrt(6) = 0.28
        Parameter containing:
        tensor([[ 0.9621, -0.0279, -0.0279],
                [-0.0279,  1.9521, -0.0279]], requires_grad=True)
        >>> rb.optim.Muon([model.bias])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        ValueError: Muon only supports 2D parameters ... size: (2,); optimize it with another ...
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, weight_decay: float = 0.1,
                 momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple[float, float, float] = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
                 eps: float = EPS, ns_steps: int = DEFAULT_NS_STEPS,
                 adjust_lr_fn: str | None = None) -> None:
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum,
                                      nesterov=nesterov, ns_coefficients=tuple(ns_coefficients),
                                      eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn))

    def _check(self, options: dict[str, Any]) -> None:
        """PyTorch's checks and words (it checks the Newton-Schulz options at the first step
        only), naming the optimizer and the fix."""
        if not 0.0 <= options["lr"]:
            raise ValueError(f"Muon: Learning rate should be >= 0 but is: {options['lr']}")
        if not 0.0 <= options["momentum"]:
            raise ValueError(f"Muon: momentum should be >= 0 but is: {options['momentum']}")
        if not 0.0 <= options["weight_decay"]:
            raise ValueError(f"Muon: weight decay should be >= 0 but is: {options['weight_decay']}")
        if options["adjust_lr_fn"] not in _ADJUST_LR_FNS:
            raise ValueError(f"Muon: Adjust learning rate function {options['adjust_lr_fn']!r} is "
                             f"not supported; use 'original', 'match_rms_adamw' or None")
        _check_newton_schulz(options["ns_coefficients"], options["ns_steps"])
        self._check_params(options["params"])
        for p in options["params"]:
            if p.ndim != 2:
                raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter "
                                 f"with size: {tuple(p.shape)}; optimize it with another "
                                 f"optimizer such as AdamW")

    def _state_shapes(self, p: Tensor) -> dict[str, tuple[int, ...]]:
        return {"momentum_buffer": tuple(p.shape)}

    def _step_group(self, group: dict[str, Any], params: list[Tensor]) -> None:
        lr, weight_decay, momentum = group["lr"], group["weight_decay"], group["momentum"]
        for p in params:
            g = p.grad.data
            if g.ndim != 2:
                raise ValueError(f"Muon: Param gradient must be a 2D matrix, got shape "
                                 f"{tuple(g.shape)}")
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = Tensor._wrap(xp.zeros_like(g))
            buf = lerp_(state["momentum_buffer"].data, g, 1 - momentum)
            update = lerp_(g, buf, momentum, out=xp.empty_like(g)) if group["nesterov"] else buf
            update = _zeropower_via_newtonschulz(update, group["ns_coefficients"],
                                                 group["ns_steps"], group["eps"])
            # the bfloat16 update joins the parameter in the parameter's dtype, as in PyTorch
            update = xp.ascontiguousarray(update, dtype=p.data.dtype)
            p.data *= 1 - lr * weight_decay
            axpy(-_adjust_lr(lr, group["adjust_lr_fn"], p.shape), update, p.data)
