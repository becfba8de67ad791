"""Padding layers (zero, constant, reflection, replication, circular; 1-d and 2-d) against PyTorch."""
import pytest
import torch

import rosenblatt as rb
from rosenblatt.nn.modules import padding

from .layer_helpers import check_layer

NAMES_1D = ["ZeroPad1d", "ConstantPad1d", "ReflectionPad1d", "ReplicationPad1d", "CircularPad1d"]
NAMES_2D = [name.replace("1d", "2d") for name in NAMES_1D]


def _pair(name, pad):
    """The rosenblatt and torch layers of ``name`` with padding ``pad`` (ConstantPad fills 1.5)."""
    args = (pad, 1.5) if name.startswith("Constant") else (pad,)
    return lambda: getattr(padding, name)(*args), lambda: getattr(torch.nn, name)(*args)


@pytest.mark.parametrize("name", NAMES_1D)
@pytest.mark.parametrize("pad, shape", [(2, (2, 3, 5)), ((1, 3), (3, 5)), ((0, 4), (1, 2, 5)), ((-1, 2), (2, 3, 5))])
def test_1d_padding_layers_match_torch(name, pad, shape):
    make, tmake = _pair(name, pad)
    check_layer(make, tmake, shape)
    assert repr(make()) == repr(tmake())


@pytest.mark.parametrize("name", NAMES_2D)
@pytest.mark.parametrize("pad, shape", [(1, (2, 3, 4, 5)), ((1, 2, 3, 0), (3, 4, 5)), ((0, 3, 2, 1), (1, 1, 4, 4)),
                                        ((2, 1), (2, 3, 4)), ((-1, 2, 1, -2), (2, 2, 4, 5))])
def test_2d_padding_layers_match_torch(name, pad, shape):
    make, tmake = _pair(name, pad)
    check_layer(make, tmake, shape)
    assert repr(make()) == repr(tmake())


@pytest.mark.parametrize("name, shape", [("ZeroPad1d", (5,)), ("ConstantPad1d", (2, 2, 3, 5)),
                                         ("ZeroPad2d", (2, 2, 3, 4, 5)), ("ConstantPad2d", (4, 5))])
def test_constant_padding_takes_any_number_of_leading_dims_as_torch(name, shape):
    make, tmake = _pair(name, 2)
    check_layer(make, tmake, shape)


@pytest.mark.parametrize("name", NAMES_1D[2:] + NAMES_2D[2:])
@pytest.mark.parametrize("extra_dims", [0, 3])  # too few dims, too many
def test_non_constant_padding_refuses_other_input_dims_as_torch(name, extra_dims):
    dims = 1 if name.endswith("1d") else 2
    shape = (3,) * (dims + extra_dims)
    make, tmake = _pair(name, 1)
    with pytest.raises((NotImplementedError, ValueError)):
        tmake()(torch.zeros(shape))
    with pytest.raises(ValueError, match=rf"{name}: expected a {dims + 1}-d \(unbatched\) or {dims + 2}-d "
                                         rf"\(batched\) input .* got shape \[{', '.join(['3'] * len(shape))}\]"):
        make()(rb.zeros(*shape))



@pytest.mark.parametrize("name, pad, shape", [("CircularPad1d", (1, 1, 1, 1), (2, 3, 4, 3)),
                                              ("CircularPad2d", (2, 0), (2, 3))])
def test_circular_padding_checks_its_own_dims_whatever_the_padding_as_torch(name, pad, shape):
    """F.pad would take these (a 4-tuple on 4-d input, a pair on 2-d); PyTorch's circular layers
    refuse them by their own dims (the reflection and replication layers take them)."""
    make, tmake = _pair(name, pad)
    with pytest.raises(ValueError, match="expected"):
        tmake()(torch.zeros(shape))
    dims = 1 if name.endswith("1d") else 2
    with pytest.raises(ValueError, match=rf"{name}: expected a {dims + 1}-d \(unbatched\) or "
                                         rf"{dims + 2}-d \(batched\) input"):
        make()(rb.zeros(*shape))
    reflection = name.replace("Circular", "Reflection")
    check_layer(*_pair(reflection, pad), shape)

@pytest.mark.parametrize("name, pad, shape", [
    ("ReflectionPad1d", 5, (2, 3, 5)), ("ReflectionPad2d", (4, 0, 0, 0), (3, 4, 4)),
    ("ReflectionPad2d", (0, 0, 0, 3), (1, 3, 3, 8)), ("CircularPad1d", (0, 6), (2, 5)),
])
def test_too_large_reflection_or_circular_padding_raises_as_torch(name, pad, shape):
    make, tmake = _pair(name, pad)
    with pytest.raises(RuntimeError):
        tmake()(torch.zeros(shape))
    with pytest.raises(ValueError, match="padding must be"):
        make()(rb.zeros(*shape))


def test_padding_attributes_are_torchs():
    for name in NAMES_1D + NAMES_2D:
        make, tmake = _pair(name, 2)
        layer, tlayer = make(), tmake()
        assert layer.padding == tlayer.padding and list(layer.state_dict()) == []
        if name.startswith(("Constant", "Zero")):
            assert layer.value == tlayer.value
    assert padding.ZeroPad2d(1).value == torch.nn.ZeroPad2d(1).value == 0.0
    assert isinstance(padding.ZeroPad1d(1), padding.ConstantPad1d)
    assert not isinstance(padding.ReflectionPad2d(1), padding.ReflectionPad1d)


@pytest.mark.parametrize("pad, shape", [(1, (2, 3, 4, 5, 3)), ((1, 2, 3, 0, 0, 2), (3, 4, 5, 2)),
                                        ((0, 3, 2, 1, 1, 1), (1, 1, 2, 4, 4)), ((-1, 2, 1, -2, 2, -1), (2, 2, 3, 4, 5)),
                                        ((2, 1), (2, 3, 4)), ((1, 0, 0, 2), (2, 3, 4, 5)), (2, (0, 2, 3, 3, 3))])
def test_replication_pad_3d_matches_torch(pad, shape):
    make, tmake = _pair("ReplicationPad3d", pad)
    check_layer(make, tmake, shape)
    assert repr(make()) == repr(tmake())
    assert make().padding == tmake().padding


@pytest.mark.parametrize("pad, shape", [(1, (3, 3)), (1, (3, 3, 3)), (1, (2, 2, 2, 2, 2, 2)),
                                        (1, (2, 0, 3, 3)), ((-4, 0, 0, 0, 0, 0), (2, 3, 3, 3))])
def test_replication_pad_3d_refuses_what_torch_refuses(pad, shape):
    """Not tested: a crop to an empty dim ((-3, ...) on size 3), which PyTorch's 2-d and 3-d
    replication pads return and ops.pad refuses ("must leave at least one")."""
    make, tmake = _pair("ReplicationPad3d", pad)
    with pytest.raises((NotImplementedError, RuntimeError)):
        tmake()(torch.zeros(shape))
    with pytest.raises(ValueError):
        make()(rb.zeros(*shape))
