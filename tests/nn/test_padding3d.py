"""3-d padding layers (ZeroPad3d, ConstantPad3d, ReflectionPad3d, CircularPad3d) and F.pad's
6-element pads against PyTorch: forward, gradients, repr and the errors."""
import pytest
import torch
import torch.nn.functional as TF
from helpers import check_op

import rosenblatt as rb
from rosenblatt import nn

from .layer_helpers import check_layer

NAMES = ["ZeroPad3d", "ConstantPad3d", "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"]


def _pair(name, pad):
    """The rosenblatt and torch layers of ``name`` with padding ``pad`` (ConstantPad fills -2.5)."""
    args = (pad, -2.5) if name.startswith("Constant") else (pad,)
    return lambda: getattr(nn, name)(*args), lambda: getattr(torch.nn, name)(*args)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pad, shape", [
    (1, (2, 3, 3, 4, 5)),
    ((1, 2, 0, 1, 2, 0), (3, 4, 4, 5)),  # unbatched
    ((0, 3, 2, 1, 1, 2), (1, 2, 4, 4, 4)),
    ((-1, 2, 1, -2, 0, 1), (2, 2, 3, 4, 5)),  # negative widths crop
    ((2, 1), (2, 3, 3, 4)),  # a 2-element padding pads the last dim only (F.pad's rule)
])
def test_3d_padding_layers_match_torch(name, pad, shape):
    make, tmake = _pair(name, pad)
    if pad == (2, 1) and name in ("ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"):
        # PyTorch's non-constant pads refuse a 2-element padding of a 4-d input: so do ours
        with pytest.raises((NotImplementedError, ValueError)):
            tmake()(torch.zeros(shape))
        with pytest.raises(ValueError, match=rf"{name}: expected a .* input"):
            make()(rb.zeros(*shape))
        return
    check_layer(make, tmake, shape)  # forward float32/float64, input gradient, state dict
    assert repr(make()) == repr(tmake())


@pytest.mark.parametrize("name", NAMES)
def test_3d_padding_repr_and_attributes_are_torchs(name):
    for pad in (2, (1, 2, 3, 4, 5, 6)):
        make, tmake = _pair(name, pad)
        ours, theirs = make(), tmake()
        assert repr(ours) == repr(theirs)
        assert ours.padding == theirs.padding
        assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    assert repr(nn.ConstantPad3d(1, 0)) == repr(torch.nn.ConstantPad3d(1, 0))  # value=0, as given


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad, shape", [((1, 2, 2, 1, 1, 0), (2, 2, 3, 4, 5)), ((2, 0, 0, 2, 1, 1), (2, 3, 3, 4)),
                                        ((-1, 1, 0, -1, 1, -1), (1, 2, 3, 4, 5))])
def test_functional_pad_with_6_elements_matches_torch_with_gradients(mode, pad, shape):
    # forward in float32 and float64, gradients against torch's and a numerical check
    check_op([shape], lambda x: (rb.nn.functional.pad if isinstance(x, rb.Tensor) else TF.pad)(x, pad, mode))


def test_constant_3d_padding_takes_any_number_of_leading_dims_as_torch():
    for shape in [(3, 4, 5), (1, 1, 2, 3, 4, 5)]:
        for name in ("ZeroPad3d", "ConstantPad3d"):
            make, tmake = _pair(name, 1)
            check_layer(make, tmake, shape)


@pytest.mark.parametrize("name", ["ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"])
@pytest.mark.parametrize("shape", [(3, 4, 5), (1, 1, 2, 3, 4, 5)])
def test_non_constant_3d_padding_refuses_other_input_dims_as_torch(name, shape):
    make, tmake = _pair(name, 1)
    with pytest.raises((NotImplementedError, ValueError)):
        tmake()(torch.zeros(shape))
    with pytest.raises(ValueError, match=rf"{name}: expected a 4-d \(unbatched\) or 5-d \(batched\) input "
                                         rf".* got shape \[{', '.join(map(str, shape))}\]"):
        make()(rb.zeros(*shape))


def test_reflection_3d_padding_must_be_less_than_the_dim_as_torch():
    x = torch.zeros(1, 1, 2, 3, 4)
    with pytest.raises(RuntimeError):
        torch.nn.ReflectionPad3d((0, 0, 0, 0, 2, 0))(x)
    with pytest.raises(ValueError, match=r"reflect padding must be less than the size of the padded dim, got "
                                         r"padding \(2, 0\) for a dim of size 2"):
        nn.ReflectionPad3d((0, 0, 0, 0, 2, 0))(rb.zeros(1, 1, 2, 3, 4))
    # 3 wraps a dim of 3 once: allowed; 4 would wrap twice
    check_layer(lambda: nn.CircularPad3d((3, 0, 0, 0, 0, 0)), lambda: torch.nn.CircularPad3d((3, 0, 0, 0, 0, 0)),
                (1, 1, 2, 2, 3))
    with pytest.raises(ValueError, match=r"circular padding must be at most the size of the padded dim"):
        nn.CircularPad3d((4, 0, 0, 0, 0, 0))(rb.zeros(1, 1, 2, 2, 3))
