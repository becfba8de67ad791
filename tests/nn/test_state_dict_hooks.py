"""Module state-dict hooks against PyTorch: register_state_dict_pre_hook/_post_hook and
register_load_state_dict_pre_hook/_post_hook (arguments, per-module prefixes, order, what the
hooks may change, their handles)."""
from __future__ import annotations

import numpy
import pytest
import torch

import rosenblatt as rb


def _model(lib):
    """(0): Linear(2, 3); (1): Sequential((0): Linear(3, 1))."""
    torch.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Sequential(lib.nn.Linear(3, 1)))
    if lib is rb:  # the same weights in both
        model.load_state_dict(_model(torch).state_dict())
    return model


def _checkpoint(lib, renames):
    """The model's state dict with keys renamed (an old checkpoint's names)."""
    return {renames.get(k, k): v for k, v in _model(lib).state_dict().items()}


def _arrays(state_dict):
    return {k: numpy.asarray(v.detach().numpy() if isinstance(v, torch.Tensor) else v.numpy())
            for k, v in state_dict.items()}


def test_load_pre_hooks_rename_an_old_checkpoints_keys_per_module_as_torch():
    """A submodule's hook sees its own prefix and the keys under it (the classic use: loading
    a checkpoint whose parameters had other names); the root's sees every key."""
    logs = []
    for lib in (torch, rb):
        log = []

        def rename(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
            log.append((type(module).__name__, prefix, sorted(state_dict), strict))
            for old, new in (("w", "weight"), ("b", "bias")):
                if prefix + old in state_dict:
                    state_dict[prefix + new] = state_dict.pop(prefix + old)

        model = _model(lib)
        for module in (model, model[0], model[1][0]):
            module.register_load_state_dict_pre_hook(rename)
        old = _checkpoint(lib, {"1.0.weight": "1.0.w", "1.0.bias": "1.0.b", "0.bias": "0.b"})
        saved = sorted(old)
        with lib.no_grad():
            model[0].weight.mul_(0)
        result = model.load_state_dict(old)
        assert (result.missing_keys, result.unexpected_keys) == ([], [])
        assert sorted(old) == saved  # the caller's dict is left as it was
        assert numpy.array_equal(_arrays(model.state_dict())["0.weight"], _arrays(old)["0.weight"])
        logs.append(log)
    assert logs[0] == logs[1]
    assert logs[1][0][:2] == ("Sequential", "") and len(logs[1][0][2]) == 4
    assert logs[1][2] == ("Linear", "1.0.", ["1.0.b", "1.0.w"], True)


def test_load_post_hooks_see_and_may_clear_the_incompatible_keys_as_torch():
    logs = []
    for lib in (torch, rb):
        log = []

        def forgive(module, incompatible):
            log.append((type(module).__name__, list(incompatible.missing_keys),
                        list(incompatible.unexpected_keys)))
            incompatible.missing_keys.clear()
            if "0.extra" in incompatible.unexpected_keys:
                incompatible.unexpected_keys.remove("0.extra")

        model = _model(lib)
        for module in (model, model[0], model[1]):
            module.register_load_state_dict_post_hook(forgive)
        state = _checkpoint(lib, {})
        del state["1.0.bias"]
        state["0.extra"] = state["0.bias"]
        state["junk"] = state["0.bias"]
        with pytest.raises(RuntimeError) as error:
            model.load_state_dict(state)  # "junk" is still unexpected
        assert 'Unexpected key(s) in state_dict: "junk"' in str(error.value)
        assert "Missing" not in str(error.value)
        logs.append(log)
    assert logs[0] == logs[1]
    assert logs[1][0] == ("Linear", [], ["junk", "0.extra"])  # the root's keys come first


def test_load_post_hook_must_not_return_a_value_and_handles_remove_load_hooks():
    for lib in (torch, rb):
        model = _model(lib)
        handle = model.register_load_state_dict_post_hook(lambda module, keys: keys)
        with pytest.raises(AssertionError, match="not expected to return new values"):
            model.load_state_dict(_checkpoint(lib, {}))
        handle.remove()
        seen = []
        pre = model[0].register_load_state_dict_pre_hook(lambda *args: seen.append(args[2]))
        model.load_state_dict(_checkpoint(lib, {}))
        pre.remove()
        model.load_state_dict(_checkpoint(lib, {}))
        assert seen == ["0."]


def test_state_dict_hooks_run_per_module_with_their_prefix_as_torch():
    logs = []
    for lib in (torch, rb):
        log = []

        def before(module, prefix, keep_vars):
            log.append(("pre", type(module).__name__, prefix, keep_vars))

        def after(module, state_dict, prefix, local_metadata):
            log.append(("post", type(module).__name__, prefix, list(state_dict),
                        local_metadata["version"]))
            state_dict.pop(prefix + "bias", None)  # edits in place, returns None

        model = _model(lib)
        handles = [m.register_state_dict_pre_hook(before) for m in (model, model[1][0])]
        handles += [m.register_state_dict_post_hook(after) for m in (model[1], model[1][0])]
        keys = list(model.state_dict(keep_vars=True))
        for handle in handles:
            handle.remove()
        log.append(list(model.state_dict()))
        logs.append((keys, log))
    assert logs[0] == logs[1]
    assert logs[1][0] == ["0.weight", "0.bias", "1.0.weight"]


def test_state_dict_post_hook_must_return_none():
    for lib in (torch, rb):
        model = _model(lib)
        model.register_state_dict_post_hook(lambda module, state_dict, prefix, meta: state_dict)
        with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
            model.state_dict()


def test_unexpected_keys_are_listed_module_by_module_as_torch():
    results = []
    for lib in (torch, rb):
        state = _checkpoint(lib, {})
        extra = state["0.bias"]
        state = {"1.0.x": extra, **state, "0.weight.y": extra, "z": extra, "1.q": extra}
        result = _model(lib).load_state_dict(state, strict=False)
        results.append((result.missing_keys, result.unexpected_keys))
    assert results[0] == results[1]
    assert results[1] == ([], ["z", "0.weight.y", "1.q", "1.0.x"])  # rosenblatt: the dict's order
