"""Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict against PyTorch: names, indexing, mutation, repr."""
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


from rosenblatt.nn.modules.container import ParameterDict, ParameterList


def _torch_repr(module: torch.nn.Module) -> str:
    """torch's repr with its dtype spellings ("torch.float32", "torch.FloatTensor") as ours."""
    return repr(module).replace("torch.FloatTensor", "float32").replace("torch.DoubleTensor", "float64") \
        .replace("torch.", "")


def test_parameter_list_registers_wraps_and_indexes_as_torch():
    a, b = numpy.ones((2, 3), numpy.float32), numpy.arange(4.0)
    pl = ParameterList([rb.tensor(a), nn.Parameter(rb.tensor(b)), "note"])
    tpl = torch.nn.ParameterList([torch.tensor(a), torch.nn.Parameter(torch.tensor(b)), "note"])
    pl.append(rb.zeros(5))
    tpl.append(torch.zeros(5))
    pl += [rb.ones(1)]
    tpl += [torch.ones(1)]
    pl[2] = rb.ones(2, 2)
    tpl[2] = torch.ones(2, 2)
    # "2" was a plain object, so its Parameter registers last: ['0', '1', '3', '4', '2'], as torch
    assert [n for n, _ in pl.named_parameters()] == [n for n, _ in tpl.named_parameters()]
    assert list(pl.state_dict()) == list(tpl.state_dict())
    assert all(type(p) is nn.Parameter and p.requires_grad for p in pl)
    assert pl[0].data is not None and numpy.shares_memory(pl[0].data, pl.state_dict()["0"].data)
    assert len(pl) == 5 and pl[-1] is pl[4] and list(pl)[1] is pl[1]
    assert _torch_repr(tpl) == repr(pl)
    part = pl[1:4:2]
    assert isinstance(part, ParameterList) and part[0] is pl[1] and part[1] is pl[3]
    assert list(part.state_dict()) == list(tpl[1:4:2].state_dict()) == ["0", "1"]
    assert "0" not in dir(pl)
    with pytest.raises(IndexError, match="out of range"):
        pl[5]
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable, but got Tensor"):
        pl.extend(rb.ones(2))
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl(1)
    model = nn.Module()
    model.scales = pl
    assert list(model.state_dict())[:2] == ["scales.0", "scales.1"]
    (pl[0] * 2).sum().backward()
    assert numpy.array_equal(pl[0].grad.data, numpy.full((2, 3), 2, numpy.float32))


def test_parameter_list_empty_and_plain_object_repr():
    assert repr(ParameterList()) == repr(torch.nn.ParameterList())
    assert repr(ParameterList([rb.zeros(2, dtype=rb.float64)])) == \
        _torch_repr(torch.nn.ParameterList([torch.zeros(2, dtype=torch.float64)]))


def test_parameter_dict_order_methods_and_repr_as_torch():
    make = lambda lib: {"b": lib.ones(2), "a": lib.zeros(3)}
    pd, tpd = ParameterDict(make(rb)), torch.nn.ParameterDict(make(torch))
    assert list(pd) == list(tpd) == ["a", "b"]  # a plain dict goes in sorted (PyTorch's rule)
    pd.update(OrderedDict([("z", rb.ones(1)), ("c", rb.ones(4))]))
    tpd.update(OrderedDict([("z", torch.ones(1)), ("c", torch.ones(4))]))
    pd.update([("y", nn.Parameter(rb.ones(2)))])
    tpd.update([("y", torch.nn.Parameter(torch.ones(2)))])
    pd["note"], tpd["note"] = 3, 3
    assert list(pd.keys()) == list(tpd.keys()) == ["a", "b", "z", "c", "y", "note"]
    assert [n for n, _ in pd.named_parameters()] == [n for n, _ in tpd.named_parameters()]
    assert list(pd.state_dict()) == list(tpd.state_dict())
    assert repr(pd) == _torch_repr(tpd)
    assert isinstance(pd["a"], nn.Parameter) and "c" in pd and "q" not in pd and len(pd) == 6
    assert pd.get("q") is None and pd.setdefault("q", rb.ones(1)) is pd["q"]
    tpd.setdefault("q", torch.ones(1))
    assert pd.popitem()[0] == tpd.popitem()[0] == "q"
    assert pd.pop("note") == tpd.pop("note") == 3
    del pd["z"]
    del tpd["z"]
    assert list(reversed(pd)) == list(reversed(tpd)) and list(pd.state_dict()) == list(tpd.state_dict())
    merged, tmerged = pd | ParameterDict({"k": rb.ones(1)}), tpd | torch.nn.ParameterDict({"k": torch.ones(1)})
    assert list(merged) == list(tmerged) and merged["a"] is pd["a"]
    assert list(pd.fromkeys(["u", "v"])) == ["u", "v"] and pd.fromkeys(["u"])["u"] is None
    copy = pd.copy()
    assert list(copy) == list(pd) and copy["b"] is pd["b"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []


@pytest.mark.parametrize("bad, error", [(3, TypeError), ([3], TypeError), ([("a", 1, 2)], ValueError)])
def test_parameter_dict_rejects_bad_input_as_torch(bad, error):
    with pytest.raises(error):
        torch.nn.ParameterDict().update(bad)
    with pytest.raises(error, match="ParameterDict.update"):
        ParameterDict().update(bad)
    with pytest.raises(TypeError, match="keys must be strings, got int"):
        ParameterDict()[1] = rb.ones(1)
    with pytest.raises(RuntimeError, match="ParameterDict should not be called"):
        ParameterDict()(1)
