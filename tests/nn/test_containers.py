"""Sequential, ModuleList and ModuleDict against PyTorch: names, indexing, mutation, repr."""
from collections import OrderedDict

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn

from .layer_helpers import check_layer


def _mlp(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.ReLU(), lib.nn.Sequential(
        lib.nn.Linear(5, 4), lib.nn.Tanh()), lib.nn.Linear(4, 2))


def test_sequential_contract_and_nested_names():
    check_layer(lambda: _mlp(rb), lambda: _mlp(torch), (6, 3))
    assert list(_mlp(rb).state_dict()) == ["0.weight", "0.bias", "2.0.weight", "2.0.bias",
                                           "3.weight", "3.bias"]
    assert repr(_mlp(rb)) == repr(_mlp(torch))


def test_sequential_indexing_slicing_and_mutation():
    seq, tseq = _mlp(rb), _mlp(torch)
    assert len(seq) == 4 and isinstance(seq[-1], nn.Linear) and seq[2][1].__class__ is nn.Tanh
    part = seq[1:3]
    assert isinstance(part, nn.Sequential) and list(part._modules) == list(tseq[1:3]._modules) == ["1", "2"]
    assert part[0] is seq[1]
    seq.append(nn.Sigmoid())
    tseq.append(torch.nn.Sigmoid())
    del seq[1]
    del tseq[1]
    seq.insert(0, nn.Identity())
    tseq.insert(0, torch.nn.Identity())
    seq[1] = nn.Linear(3, 5)
    tseq[1] = torch.nn.Linear(3, 5)
    assert repr(seq) == repr(tseq)
    assert list(seq.state_dict()) == list(tseq.state_dict())
    assert [type(m).__name__ for m in seq] == [type(m).__name__ for m in tseq]
    with pytest.raises(IndexError, match="out of range"):
        seq[10]


def test_sequential_from_ordered_dict_keeps_names():
    od = lambda lib: OrderedDict([("fc", lib.nn.Linear(2, 3)), ("act", lib.nn.ReLU())])
    seq, tseq = nn.Sequential(od(rb)), torch.nn.Sequential(od(torch))
    assert list(seq.state_dict()) == list(tseq.state_dict()) == ["fc.weight", "fc.bias"]
    assert repr(seq) == repr(tseq) and seq.fc is seq[0]


def test_module_list():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    tml = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)])
    ml.append(nn.ReLU())
    tml.append(torch.nn.ReLU())
    ml.extend([nn.Linear(2, 1)])
    tml.extend([torch.nn.Linear(2, 1)])
    ml.insert(1, nn.Tanh())
    tml.insert(1, torch.nn.Tanh())
    assert repr(ml) == repr(tml)  # includes PyTorch's "(2-3): 2 x Linear(...)" compression
    assert list(ml.state_dict()) == list(tml.state_dict())
    del ml[0]
    del tml[0]
    assert list(ml.state_dict()) == list(tml.state_dict())
    assert len(ml) == 5 and isinstance(ml[-1], nn.Linear) and isinstance(ml[1:3], nn.ModuleList)
    assert ml[1:3][0] is ml[1]
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())


def test_module_dict():
    md = nn.ModuleDict({"b": nn.Linear(2, 2), "a": nn.Linear(2, 1)})
    tmd = torch.nn.ModuleDict({"b": torch.nn.Linear(2, 2), "a": torch.nn.Linear(2, 1)})
    md["c"] = nn.ReLU()
    tmd["c"] = torch.nn.ReLU()
    assert list(md.keys()) == list(tmd.keys()) == ["b", "a", "c"]
    assert list(md.state_dict()) == list(tmd.state_dict())
    assert repr(md) == repr(tmd)
    assert "a" in md and len(md) == 3 and list(md) == ["b", "a", "c"]
    assert isinstance(md.pop("a"), nn.Linear) and "a" not in md
    md.update([("d", nn.Tanh())])
    assert [k for k, _ in md.items()] == ["b", "c", "d"]


def test_sequential_forward_backward_float32():
    model = _mlp(rb)
    x = rb.randn(5, 3)
    out = model(x)
    assert out.shape == (5, 2) and out.dtype == numpy.float32
    out.sum().backward()
    assert all(p.grad.dtype == numpy.float32 for p in model.parameters())


@pytest.mark.parametrize("make", [lambda lib: lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh()),
                                  lambda lib: lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.Tanh()])])
@pytest.mark.parametrize("index", ["1", 1.0])
def test_index_that_is_not_an_integer_raises_as_torch(make, index):
    with pytest.raises(TypeError):
        make(torch)[index]
    with pytest.raises(TypeError, match="indices must be integers or slices, not"):
        make(rb)[index]


@pytest.mark.parametrize("bad, error", [(3, TypeError), ([("a", nn.ReLU(), 1)], ValueError)])
def test_module_dict_update_and_module_list_extend_reject_bad_input_clearly(bad, error):
    tbad = [("a", torch.nn.ReLU(), 1)] if isinstance(bad, list) else bad
    with pytest.raises(error):
        torch.nn.ModuleDict().update(tbad)
    with pytest.raises(error, match="ModuleDict.update"):
        nn.ModuleDict().update(bad)
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got int"):
        nn.ModuleList().extend(3)
