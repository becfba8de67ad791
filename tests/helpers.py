"""PyTorch-parity helpers for tests: ``check_op`` compares an op with PyTorch in one line.

    check_op([(3, 1), (1, 4)], lambda x, y: x + y)

runs the op on random inputs of those shapes and checks, against PyTorch (the
oracle, test-only):

(a) the float32 forward: values, shape and dtype;
(b) the float64 forward and every input's gradient under a random (seeded, not
    all-ones) upstream gradient; outputs PyTorch does not differentiate
    (comparisons, indices) must not require grad here either;
(c) ``rosenblatt.autograd.gradcheck`` (central differences) on the float64 inputs.

``rb_fn`` receives rosenblatt tensors, ``torch_fn`` torch tensors; it defaults
to ``rb_fn`` because the APIs match (``lambda x: x.exp()`` works for both).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy
import torch

import rosenblatt as rb
from rosenblatt.autograd import gradcheck as rb_gradcheck

# Tolerances per float dtype; float64 is tight because both sides do the same math.
TOLERANCES = {numpy.dtype("float32"): (1e-5, 1e-4), numpy.dtype("float64"): (1e-10, 1e-7)}


def to_torch(t: Any, requires_grad: bool = False) -> torch.Tensor:
    """A torch tensor with a copy of a rosenblatt tensor's (or an array's) values and dtype."""
    array = numpy.array(t.data if isinstance(t, rb.Tensor) else t, copy=True)
    out = torch.from_numpy(array)
    return out.requires_grad_(True) if requires_grad else out


def from_torch(t: torch.Tensor, requires_grad: bool = False) -> rb.Tensor:
    """A rosenblatt tensor with a copy of a torch tensor's values and dtype."""
    return rb.Tensor(t.detach().cpu().numpy().copy(), requires_grad=requires_grad)


def _torch_dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def assert_close(actual: Any, expected: Any, *, atol: float | None = None,
                 rtol: float | None = None, check_dtype: bool = True, what: str = "output") -> None:
    """Assert a rosenblatt tensor equals a torch tensor: shape, dtype and values (nan == nan)."""
    assert isinstance(actual, rb.Tensor), f"{what}: expected a rosenblatt Tensor, got {type(actual)}"
    if not isinstance(expected, torch.Tensor):
        expected = torch.as_tensor(expected)
    got = actual.data
    want = expected.detach().cpu().numpy()
    assert tuple(got.shape) == tuple(want.shape), (
        f"{what}: shape {tuple(got.shape)} != torch's {tuple(want.shape)}")
    if check_dtype:
        assert str(got.dtype) == _torch_dtype_name(expected.dtype), (
            f"{what}: dtype {got.dtype} != torch's {expected.dtype}")
    if want.dtype.kind in "biu" and got.dtype.kind in "biu":
        numpy.testing.assert_array_equal(got, want, err_msg=what)
        return
    default_atol, default_rtol = TOLERANCES.get(numpy.dtype(want.dtype), (1e-5, 1e-4))
    numpy.testing.assert_allclose(
        got.astype(numpy.float64), want.astype(numpy.float64),
        atol=default_atol if atol is None else atol, rtol=default_rtol if rtol is None else rtol,
        equal_nan=True, err_msg=what)


def _as_list(out: Any) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _make_inputs(shapes: Sequence[Any] | None, inputs: Sequence[Any] | None, low: float,
                 high: float, positive: Any, rng: numpy.random.Generator) -> list[numpy.ndarray]:
    """The input arrays in float64 (floats) or their own dtype (ints, bools)."""
    if inputs is not None:
        arrays = [numpy.asarray(a) for a in inputs]
        return [a.astype(numpy.float64) if a.dtype.kind == "f" else a for a in arrays]
    flags = positive if isinstance(positive, (tuple, list)) else [positive] * len(shapes)
    return [rng.uniform(max(low, 0.1), max(high, low + 1.0, 1.1), size=tuple(s)) if pos
            else rng.uniform(low, high, size=tuple(s)) for s, pos in zip(shapes, flags)]


def _cast(arrays: list[numpy.ndarray], dtype: str) -> list[numpy.ndarray]:
    return [a.astype(dtype) if a.dtype.kind == "f" else a.copy() for a in arrays]


def check_op(shapes: Sequence[Any] | None, rb_fn: Callable[..., Any],
             torch_fn: Callable[..., Any] | None = None, *, low: float = -2.0, high: float = 2.0,
             positive: bool | Sequence[bool] = False, dtypes: Sequence[str] = ("float32", "float64"),
             grad: bool = True, gradcheck: bool = True, atol: float | None = None,
             rtol: float | None = None, grad_atol: float | None = None,
             grad_rtol: float | None = None, gradcheck_atol: float = 1e-5,
             inputs: Sequence[Any] | None = None, seed: int = 0) -> None:
    """Compare ``rb_fn`` with ``torch_fn`` forward (float32, float64) and backward (float64).

    Args:
        shapes: one shape per input (``()`` for a 0-d tensor); ignored when ``inputs`` is given.
        rb_fn: maps rosenblatt tensors to a tensor or a tuple of tensors.
        torch_fn: the same on torch tensors; defaults to ``rb_fn``.
        low, high: inputs are uniform in ``[low, high)``.
        positive: draw inputs from ``[0.1, max(high, 1.1))`` (for log, sqrt, ...); a
            sequence of bools chooses per input (``(False, True)`` for a divisor).
        dtypes: float dtypes to run; gradients are checked only in ``"float64"``.
        grad: compare gradients with PyTorch's.
        gradcheck: also run the numerical gradient check (needs ``grad``).
        atol, rtol: forward tolerances (default per dtype, see ``TOLERANCES``).
        grad_atol, grad_rtol: gradient tolerances (default float64's).
        gradcheck_atol: absolute tolerance of the numerical check.
        inputs: explicit input arrays (floats are cast to each dtype, ints and
            bools are passed unchanged and never require grad).
        seed: seed of the inputs and of the upstream gradient.
    """
    torch_fn = rb_fn if torch_fn is None else torch_fn
    rng = numpy.random.default_rng(seed)
    base = _make_inputs(shapes, inputs, low, high, positive, rng)

    for dtype in dtypes:
        arrays = _cast(base, dtype)
        with_grad = grad and dtype == "float64"
        needs = [with_grad and a.dtype.kind == "f" for a in arrays]
        rb_in = [rb.Tensor(a.copy(), requires_grad=n) for a, n in zip(arrays, needs)]
        torch_in = [to_torch(a, requires_grad=n) for a, n in zip(arrays, needs)]
        rb_out = _as_list(rb_fn(*rb_in))
        torch_out = _as_list(torch_fn(*torch_in))
        assert len(rb_out) == len(torch_out), (
            f"{len(rb_out)} outputs, torch gives {len(torch_out)}")
        for i, (r, t) in enumerate(zip(rb_out, torch_out)):
            assert_close(r, t, atol=atol, rtol=rtol, what=f"{dtype} output {i}")
        if not any(needs):
            continue

        # Outputs torch does not differentiate must not carry a graph here either.
        pairs = []
        for i, (r, t) in enumerate(zip(rb_out, torch_out)):
            assert r.requires_grad == t.requires_grad, (
                f"output {i}: requires_grad={r.requires_grad}, torch says {t.requires_grad}")
            if t.requires_grad:
                pairs.append((r, t))
        if not pairs:
            continue
        upstream = [rng.standard_normal(tuple(t.shape)) for _, t in pairs]
        torch.autograd.backward([t for _, t in pairs],
                                [torch.from_numpy(u.astype(dtype)) for u in upstream])
        if len(pairs) == 1:
            pairs[0][0].backward(rb.Tensor(upstream[0].astype(dtype)))
        else:
            total = sum(((r * rb.Tensor(u.astype(dtype))).sum() for (r, _), u in zip(pairs, upstream)))
            total.backward()
        for i, (r, t, n) in enumerate(zip(rb_in, torch_in, needs)):
            if not n:
                continue
            want = torch.zeros_like(t) if t.grad is None else t.grad
            got = rb.zeros_like(r) if r.grad is None else r.grad
            assert_close(got, want, atol=grad_atol, rtol=grad_rtol, what=f"grad of input {i}")

        if gradcheck:
            checked = [rb.Tensor(a.copy(), requires_grad=n) for a, n in zip(arrays, needs)]
            rb_gradcheck(rb_fn, checked, atol=gradcheck_atol, seed=seed)
