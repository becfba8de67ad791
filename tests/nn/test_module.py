"""The Module API against PyTorch: registration, naming, state dicts, modes, hooks, repr."""
import pickle

import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn


def _build(lib):
    """The same architecture in either library (nested containers, buffers, shared layer)."""
    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = lib.nn.LayerNorm(4)
            self.ff = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.GELU(), lib.nn.Linear(8, 4))
            self.register_buffer("scale", lib.ones(4) if lib is rb else torch.ones(4))
            self.register_buffer("cache", lib.zeros(2) if lib is rb else torch.zeros(2), persistent=False)

        def forward(self, x):
            return x + self.ff(self.norm(x)) * self.scale

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = lib.nn.Embedding(10, 4)
            self.blocks = lib.nn.ModuleList([Block(), Block()])
            self.heads = lib.nn.ModuleDict({"a": lib.nn.Linear(4, 3), "b": lib.nn.Linear(4, 1, bias=False)})
            self.bn = lib.nn.BatchNorm1d(4)
            self.drop = lib.nn.Dropout(0.1)

        def forward(self, idx):
            h = self.embed(idx)
            for block in self.blocks:
                h = block(h)
            return self.heads["a"](self.drop(self.bn(h)))

    return Net()


def test_names_order_and_shapes_equal_torch():
    ours, theirs = _build(rb), _build(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    assert "blocks.0.cache" not in sd and "blocks.0.ff.0.weight" in sd
    assert all(tuple(sd[k].shape) == tuple(tsd[k].shape) for k in sd)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())
    assert len(list(ours.parameters(recurse=False))) == 0
    assert repr(ours) == repr(theirs)


def test_load_torch_weights_and_match_outputs():
    ours, theirs = _build(rb), _build(torch)
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert repr(result) == "<All keys matched successfully>"
    ours.eval()
    theirs.eval()
    idx = numpy.array([[1, 2, 3], [4, 5, 9]])
    # BatchNorm1d on (N, L, C) would be wrong; feed (N*L, C) through a flattened embedding.
    h_ours = ours.heads["a"](ours.blocks[1](ours.blocks[0](ours.embed(rb.tensor(idx)))))
    h_theirs = theirs.heads["a"](theirs.blocks[1](theirs.blocks[0](theirs.embed(torch.from_numpy(idx)))))
    numpy.testing.assert_allclose(h_ours.data, h_theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours.embed.weight.dtype == numpy.float32


def test_state_dict_is_detached_shares_memory_and_roundtrips():
    model = _build(rb)
    sd = model.state_dict()
    w = sd["heads.a.weight"]
    assert not w.requires_grad and w.data is model.heads["a"].weight.data
    assert model.state_dict(keep_vars=True)["heads.a.weight"] is model.heads["a"].weight
    other = _build(rb)
    other.load_state_dict({k: v.data.copy() for k, v in sd.items()})
    for (name, a), (_, b) in zip(model.state_dict().items(), other.state_dict().items()):
        numpy.testing.assert_array_equal(a.data, b.data, err_msg=name)


def test_load_state_dict_copies_in_place_and_keeps_dtype():
    layer = nn.Linear(2, 2)
    weight = layer.weight
    layer.load_state_dict({"weight": numpy.ones((2, 2)), "bias": torch.zeros(2, dtype=torch.float64)})
    assert layer.weight is weight and weight.dtype == numpy.float32
    assert (weight.data == 1).all() and (layer.bias.data == 0).all()


def test_load_state_dict_errors_list_names_and_shapes():
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "bias"'):
        layer.load_state_dict({"weight": numpy.zeros((2, 3))})
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "extra"'):
        layer.load_state_dict({"weight": numpy.zeros((2, 3)), "bias": numpy.zeros(2), "extra": 1})
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with shape "
                                           r"\(3, 2\) from checkpoint, the shape in current model is \(2, 3\)"):
        layer.load_state_dict({"weight": numpy.zeros((3, 2)), "bias": numpy.zeros(2)}, strict=False)
    result = layer.load_state_dict({"weight": numpy.zeros((2, 3)), "extra": 1}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    assert (layer.weight.data == 0).all()


@pytest.mark.parametrize("target", ["0.weight", "0.nothing", "5"])
def test_get_submodule_errors_equal_torch(target):
    messages = []
    for lib in (torch, rb):
        with pytest.raises(AttributeError) as error:
            lib.nn.Sequential(lib.nn.Linear(2, 2)).get_submodule(target)
        messages.append(str(error.value))
    assert messages[0] == messages[1]  # "0.weight" said Linear had no attribute `weight`


def test_load_state_dict_error_message_equals_torch():
    messages = []
    for lib in (torch, rb):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Linear(2, 2))
        with pytest.raises(RuntimeError) as error:
            model.load_state_dict({"0.weight": lib.zeros(3, 3), "0.bias": lib.zeros(2), "x": lib.zeros(1)})
        messages.append(str(error.value).replace("torch.Size([3, 3])", "(3, 3)").replace("torch.Size([2, 2])", "(2, 2)"))
    assert messages[0] == messages[1]  # rosenblatt listed the unexpected keys before the missing ones


def test_train_eval_propagate():
    model = _build(rb)
    assert model.training and model.blocks[0].ff[1].training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_requires_grad_and_apply():
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    model(rb.randn(4, 3)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all((p.grad.data == 0).all() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Linear", "Sequential"]


def test_to_dtype_casts_floating_tensors_only():
    bn = nn.BatchNorm1d(3)
    assert bn.double() is bn
    assert bn.weight.dtype == numpy.float64 and bn.running_mean.dtype == numpy.float64
    assert bn.num_batches_tracked.dtype == numpy.int64
    weight = bn.weight
    bn.to(rb.float32)
    assert bn.weight is weight and weight.dtype == numpy.float32 and weight.requires_grad
    bn.to("cpu").float()
    with pytest.raises(ValueError, match="cuda"):
        bn.to("cuda")


def test_to_the_dtype_a_module_has_keeps_memory_as_torch():
    layer, tlayer = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    state, tstate = layer.state_dict(), tlayer.state_dict()
    layer.float(), tlayer.float()  # every array was copied, so the state dict no longer shared it
    with rb.no_grad(), torch.no_grad():
        layer.weight[0, 0] = 5.0
        tlayer.weight[0, 0] = 5.0
    assert state["weight"][0, 0].item() == tstate["weight"][0, 0].item() == 5.0


@pytest.mark.parametrize("args, kwargs", [(("float64",), {"bogus": True}), (("float64", "float16"), {}),
                                          (("float64",), {"copy": True})])
def test_to_rejects_what_torch_rejects(args, kwargs):
    # these were silently accepted (the last dtype won, unknown keywords were ignored)
    with pytest.raises((TypeError, RuntimeError)):
        torch.nn.Linear(2, 2).to(*(getattr(torch, a) for a in args), **kwargs)
    with pytest.raises(TypeError, match=r"Module.to\(\) got"):
        nn.Linear(2, 2).to(*(getattr(rb, a) for a in args), **kwargs)
    assert nn.Linear(2, 2).to(rb.float64, non_blocking=True).weight.dtype == numpy.float64


def test_attribute_registration_rules():
    m = nn.Module()
    m.w = nn.Parameter(rb.ones(2))
    m.child = nn.Linear(2, 2)
    m.register_buffer("buf", rb.zeros(1))
    m.plain = 3
    assert [n for n, _ in m.named_parameters()] == ["w", "child.weight", "child.bias"]
    assert "w" not in m.__dict__ and m.w is m._parameters["w"]
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'w'"):
        m.w = rb.ones(2)
    m.w = None
    assert [n for n, _ in m.named_parameters()] == ["child.weight", "child.bias"]
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("plain", rb.ones(1))
    with pytest.raises(KeyError, match="name can.*contain"):
        m.register_parameter("a.b", None)
    del m.child
    assert not hasattr(m, "child")
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nothing'"):
        m.nothing
    m.add_module("lin", nn.Linear(1, 1))
    assert m.get_submodule("lin") is m.lin


def test_shared_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    tmodel_shared = torch.nn.Linear(2, 2)
    tmodel = torch.nn.Sequential(tmodel_shared, torch.nn.ReLU(), tmodel_shared)
    assert [n for n, _ in model.named_parameters()] == [n for n, _ in tmodel.named_parameters()]
    assert list(model.state_dict()) == list(tmodel.state_dict())
    # remove_duplicate=False lists a shared module's parameters under every name, as PyTorch
    assert ([n for n, _ in model.named_parameters(remove_duplicate=False)]
            == [n for n, _ in tmodel.named_parameters(remove_duplicate=False)])


def test_load_state_dict_takes_torch_bfloat16_tensors():
    tlayer = torch.nn.Linear(2, 3).to(torch.bfloat16)
    layer = nn.Linear(2, 3)
    layer.load_state_dict(tlayer.state_dict())  # raised "Got unsupported ScalarType BFloat16"
    assert layer.weight.dtype == numpy.float32
    numpy.testing.assert_array_equal(layer.weight.data, tlayer.weight.float().detach().numpy())


def test_load_state_dict_rejects_a_non_mapping():
    pairs = list(nn.Linear(2, 2).state_dict().items())
    with pytest.raises(TypeError):
        torch.nn.Linear(2, 2).load_state_dict(pairs)
    with pytest.raises(TypeError, match="load_state_dict.*expected state_dict to be a dict.*got list"):
        nn.Linear(2, 2).load_state_dict(pairs)


def test_forward_hooks_and_handles():
    layer = nn.Linear(2, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = layer(rb.ones(3, 2))
    numpy.testing.assert_allclose(out.data, numpy.broadcast_to(layer.bias.data + 1, (3, 2)))
    assert calls == [(3, 2)]
    pre.remove()
    post.remove()
    numpy.testing.assert_allclose(layer(rb.zeros(1, 2)).data[0], layer.bias.data)
    with layer.register_forward_hook(lambda m, a, o: calls.append("ctx")):
        layer(rb.zeros(1, 2))
    layer(rb.zeros(1, 2))
    assert calls == [(3, 2), "ctx"]


def test_parameter_basics_and_pickle():
    p = nn.Parameter(rb.tensor([1.0, 2.0]))
    assert isinstance(p, rb.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert not nn.Parameter(rb.ones(1), requires_grad=False).requires_grad
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    copy = pickle.loads(pickle.dumps(model))
    assert isinstance(copy[0].weight, nn.Parameter)
    numpy.testing.assert_array_equal(copy[0].weight.data, model[0].weight.data)


def test_missing_forward_raises():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


def test_deepcopy_and_safetensors_checkpoint_from_torch(tmp_path):
    import copy
    from safetensors.numpy import load_file
    from safetensors.torch import save_file
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    save_file(theirs.state_dict(), str(tmp_path / "model.safetensors"))
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    ours.load_state_dict(load_file(str(tmp_path / "model.safetensors")))
    twin = copy.deepcopy(ours)
    assert twin[0].weight is not ours[0].weight and isinstance(twin[0].weight, nn.Parameter)
    x = numpy.random.default_rng(0).standard_normal((5, 3)).astype(numpy.float32)
    want = theirs.eval()(torch.from_numpy(x)).detach()
    for model in (ours.eval(), twin.eval()):
        numpy.testing.assert_allclose(model(rb.tensor(x)).data, want.numpy(), rtol=1e-5, atol=1e-6)
    twin[0].weight.data[...] = 0
    assert (ours[0].weight.data != 0).any()
