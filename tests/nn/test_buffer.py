"""nn.Buffer (PyTorch >= 2.5: a buffer registered by attribute assignment) and the lazy layers'
placeholders (nn.UninitializedParameter, nn.UninitializedBuffer) against PyTorch's."""
import copy
import pickle

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
from rosenblatt.nn.parameter import is_lazy


class Ours(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.running = nn.Buffer(rb.zeros(3))
        self.scratch = nn.Buffer(rb.ones(2), persistent=False)
        self.count = nn.Buffer(rb.tensor(0))


class Theirs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)
        self.running = torch.nn.Buffer(torch.zeros(3))
        self.scratch = torch.nn.Buffer(torch.ones(2), persistent=False)
        self.count = torch.nn.Buffer(torch.tensor(0))


def _pair():
    """The same module in rosenblatt and in torch: buffers assigned as nn.Buffer."""
    return Ours(), Theirs()


def test_buffer_assignment_registers_a_buffer_as_torch():
    ours, theirs = _pair()
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["running", "count", "fc.weight", "fc.bias"]
    assert [n for n, _ in ours.named_parameters()] == ["fc.weight", "fc.bias"]
    assert isinstance(ours.running, nn.Buffer) and isinstance(theirs.running, torch.nn.Buffer)
    assert "running" not in ours.__dict__  # in _buffers, not a plain attribute
    # dtype casts and load_state_dict reach it, as any buffer
    ours.double()
    assert ours.running.dtype == numpy.float64 and ours.count.dtype == numpy.int64
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    numpy.testing.assert_array_equal(ours.running.data, theirs.running.numpy())


def test_reassignment_follows_torch_persistence_rules():
    ours, theirs = _pair()
    # a plain tensor into a buffer's name keeps the buffer's persistence
    ours.scratch, theirs.scratch = rb.zeros(4), torch.zeros(4)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    # an nn.Buffer brings its own
    ours.scratch, theirs.scratch = nn.Buffer(rb.zeros(4)), torch.nn.Buffer(torch.zeros(4))
    ours.running = nn.Buffer(rb.zeros(3), persistent=False)
    theirs.running = torch.nn.Buffer(torch.zeros(3), persistent=False)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["scratch", "count", "fc.weight", "fc.bias"]
    # register_buffer's own persistent wins over the Buffer's
    ours.register_buffer("extra", nn.Buffer(rb.ones(1)), persistent=False)
    theirs.register_buffer("extra", torch.nn.Buffer(torch.ones(1)), persistent=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    # a Parameter into a buffer's name moves it to the parameters
    ours.count, theirs.count = nn.Parameter(rb.ones(1)), torch.nn.Parameter(torch.ones(1))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_plain_tensors_and_values_are_not_registered():
    ours, _ = _pair()
    ours.cache, ours.size = rb.ones(2), 3
    assert "cache" in ours.__dict__ and "size" in ours.__dict__
    assert [n for n, _ in ours.named_buffers()] == ["running", "scratch", "count"]


@pytest.mark.parametrize("target, error, message", [
    ("fc", TypeError, r"cannot assign 'Buffer' as child module 'fc' \(nn.Module or None expected\)"),
    ("plain", KeyError, r"attribute 'plain' already exists"),
])
def test_buffer_into_a_taken_name_raises_as_torch(target, error, message):
    ours, theirs = _pair()
    ours.plain, theirs.plain = 1, 1
    with pytest.raises(error):
        setattr(theirs, target, torch.nn.Buffer(torch.ones(1)))
    with pytest.raises(error, match=message):
        setattr(ours, target, nn.Buffer(rb.ones(1)))


def test_buffer_into_a_parameter_name_or_before_init_raises_as_torch():
    with pytest.raises(TypeError, match=r"cannot assign 'Buffer' as parameter 'weight' \(nn.Parameter or None"):
        nn.Linear(2, 2).weight = nn.Buffer(rb.ones(2, 2))
    with pytest.raises(TypeError, match="as parameter 'weight'"):
        torch.nn.Linear(2, 2).weight = torch.nn.Buffer(torch.ones(2, 2))

    class Early(nn.Module):
        def __init__(self):
            self.b = nn.Buffer(rb.ones(1))

    with pytest.raises(AttributeError, match=r"cannot assign buffer before Module.__init__\(\) call"):
        Early()
    with pytest.raises(TypeError, match=r"cannot assign 'int' as buffer 'running' \(nn.Buffer, Tensor or None"):
        _pair()[0].running = 3


def test_buffer_shares_memory_and_keeps_requires_grad_as_torch():
    x = rb.ones(2, requires_grad=True)
    b = nn.Buffer(x)
    assert b is not x and b.data is x.data and b.requires_grad and b.persistent
    assert torch.nn.Buffer(torch.ones(2, requires_grad=True)).requires_grad
    assert nn.Buffer().shape == (0,) and nn.Buffer([1.0, 2.0]).tolist() == [1.0, 2.0]
    assert repr(nn.Buffer(rb.tensor([1.0, 2.0]))) == "tensor([1., 2.])"
    with pytest.raises(TypeError):
        nn.Buffer(rb.ones(1), False)  # persistent is keyword-only, as in PyTorch
    with pytest.raises(TypeError):
        torch.nn.Buffer(torch.ones(1), False)


def test_modules_with_buffers_copy_and_pickle():
    ours, _ = _pair()
    for clone in (copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert list(clone.state_dict()) == list(ours.state_dict())
        assert isinstance(clone.scratch, nn.Buffer) and clone.scratch.persistent is False


def test_uninitialized_placeholders_behave_as_torchs():
    ours, theirs = nn.UninitializedParameter(), torch.nn.UninitializedParameter()
    assert repr(ours) == repr(theirs) == "<UninitializedParameter>"
    assert isinstance(ours, nn.Parameter) and ours.requires_grad and is_lazy(ours)
    for p in (ours, theirs):
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter or buffer"):
            p.shape
    ours.materialize((2, 3))
    theirs.materialize((2, 3))
    assert type(ours) is nn.Parameter and type(theirs) is torch.nn.Parameter
    assert ours.shape == tuple(theirs.shape) and ours.dtype == numpy.float32 and not is_lazy(ours)

    buf = nn.UninitializedBuffer(dtype=rb.float64, persistent=False)
    assert repr(buf) == repr(torch.nn.UninitializedBuffer()) == "<UninitializedBuffer>"
    assert not buf.requires_grad and isinstance(buf, nn.Buffer)
    buf.materialize((4,), dtype=rb.float32)
    assert type(buf) is nn.Buffer and buf.shape == (4,) and buf.dtype == numpy.float32 and not buf.persistent


def test_placeholders_copy_and_pickle_as_placeholders():
    p = nn.UninitializedParameter(requires_grad=False, dtype=rb.float64)
    b = nn.UninitializedBuffer(persistent=False)
    for clone in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(clone) is nn.UninitializedParameter and not clone.requires_grad
        assert clone.dtype == numpy.float64
    for clone in (copy.deepcopy(b), pickle.loads(pickle.dumps(b))):
        assert type(clone) is nn.UninitializedBuffer and clone.persistent is False
