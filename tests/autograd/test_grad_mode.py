"""Grad modes as decorators: set_grad_enabled, and generator functions (PyTorch's behaviour)."""
import pytest
import torch

import rosenblatt as rb


@pytest.fixture(autouse=True)
def _grad_mode_back_on():
    yield
    rb.set_grad_enabled(True)  # a failing test must not leave recording off for the next ones


def test_set_grad_enabled_as_decorator_applies_to_calls_only():
    @rb.set_grad_enabled(False)
    def f(x):
        return x * 2

    assert rb.is_grad_enabled()  # making the decorator does not switch recording off
    x = rb.ones(2, requires_grad=True)
    assert not f(x).requires_grad
    assert rb.is_grad_enabled()
    assert (x * 2).requires_grad


@pytest.mark.parametrize("mode, decorator", [(False, rb.no_grad()), (True, rb.enable_grad())])
def test_decorated_generator_runs_its_body_in_the_mode(mode, decorator):
    @decorator
    def gen():
        received = yield rb.is_grad_enabled()
        yield received, rb.is_grad_enabled()
        return "done"

    with rb.set_grad_enabled(not mode):
        it = gen()
        assert next(it) is mode
        assert rb.is_grad_enabled() is not mode  # the caller's mode between items
        assert it.send("sent") == ("sent", mode)
        with pytest.raises(StopIteration) as end:
            next(it)
        assert end.value.value == "done"
        assert rb.is_grad_enabled() is not mode


def test_decorated_generator_gets_exceptions_thrown_in_and_closes():
    closed = []

    @rb.no_grad()
    def gen():
        try:
            yield 1
        except KeyError:
            yield rb.is_grad_enabled()
        finally:
            closed.append(rb.is_grad_enabled())

    it = gen()
    next(it)
    assert it.throw(KeyError()) is False
    it.close()
    assert closed == [False]
    assert rb.is_grad_enabled()


def test_inference_mode_as_torch():
    for lib in (torch, rb):
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            assert not (x * 2).requires_grad
        with lib.inference_mode(False):
            assert (x * 2).requires_grad
        with lib.no_grad(), lib.inference_mode(False):  # False turns recording on
            assert (x * 2).requires_grad

        @lib.inference_mode()
        def decorated():
            return (x * 2).requires_grad

        @lib.inference_mode
        def bare():
            return (x * 2).requires_grad

        assert not decorated() and not bare() and (x * 2).requires_grad
