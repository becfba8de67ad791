"""nn.DataParallel: chunks of the batch in threads give the outputs and gradients of one batch."""
import threading

import numpy
import pytest

import rosenblatt as rb
from rosenblatt import _backend, nn
from rosenblatt.models.gpt import GPT, GPTConfig


def _grads(module):
    return [p.grad.numpy().copy() for p in module.parameters()]


def _mlp():
    rb.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 3))


@pytest.mark.parametrize("batch, chunks", [(10, 2), (7, 3), (2, 4)])
def test_outputs_and_all_gradients_match_one_batch(batch, chunks):
    model = _mlp()
    x = rb.randn(batch, 6, requires_grad=True, generator=rb.Generator(1))
    weights = rb.randn(batch, 3, generator=rb.Generator(2))
    out = model(x)
    (out * weights).sum().backward()
    expected, expected_x = _grads(model), x.grad.numpy().copy()
    model.zero_grad()
    x.grad = None

    parallel_out = nn.DataParallel(model, device_ids=list(range(chunks)))(x)
    assert parallel_out.shape == (batch, 3) and parallel_out.dtype == rb.float32
    numpy.testing.assert_allclose(parallel_out.detach().numpy(), out.detach().numpy(), rtol=1e-6, atol=1e-6)
    (parallel_out * weights).sum().backward()
    for got, want in zip(_grads(model), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(x.grad.numpy(), expected_x, rtol=1e-5, atol=1e-6)


def test_gpt_losses_per_chunk_and_their_mean_gives_the_batch_gradient():
    config = GPTConfig(n_layer=2, n_head=2, n_embd=32, block_size=16)
    rb.manual_seed(0)
    model = GPT(config)
    gen = rb.Generator(0)
    idx, targets = (rb.randint(0, config.vocab_size, (8, 16), generator=gen) for _ in range(2))
    logits, loss = model(idx, targets)
    loss.backward()
    expected = _grads(model)
    model.zero_grad()

    parallel_logits, losses = nn.DataParallel(model, device_ids=[0, 1])(idx, targets)
    assert losses.shape == (2,) and parallel_logits.shape == logits.shape  # 0-d outputs are stacked
    assert losses.mean().item() == pytest.approx(loss.item(), rel=1e-6)
    losses.mean().backward()
    for got, want in zip(_grads(model), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-7)


def test_two_outputs_used_in_one_loss_both_reach_the_parameters():
    model = _mlp()
    x = rb.randn(8, 6, generator=rb.Generator(3))

    def two(inputs):
        y = model(inputs)
        return y, y.sum(dim=1)

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, inputs):
            return two(inputs)

    a, b = two(x)
    ((a * a).sum() + b.sum()).backward()
    expected = _grads(model)
    model.zero_grad()
    pa, pb = nn.DataParallel(Two(), device_ids=[0, 1])(x)
    ((pa * pa).sum() + pb.sum()).backward()
    for got, want in zip(_grads(model), expected):
        numpy.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_blas_threads_are_one_inside_the_chunks_and_restored_after():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append(_backend._openblas().scipy_openblas_get_num_threads64_())
            return x * 2

    lib = _backend._openblas()
    before = lib.scipy_openblas_get_num_threads64_()
    nn.DataParallel(Probe(), device_ids=[0, 1])(rb.ones(4, 2))
    assert seen == [1, 1]
    assert lib.scipy_openblas_get_num_threads64_() == before


def test_chunks_run_in_two_threads_and_a_chunk_error_is_raised():
    names = set()

    class Fails(nn.Module):
        def forward(self, x):
            names.add(threading.current_thread().name)
            if x.data[0, 0] > 0:
                raise RuntimeError("chunk failed")
            return x

    x = rb.tensor([[-1.0], [1.0]])
    with pytest.raises(RuntimeError, match="chunk failed"):
        nn.DataParallel(Fails(), device_ids=[0, 1])(x)
    assert len(names) == 2


def test_nested_data_parallel_runs_the_inner_chunks_in_the_outer_thread():
    model = _mlp()
    x = rb.randn(8, 6, generator=rb.Generator(4))
    out = nn.DataParallel(nn.DataParallel(model, device_ids=[0, 1]), device_ids=[0, 1])(x)
    numpy.testing.assert_allclose(out.detach().numpy(), model(x).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_no_grad_and_state_dict_and_bad_input():
    model = _mlp()
    parallel = nn.DataParallel(model, device_ids=[0, 1])
    with rb.no_grad():
        assert not parallel(rb.randn(4, 6)).requires_grad
    assert list(parallel.state_dict()) == list(model.state_dict())
    parallel.load_state_dict({"module." + k: v for k, v in model.state_dict().items()})
    with pytest.raises(ValueError, match=r"one batch size along dim 0, got sizes \[3, 4\]"):
        parallel(rb.randn(4, 6), rb.randn(3, 6))
    with pytest.raises(ValueError, match="device_ids is empty"):
        nn.DataParallel(model, device_ids=[])
    with pytest.raises(TypeError, match="must be an nn.Module"):
        nn.DataParallel(lambda x: x)
    with pytest.raises(ValueError, match="contains an nn.DataParallel"):
        nn.parallel.DistributedDataParallel(nn.Sequential(parallel))


def test_backward_twice_with_retain_graph_adds_the_same_gradients_again():
    model = _mlp()
    x = rb.randn(6, 6, generator=rb.Generator(5))
    out = nn.DataParallel(model, device_ids=[0, 1])(x).sum()
    out.backward(retain_graph=True)
    first = _grads(model)
    out.backward()
    for got, once in zip(_grads(model), first):
        numpy.testing.assert_allclose(got, 2 * once, rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()
