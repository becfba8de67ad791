"""Anomaly detection (autograd/anomaly.py) against torch 2.13: nan in backward raises naming
the op, a failing backward warns with the forward call that made its node, the mode comes
back after a block, and nothing is recorded or checked while it is off."""
import re
import sys
import warnings

import numpy
import pytest
import torch

import rosenblatt as rb
import rosenblatt.nn.functional as F
from rosenblatt.autograd import Function, anomaly, engine

NAN = float("nan")


@pytest.fixture(autouse=True)
def _anomaly_off():
    yield
    anomaly.set_anomaly_enabled(False)  # a failing test must not leave the mode on for the next ones
    torch.set_anomaly_enabled(False)


def _line() -> int:
    """The line number of the caller's current line."""
    return sys._getframe(1).f_lineno


def _error_and_warnings(fn):
    """The exception ``fn()`` raises (None if none) and the messages and categories of the
    warnings it issues but NumPy's, torch's "(Triggered internally at ...)" left out."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
            error = None
        except Exception as e:
            error = e
    caught = [w for w in caught if w.category is not RuntimeWarning]  # NumPy's, dividing by 0
    messages = [re.sub(r" \(Triggered internally at .*\)$", "", str(w.message), flags=re.S) for w in caught]
    return error, messages, [w.category for w in caught]


def _both(make):
    """``make(lib)`` run for rosenblatt and torch: their (error, warnings, categories)."""
    return _error_and_warnings(lambda: make(rb)), _error_and_warnings(lambda: make(torch))


def _custom(lib, backward):
    """A PyTorch-style Function of ``lib`` named ``Custom``: identity forward, ``backward``."""

    class Custom(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return backward(g)

    return Custom


# ------------------------------------------------------------------ nan in backward
def _nan_message(name, index=0):
    return f"Function '{name}' returned nan values in its {index}th output."


def test_nan_from_sqrt_at_zero_raises_naming_the_op_as_pytorch():
    def run(lib):
        x = lib.zeros(3, requires_grad=True)
        with lib.autograd.detect_anomaly():
            (x.sqrt() * 0).sum().backward()  # sqrt's gradient at 0: 0 * inf

    (error, messages, categories), (t_error, t_messages, t_categories) = _both(run)
    assert type(error) is type(t_error) is RuntimeError
    assert str(t_error) == _nan_message("SqrtBackward0") and str(error) == _nan_message("Sqrt")
    # PyTorch warns first with the forward call of the node, then raises
    assert categories == t_categories == [UserWarning, UserWarning]
    assert messages[1].startswith("Error detected in Sqrt. Traceback of forward call that caused the error:\n")
    assert t_messages[1].startswith("Error detected in SqrtBackward0. Traceback of forward call")
    assert "(x.sqrt() * 0).sum().backward()" in messages[1]


def test_nan_from_a_custom_function_gives_pytorchs_message_word_for_word():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            _custom(lib, lambda g: g * NAN).apply(x).sum().backward()

    (error, _, _), (t_error, _, _) = _both(run)
    assert str(error) == str(t_error) == _nan_message("CustomBackward")


def test_the_index_of_the_nan_output_is_the_inputs():
    def run(lib):
        x, y = lib.tensor([NAN, 1.0]), lib.ones(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            (x * y).sum().backward()  # y's gradient is x: nan in output 1, none for x

    (error, _, _), (t_error, _, _) = _both(run)
    assert str(t_error) == _nan_message("MulBackward0", 1) and str(error) == _nan_message("Mul", 1)


def test_a_nan_upstream_gradient_is_reported_by_the_first_node():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            (x * 2).backward(lib.tensor([NAN, 1.0]))

    (error, _, _), (t_error, _, _) = _both(run)
    assert str(t_error) == _nan_message("MulBackward0") and str(error) == _nan_message("Mul")


def test_check_nan_false_lets_nan_through():
    x = rb.zeros(3, requires_grad=True)
    t = torch.zeros(3, requires_grad=True)
    for lib, leaf in ((rb, x), (torch, t)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly(check_nan=False):
                (leaf.sqrt() * 0).sum().backward()
    assert numpy.isnan(x.grad.numpy()).all() and numpy.isnan(t.grad.numpy()).all()


def test_gradients_are_unchanged_by_the_mode():
    x = rb.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
    w = rb.tensor([[1.5, 0.25], [-2.0, 1.0]], requires_grad=True)

    def grads():
        x.grad = w.grad = None
        F.softmax((x @ w).tanh() * x, dim=1)[:, 0].sum().backward()
        return x.grad.numpy().copy(), w.grad.numpy().copy()

    off = grads()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rb.autograd.detect_anomaly():
            on = grads()
    numpy.testing.assert_array_equal(off[0], on[0])
    numpy.testing.assert_array_equal(off[1], on[1])


# ------------------------------------------------------------------ forward traceback on errors
def test_a_failing_backward_warns_with_the_line_of_its_forward_call():
    def boom(g):
        raise ValueError("boom in backward")

    def forward(lib, x):
        return _custom(lib, boom).apply(x).sum()

    lines = {}

    def run(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.set_detect_anomaly(True):
            lines[lib] = _line() + 1  # the forward call's
            y = forward(lib, x)
            y.backward()

    (error, messages, categories), (t_error, t_messages, t_categories) = _both(run)
    assert type(error) is type(t_error) is ValueError and str(error) == str(t_error) == "boom in backward"
    assert categories == t_categories == [UserWarning]
    head = "Error detected in CustomBackward. Traceback of forward call that caused the error:\n"
    assert messages[0].startswith(head) and t_messages[0].startswith(head)
    for message, lib in ((messages[0], rb), (t_messages[0], torch)):
        assert f'File "{__file__}", line {lines[lib]}, in run\n    y = forward(lib, x)' in message
    # ours ends at the line that called apply (torch's adds its own Function.apply frame)
    assert messages[0].rstrip().endswith("return _custom(lib, boom).apply(x).sum()")


def test_the_warning_points_at_the_line_that_called_backward():
    x = rb.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with rb.autograd.set_detect_anomaly(True):
            y = _custom(rb, lambda g: 1 / 0).apply(x).sum()
            with pytest.raises(ZeroDivisionError):
                line = _line() + 1
                y.backward()
    assert (caught[-1].filename, caught[-1].lineno) == (__file__, line)


def test_an_in_place_change_names_the_forward_call_of_the_op_that_saved_it():
    def run(lib):
        x, w = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            y = (x * w).sum()
            with lib.no_grad():
                w.mul_(2)
            y.backward()

    (error, messages, _), (t_error, t_messages, _) = _both(run)
    assert type(error) is type(t_error) is RuntimeError
    assert "modified by an in" in str(error) and "modified by an in" in str(t_error)
    assert "Hint: the warning above shows the forward call" in str(error)
    assert messages[1].startswith("Error detected in Mul. Traceback")
    assert t_messages[1].startswith("Error detected in MulBackward0. Traceback")
    assert "y = (x * w).sum()" in messages[1] and "y = (x * w).sum()" in t_messages[1]


def test_without_the_mode_the_in_place_error_hints_at_it():
    x, w = rb.ones(2, requires_grad=True), rb.ones(2, requires_grad=True)
    y = (x * w).sum()
    with rb.no_grad():
        w.mul_(2)
    with pytest.raises(RuntimeError, match=r"enable anomaly detection with rosenblatt.autograd.set_detect_anomaly"):
        y.backward()


def test_a_node_made_before_the_mode_has_no_forward_information():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = _custom(lib, lambda g: 1 / 0).apply(x).sum()
        with lib.autograd.detect_anomaly():
            y.backward()

    (error, messages, _), (t_error, t_messages, _) = _both(run)
    assert type(error) is type(t_error) is ZeroDivisionError
    expected = ("Error detected in CustomBackward. No forward pass information available. Enable detect "
                "anomaly during forward pass for more information.")
    assert messages[1] == t_messages[1] == expected


def test_errors_are_not_reported_when_the_mode_is_off():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        _custom(lib, lambda g: 1 / 0).apply(x).sum().backward()

    (error, messages, _), (t_error, t_messages, _) = _both(run)
    assert type(error) is type(t_error) is ZeroDivisionError and messages == t_messages == []


# ------------------------------------------------------------------ every way of making a node records
@pytest.mark.parametrize("op", [
    lambda x, w: x * w,  # Tensor.__mul__ is Mul.apply itself (a node in slots)
    lambda x, w: x.sqrt(),
    lambda x, w: x @ w,  # a node with a __dict__
    lambda x, w: F.relu(x),
    lambda x, w: rb.ops.arithmetic.Mul.apply(x, 2.0),  # the general apply, a number input
    lambda x, w: x.sum(dim=0),
    lambda x, w: _custom(rb, lambda g: g).apply(x),  # a PyTorch-style Function's node
], ids=["operator", "method", "matmul", "functional", "apply", "reduction", "custom"])
def test_every_kind_of_node_remembers_its_forward_call(op):
    x, w = rb.ones(2, 2, requires_grad=True), rb.ones(2, 2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rb.autograd.detect_anomaly():
            line = _line() + 1
            y = op(x, w)
    stack = anomaly._stacks[y.grad_fn]
    calls = [(f.filename, f.lineno) for f in stack]
    assert (__file__, line) in calls
    assert all("rosenblatt/autograd/" not in filename for filename, _ in calls)


def test_nothing_is_recorded_or_swapped_in_while_off():
    x = rb.ones(2, requires_grad=True)
    y = (x * 2).sqrt()
    assert y.grad_fn not in anomaly._stacks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rb.autograd.detect_anomaly():
            z = x * 3
            assert "__init__" in vars(Function) and engine._anomaly_report is not None
            assert engine._active_kinds is not engine._kinds
    w = x * 4
    assert z.grad_fn in anomaly._stacks and w.grad_fn not in anomaly._stacks
    assert "__init__" not in vars(Function) and type(w.grad_fn).__init__ is object.__init__
    assert engine._active_kinds is engine._kinds and engine._anomaly_report is None


def test_check_nan_false_swaps_in_no_nan_check():
    anomaly.set_anomaly_enabled(True, check_nan=False)
    assert engine._active_kinds is engine._kinds and engine._anomaly_report is not None


# ------------------------------------------------------------------ the mode's state, as torch's
TOP_LEVEL = ["is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled"]


def _top(lib, name):
    """torch's top-level function ``name``, or rosenblatt's (anomaly.py; top-level too once
    rosenblatt/__init__.py loads them)."""
    return getattr(torch if lib is torch else anomaly, name)


def _state(lib):
    return _top(lib, "is_anomaly_enabled")(), _top(lib, "is_anomaly_check_nan_enabled")()


def test_states_through_nested_blocks_match_pytorch():
    def run(lib):
        seen = [_state(lib)]
        with lib.autograd.detect_anomaly(check_nan=False):
            seen.append(_state(lib))
            with lib.autograd.detect_anomaly():
                seen.append(_state(lib))
                with lib.autograd.set_detect_anomaly(False):
                    seen.append(_state(lib))
                seen.append(_state(lib))
            seen.append(_state(lib))
        seen.append(_state(lib))
        return seen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert run(rb) == run(torch) == [(False, True), (True, False), (True, True), (False, True),
                                         (True, True), (True, False), (False, True)]


def test_the_mode_comes_back_after_an_exception():
    for lib in (rb, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(KeyError):
                with lib.autograd.detect_anomaly(check_nan=False):
                    raise KeyError("inside")
            with pytest.raises(KeyError):
                with lib.autograd.set_detect_anomaly(True):
                    raise KeyError("inside")
        assert _state(lib) == (False, True)
    assert "__init__" not in vars(Function) and engine._anomaly_report is None


def test_set_detect_anomaly_as_a_call_stays_set():
    for lib in (rb, torch):
        lib.autograd.set_detect_anomaly(True, check_nan=False)
        assert _state(lib) == (True, False)
        lib.autograd.set_detect_anomaly(False)
        assert _state(lib) == (False, True)


def test_set_anomaly_enabled_matches_pytorch():
    for lib in (rb, torch):
        set_anomaly_enabled = _top(lib, "set_anomaly_enabled")
        set_anomaly_enabled(True)
        assert _state(lib) == (True, True)
        set_anomaly_enabled(enabled=False, check_nan=False)
        assert _state(lib) == (False, False)  # check_nan is kept even with the mode off
        set_anomaly_enabled(False)


@pytest.mark.parametrize("args", [(1,), (True, 1), ()])
def test_set_anomaly_enabled_refuses_what_pytorch_refuses(args):
    with pytest.raises(TypeError) as t_error:
        torch.set_anomaly_enabled(*args)
    with pytest.raises(TypeError) as error:
        anomaly.set_anomaly_enabled(*args)
    if args:
        assert str(error.value) == str(t_error.value)


def test_detect_anomaly_warns_when_made_as_pytorchs():
    (_, messages, categories), (_, t_messages, t_categories) = _both(lambda lib: lib.autograd.detect_anomaly())
    assert messages == t_messages == ["Anomaly Detection has been enabled. This mode will increase the "
                                      "runtime and should only be enabled for debugging."]
    assert categories == t_categories == [UserWarning]


def test_detect_anomaly_as_a_decorator():
    # Not in torch 2.13, whose detect_anomaly is a context manager only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        @rb.autograd.detect_anomaly(check_nan=False)
        def inside(n):
            return _state(rb), n

    assert _state(rb) == (False, True)
    assert inside(3) == ((True, False), 3)
    assert _state(rb) == (False, True)
    with pytest.raises(RuntimeError, match="Function 'Sqrt' returned nan"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rb.autograd.detect_anomaly()(lambda x: (x.sqrt() * 0).sum().backward())(rb.zeros(2, requires_grad=True))
    assert _state(rb) == (False, True)


def test_autograd_exports_the_anomaly_names():
    assert rb.autograd.detect_anomaly is anomaly.detect_anomaly
    assert rb.autograd.set_detect_anomaly is anomaly.set_detect_anomaly
    assert {"detect_anomaly", "set_detect_anomaly"} <= set(rb.autograd.__all__)


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_names_are_anomaly_modules(name):
    assert getattr(rb, name) is getattr(anomaly, name)
