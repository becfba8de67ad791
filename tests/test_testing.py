"""``rosenblatt.testing.assert_close`` decides and words its errors as ``torch.testing.assert_close``."""
import math
import re

import numpy
import pytest
import torch
import torch.testing

import rosenblatt as rb
from rosenblatt.testing import assert_close

NAN, INF = math.nan, math.inf


def both(make):
    """``make(tensor, dtypes)`` built once with rosenblatt, once with torch."""
    return make(rb.tensor, rb), make(torch.tensor, torch)


CASES = {
    "close float32": lambda t, m: (t([1.0, 2.0]), t([1.0, 2.0 + 1e-6])),
    "not close float32": lambda t, m: (t([1.0, 2.0, 3.0]), t([1.0, 2.5, 3.1])),
    "2-d index": lambda t, m: (t([[1.0, 2.0], [3.0, 4.0]]), t([[1.0, 2.0], [3.0, 5.0]])),
    "ints exact": lambda t, m: (t([1, 2, 3]), t([1, 2, 4])),
    "ints equal": lambda t, m: (t([1, 2, 3]), t([1, 2, 3])),
    "bools": lambda t, m: (t([True, False]), t([True, True])),
    "float16 tolerance": lambda t, m: (t([1.0, 2.0], dtype=m.float16), t([1.0, 2.001], dtype=m.float16)),
    "float16 mismatch": lambda t, m: (t([1.0, 2.0], dtype=m.float16), t([1.0, 2.01], dtype=m.float16)),
    "float64 tight": lambda t, m: (t([1.0], dtype=m.float64), t([1.0 + 1e-6], dtype=m.float64)),
    "nan": lambda t, m: (t([1.0, NAN]), t([1.0, NAN])),
    "inf equal": lambda t, m: (t([1.0, INF]), t([1.0, INF])),
    "inf opposite": lambda t, m: (t([1.0, INF]), t([1.0, -INF])),
    "expected zero": lambda t, m: (t([0.0, 1.0]), t([1e-3, 1.0])),
    "0-d": lambda t, m: (t(1.0), t(2.0)),
    "sequence": lambda t, m: ([t(1.0), t(2.0)], [t(1.0), t(3.0)]),
    "nested": lambda t, m: ([(t(1.0), 2)], [(t(1.0), 3)]),
    "mapping": lambda t, m: ({"a": t(1.0), "b": t([2.0])}, {"a": t(1.0), "b": t([3.0])}),
    "keys": lambda t, m: ({"a": 1}, {"b": 1}),
    "lengths": lambda t, m: ([1.0], [1.0, 2.0]),
    "floats": lambda t, m: (1.0, 1.1),
    "ints": lambda t, m: (1, 2),
    "int and float": lambda t, m: (1, 1.0),
    "numpy arrays": lambda t, m: (numpy.array([1.0, 2.0]), numpy.array([1.0, 3.0])),
    "numpy scalars": lambda t, m: (numpy.float32(1.0), numpy.float32(1.0)),
    "tensor and array": lambda t, m: (t([1.0, 2.0]), numpy.array([1.0, 2.0])),
    "tensor and list": lambda t, m: (t([1.0, 2.0]), [1.0, 2.0]),
    "list and tuple": lambda t, m: ([1, 2], (1, 2)),
    "strings": lambda t, m: ("a", "a"),
    "none": lambda t, m: (None, None),
    "none mismatch": lambda t, m: (1, None),
    "booleans": lambda t, m: (True, False),
    "type error after mismatch": lambda t, m: ([t(1.0), "a"], [t(2.0), "a"]),
}


def _normalised(message):
    """torch's spellings of shapes, dtypes and types, as rosenblatt's."""
    message = re.sub(r"torch\.Size\(\[(\d+)\]\)", r"(\1,)", message)
    message = re.sub(r"torch\.Size\(\[([\d, ]+)\]\)", r"(\1)", message)
    message = re.sub(r"torch\.(float\d+|int\d+|bool)", r"\1", message)
    return message.replace("<class 'torch.Tensor'>", "<class 'rosenblatt.tensor.Tensor'>")


def _outcome(function, actual, expected, **kwargs):
    try:
        function(actual, expected, **kwargs)
    except Exception as error:  # noqa: BLE001 - the type is part of the outcome
        return type(error).__name__, _normalised(str(error))
    return "pass", ""


OPTIONS = [{}, {"rtol": 1e-3}, {"rtol": 0.1, "atol": 0.1}, {"rtol": 0.0, "atol": 0.0}, {"equal_nan": True},
           {"check_dtype": False}, {"msg": "custom"}, {"msg": lambda m: f"Header\n{m}\nFooter"}]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
@pytest.mark.parametrize("case", CASES)
def test_same_decision_and_message_as_torch(case, options):
    (ra, re_), (ta, te) = both(CASES[case])
    assert _outcome(assert_close, ra, re_, **options) == _outcome(torch.testing.assert_close, ta, te, **options)


@pytest.mark.parametrize("options", [{}, {"check_dtype": False}, {"equal_nan": True, "check_dtype": False}])
@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("int64", "float32"), ("float16", "float32"),
                                    ("int32", "int64"), ("bool", "int64")])
def test_mixed_dtypes_as_torch(dtypes, options):
    values = [[1.0, 2.0, NAN], [1.0, 2.0 + 2e-6, NAN]] if "float" in dtypes[0] else [[1, 0, 1], [1, 1, 1]]
    ra, re_ = (rb.tensor(numpy.array(v).astype(d)) for v, d in zip(values, dtypes))
    ta, te = (torch.from_numpy(numpy.array(v).astype(d)) for v, d in zip(values, dtypes))
    assert _outcome(assert_close, ra, re_, **options) == _outcome(torch.testing.assert_close, ta, te, **options)


def test_random_float32_messages_as_torch():
    rng = numpy.random.default_rng(0)
    for _ in range(20):
        a = rng.standard_normal((3, 4)).astype(numpy.float32)
        e = a + rng.standard_normal((3, 4)).astype(numpy.float32) * rng.choice([0, 1e-7, 1e-3], (3, 4))
        ours = _outcome(assert_close, rb.tensor(a), rb.tensor(e))
        assert ours == _outcome(torch.testing.assert_close, torch.from_numpy(a), torch.from_numpy(e))


def test_subclasses_and_strides():
    weight = rb.nn.Parameter(rb.tensor([1.0, 2.0]))
    assert_close(weight, rb.tensor([1.0, 2.0]))  # a Parameter is a Tensor
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close(weight, rb.tensor([1.0, 2.0]), allow_subclasses=False)
    a = numpy.arange(6.0).reshape(2, 3)
    assert_close(a.T, a.T.copy())
    with pytest.raises(AssertionError, match=r"attribute 'stride\(\)' do not match: \(1, 3\) != \(2, 1\)"):
        assert_close(a.T, a.T.copy(), check_stride=True)
    torch.testing.assert_close(torch.from_numpy(a).T, torch.from_numpy(a.T.copy()))
    with pytest.raises(AssertionError, match=r"stride\(\)' do not match: \(1, 3\) != \(2, 1\)"):
        torch.testing.assert_close(torch.from_numpy(a).T, torch.from_numpy(a.T.copy()), check_stride=True)


def test_tensors_that_require_grad_compare_by_value():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    assert_close(x * 2, rb.tensor([2.0, 4.0]))
