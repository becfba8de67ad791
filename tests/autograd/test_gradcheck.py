"""gradcheck itself: it passes correct ops and catches a wrong backward."""
import numpy as np
import pytest

import rosenblatt as rb
from rosenblatt.autograd import Function, GradcheckError, gradcheck


class WrongSquare(Function):
    """x ** 2 with a backward that forgets the factor 2."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, grad):
        return grad * self.x


class RightSquare(WrongSquare):
    def backward(self, grad):
        return 2.0 * grad * self.x


class WrongSecondInput(Function):
    """x * y whose gradient for y has the wrong sign."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, grad):
        return grad * self.y, -grad * self.x


def _inputs(*shapes, seed=0):
    g = rb.Generator(seed)
    return [rb.randn(*s, generator=g, dtype=rb.float64, requires_grad=True) for s in shapes]


@pytest.mark.parametrize("fn, shapes", [
    (lambda x: (x * x).tanh(), [(3, 4)]),
    (lambda x, y: x @ y, [(2, 3), (3, 4)]),
    (lambda x, y: (x * y + x).exp(), [(3, 1), (1, 4)]),
    (lambda x: x.softmax(-1), [(2, 5)]),
    (lambda x: x.sum(0) / 3.0, [(3, 2)]),
    (lambda x: (x[1:, ::2], x.T), [(3, 4)]),
    (lambda x: RightSquare.apply(x), [(4,)]),
])
def test_gradcheck_passes_on_correct_ops(fn, shapes):
    assert gradcheck(fn, _inputs(*shapes)) is True


def test_gradcheck_raises_on_wrong_backward():
    (x,) = _inputs((4,))
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(lambda t: WrongSquare.apply(t), x)
    assert gradcheck(lambda t: WrongSquare.apply(t), x, raise_exception=False) is False


def test_gradcheck_names_the_wrong_input():
    x, y = _inputs((3,), (3,))
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda a, b: WrongSecondInput.apply(a, b), [x, y])


def test_gradcheck_catches_error_hidden_by_all_ones_upstream():
    # Backward of x - mean(x) under a plain sum is 0 either way; a random upstream gradient tells.
    class CenterWrong(Function):
        def forward(self, x):
            return x - x.mean()

        def backward(self, grad):
            return np.zeros_like(grad)

    (x,) = _inputs((5,))
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: CenterWrong.apply(t), x)


def test_gradcheck_rejects_float32_inputs():
    x = rb.randn(3, requires_grad=True)
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda t: t * 2, x)


def test_gradcheck_needs_an_input_requiring_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda t: t * 2, rb.randn(3, dtype=rb.float64))


def test_gradcheck_ignores_non_grad_inputs():
    x = _inputs((3,))[0]
    c = rb.randn(3, dtype=rb.float64)
    assert gradcheck(lambda a, b: a * b, [x, c])


def test_gradcheck_leaves_inputs_unchanged():
    (x,) = _inputs((2, 3))
    before = x.detach().numpy().copy()
    gradcheck(lambda t: t.exp(), x)
    np.testing.assert_array_equal(x.detach().numpy(), before)


def test_gradcheck_leaves_the_inputs_grad_alone():
    # As torch.autograd.gradcheck: the check's own gradients never land in .grad.
    x = rb.randn(3, dtype=rb.float64, requires_grad=True)
    unused = rb.randn(2, dtype=rb.float64, requires_grad=True)
    (x * 5).sum().backward()
    assert rb.autograd.gradcheck(lambda a, b: a * a, (x, unused))
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0, 5.0])
    assert unused.grad is None
