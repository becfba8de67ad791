"""set_printoptions / get_printoptions against PyTorch's: the options, profiles and the repr."""
from __future__ import annotations

import math

import numpy
import pytest
import torch

import rosenblatt as rb


@pytest.fixture(autouse=True)
def reset_options():
    yield
    rb.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


def both(**kwargs):
    rb.set_printoptions(**kwargs)
    torch.set_printoptions(**kwargs)


def test_defaults_are_pytorchs():
    assert rb.get_printoptions() == torch._tensor_str.get_printoptions() == {
        "precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


@pytest.mark.parametrize("calls", [
    [dict(profile="short")],
    [dict(profile="full")],
    [dict(profile="short", precision=6)],
    [dict(precision=2, threshold=10), dict(edgeitems=1)],
    [dict(sci_mode=True), dict(precision=3)],  # sci_mode not given: back to None
    [dict(profile="full"), dict(profile="default", linewidth=120, sci_mode=False)],
])
def test_options_follow_pytorchs_rules(calls):
    for kwargs in calls:
        both(**kwargs)
        assert rb.get_printoptions() == torch._tensor_str.get_printoptions()


def test_get_printoptions_round_trips():
    rb.set_printoptions(precision=1, edgeitems=5, sci_mode=True)
    saved = rb.get_printoptions()
    rb.set_printoptions(profile="short")
    rb.set_printoptions(**saved)
    assert rb.get_printoptions() == saved


# Values with no trailing zeros at these precisions: PyTorch pads with zeros, NumPy drops them.
@pytest.mark.parametrize("values", [[1.23456789, 2.34567891], [[0.123456789, -5.55555555], [7.1234567, 8.9876543]],
                                    [1.23456789, 2.3456789e-5], [3.87654321, 1.23456789e9]])
@pytest.mark.parametrize("precision", [2, 4, 6])
def test_precision_matches_pytorch_for_values_without_trailing_zeros(values, precision):
    both(precision=precision)
    assert repr(rb.tensor(values)) == repr(torch.tensor(values))


@pytest.mark.parametrize("precision", [2, 4])
@pytest.mark.parametrize("values", [[1.5, -20.0], [1e-5, 1.0], [0.25, 3.0, 1e3],
                                    [float("nan"), 1.0, float("-inf")], [[1.0, 2.0], [-3.0, 4.0]]])
def test_sci_mode_true_matches_pytorch(values, precision):
    both(sci_mode=True, precision=precision)
    assert repr(rb.tensor(values)) == repr(torch.tensor(values))


def test_sci_mode_false_and_auto():
    values = [1e-5, 1.0, 2000.0]
    assert "e-05" in repr(rb.tensor(values)) and "e-05" in repr(torch.tensor(values))
    both(sci_mode=False)
    assert "e+" not in repr(rb.tensor(values)) and "e-" not in repr(rb.tensor(values))
    assert "e+" not in repr(torch.tensor(values)) and "e-" not in repr(torch.tensor(values))
    assert repr(rb.tensor([1, 2])) == "tensor([1, 2])"  # ints untouched


@pytest.mark.parametrize("threshold, edgeitems", [(5, 2), (9, 1), (100, 3), (0, 2)])
def test_threshold_and_edgeitems_summarise_as_pytorch(threshold, edgeitems):
    both(threshold=threshold, edgeitems=edgeitems)
    for shape in [(10,), (20,), (6, 7), (5, 4, 6)]:
        x = numpy.arange(math.prod(shape)).reshape(shape)
        ours, theirs = repr(rb.tensor(x)), repr(torch.tensor(x))
        assert ("..." in ours) == ("..." in theirs)
        assert ("..." in ours) == (x.size > threshold and max(shape) > 2 * edgeitems)
        assert sorted(map(int, ours.replace("...", "").strip("tensor()[]").replace("[", " ")
                          .replace("]", " ").replace(",", " ").split())) == \
            sorted(map(int, theirs.replace("...", "").strip("tensor()[]").replace("[", " ")
                       .replace("]", " ").replace(",", " ").split()))


def test_full_profile_never_summarises():
    assert "..." in repr(rb.arange(2000))
    both(profile="full")
    text = repr(rb.arange(2000))
    assert "..." not in text and "1234," in text and "..." not in repr(torch.arange(2000))


def test_short_profile():
    both(profile="short")
    assert repr(rb.tensor([1.23456, 9.87654])) == repr(torch.tensor([1.23456, 9.87654])) == \
        "tensor([1.23, 9.88])"
    assert repr(rb.arange(2000)) == "tensor([   0,    1, ..., 1998, 1999])"  # two each side


@pytest.mark.parametrize("linewidth", [30, 60, 80, 150])
def test_linewidth_bounds_every_line(linewidth):
    rb.set_printoptions(linewidth=linewidth)
    lines = repr(rb.arange(100, 160)).split("\n")
    assert max(len(line) for line in lines) <= linewidth
    assert max(len(line) for line in lines) > linewidth - 12  # lines are filled, not cut short


def test_default_output_unchanged_after_reset():
    x = rb.tensor([[0.1, -2.0], [3.25, 4.0]])
    before = repr(x), repr(rb.arange(30)), repr(rb.arange(2000)), repr(rb.tensor([1e-5, 1.0]))
    rb.set_printoptions(precision=1, threshold=3, edgeitems=1, linewidth=20, sci_mode=True)
    assert repr(x) != before[0]
    rb.set_printoptions(profile="default")
    assert (repr(x), repr(rb.arange(30)), repr(rb.arange(2000)), repr(rb.tensor([1e-5, 1.0]))) == before
    assert before[0] == "tensor([[ 0.1 , -2.  ],\n        [ 3.25,  4.  ]])"
    assert before[2] == "tensor([   0,    1,    2, ..., 1997, 1998, 1999])"


def test_parameter_repr_follows_options():
    rb.set_printoptions(sci_mode=True, precision=1)
    assert "1.5e+00" in repr(rb.nn.Parameter(rb.tensor([1.5])))


def test_errors():
    with pytest.raises(ValueError, match="profile"):
        rb.set_printoptions(profile="long")
    with pytest.raises(ValueError, match="precision"):
        rb.set_printoptions(precision=-1)
    with pytest.raises(ValueError, match="sci_mode"):
        rb.set_printoptions(sci_mode="yes")
    with pytest.raises(ValueError, match="linewidth"):
        rb.set_printoptions(linewidth=0)
    assert rb.get_printoptions()["precision"] == 4  # a refused call leaves the options as they were
