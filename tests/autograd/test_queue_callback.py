"""autograd.engine.queue_callback: work a gradient hook queues runs once, after the whole backward."""
from __future__ import annotations

import pytest

import rosenblatt as rb
from rosenblatt.autograd.engine import queue_callback


def test_queued_callback_runs_once_after_every_leaf_has_its_grad():
    a, b = rb.randn(3, requires_grad=True), rb.randn(3, requires_grad=True)
    seen = []

    def hook(grad):
        if not seen:
            queue_callback(lambda: seen.append((a.grad is not None, b.grad is not None)))
        seen.append("hook")

    a.register_hook(hook)
    (a * b).sum().backward()
    assert seen == ["hook", (True, True)]
    (a * b).sum().backward()  # a new backward: the callback is not run again unless queued again
    assert seen == ["hook", (True, True), "hook"]


def test_callbacks_of_a_backward_that_raises_are_dropped():
    a = rb.randn(3, requires_grad=True)
    ran = []

    def hook(grad):
        queue_callback(lambda: ran.append(1))
        raise ValueError("hook failed")

    handle = a.register_hook(hook)
    with pytest.raises(ValueError, match="hook failed"):
        (a * 2).sum().backward()
    handle.remove()
    (a * 2).sum().backward()
    assert ran == []
