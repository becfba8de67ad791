"""Neural-network building blocks: an MLP training epoch, an optimizer step, the loader's cost."""
from __future__ import annotations

from typing import Any, Callable

import numpy
import torch

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader, TensorDataset

from .harness import Target, workload

# 100 steps of batch 128 on MNIST-shaped random data: an epoch is 469 such steps, and the
# ratio per step is what the target is about, so 100 keep the interleaved rounds short.
SAMPLES, BATCH = 12_800, 128


def _mnist_shaped() -> tuple[numpy.ndarray, numpy.ndarray]:
    rng = numpy.random.default_rng(0)
    return (rng.random((SAMPLES, 784), dtype=numpy.float32),
            rng.integers(0, 10, SAMPLES).astype(numpy.int64))


def _rb_mlp() -> Any:
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def _torch_mlp() -> Any:
    return torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                               torch.nn.Linear(512, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))


def _epoch(lib: Any, model: Any, opt: Any, x: Any, y: Any) -> None:
    # The same hand-written loop for both libraries: slicing arrays by hand.
    for i in range(0, SAMPLES, BATCH):
        loss = lib.nn.functional.cross_entropy(model(x[i:i + BATCH]), y[i:i + BATCH])
        opt.zero_grad()
        loss.backward()
        opt.step()


@workload("MLP training 784-512-256-10, 100 steps of batch 128, SGD momentum", target=Target.ratio_at_most(0.9))
def mlp_epoch() -> dict[str, Callable[[], Any]]:
    x, y = _mnist_shaped()
    rmodel, tmodel = _rb_mlp(), _torch_mlp()
    rmodel.load_state_dict({k: v.detach().numpy() for k, v in tmodel.state_dict().items()})
    ropt = optim.SGD(rmodel.parameters(), lr=0.01, momentum=0.9)
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.01, momentum=0.9)
    rx, ry, tx, ty = rb.from_numpy(x), rb.from_numpy(y), torch.from_numpy(x), torch.from_numpy(y)
    return {"rosenblatt": lambda: _epoch(rb, rmodel, ropt, rx, ry),
            "torch": lambda: _epoch(torch, tmodel, topt, tx, ty)}


def _mlp_gemms(x: Any, weights: list, grads: list) -> None:
    # The eight products of one MLP step, in the layouts both libraries' Linear uses:
    # forward h W^T, backward g^T h (weight gradient) and g W (input gradient, not the first layer's).
    h = [x]
    for w in weights:
        h.append(h[-1] @ w.T)
    for i, (w, g) in enumerate(zip(weights, grads)):
        g.T @ h[i]
        if i:
            g @ w


@workload("MLP step's 8 GEMMs alone (784-512-256-10, batch 128): NumPy's BLAS against torch's",
          target=Target.ratio_at_most(1.0))
def mlp_gemms() -> dict[str, Callable[[], Any]]:
    # The premise of the MLP target: NumPy's BLAS as fast as PyTorch's at the network's shapes.
    # This row shows whether it holds on the machine at hand (the "rosenblatt" side is the bare
    # NumPy products Linear runs).
    rng = numpy.random.default_rng(0)
    sizes = (784, 512, 256, 10)
    x = rng.random((BATCH, sizes[0]), dtype=numpy.float32)
    weights = [rng.standard_normal((n, m), dtype=numpy.float32) for m, n in zip(sizes, sizes[1:])]
    grads = [rng.standard_normal((BATCH, n), dtype=numpy.float32) for n in sizes[1:]]
    tx, *tensors = (torch.from_numpy(a) for a in [x] + weights + grads)
    tweights, tgrads = tensors[:len(weights)], tensors[len(weights):]
    return {"rosenblatt": lambda: _mlp_gemms(x, weights, grads),
            "torch": lambda: _mlp_gemms(tx, tweights, tgrads)}


def numpy_mlp_state(tmodel: Any) -> tuple[list, list]:
    """``layers`` (copies of ``tmodel``'s ``(W, b)`` pairs) and zero ``velocities`` for ``numpy_mlp_epoch``."""
    weights = [p.detach().numpy().copy() for p in tmodel.parameters()]
    layers = list(zip(weights[::2], weights[1::2]))
    return layers, [(numpy.zeros_like(w), numpy.zeros_like(b)) for w, b in layers]


def numpy_mlp_epoch(layers: list, velocities: list, x: numpy.ndarray, y: numpy.ndarray) -> None:
    """The MLP epoch written by hand on ndarrays, no framework: what NumPy alone reaches.

    ``layers``: ``[(W, b), ...]`` as ``Linear`` holds them, updated in place by SGD with momentum
    0.9 and lr 0.01 (``velocities``: zeros at the start, as PyTorch's first step takes ``v = g``).
    Forward ``h W^T + b`` and ReLU, mean cross-entropy, backward by the chain rule.
    """
    last = len(layers) - 1
    for i in range(0, len(x), BATCH):
        xb, yb = x[i:i + BATCH], y[i:i + BATCH]
        hs = [xb]
        for j, (w, b) in enumerate(layers):
            z = hs[-1] @ w.T
            z += b
            hs.append(numpy.maximum(z, 0, out=z) if j < last else z)
        g = hs.pop()  # logits -> dL/dlogits = (softmax - one_hot) / batch
        g -= g.max(axis=1, keepdims=True)
        numpy.exp(g, out=g)
        g /= g.sum(axis=1, keepdims=True)
        g[numpy.arange(len(yb)), yb] -= 1.0
        g *= numpy.float32(1.0 / len(yb))
        for j in range(last, -1, -1):
            (w, b), h = layers[j], hs[j]
            grads = (g.T @ h, g.sum(axis=0))
            if j:
                g = g @ w
                g *= h > 0
            for p, v, dp in zip((w, b), velocities[j], grads):
                v *= numpy.float32(0.9)
                v += dp
                p -= numpy.float32(0.01) * v


@workload("MLP training as above, written by hand in NumPy (no framework): NumPy alone against torch",
          target=Target.ratio_at_most(0.9))
def mlp_epoch_by_hand() -> dict[str, Callable[[], Any]]:
    # Issue #3 set the MLP target from this reference ("a hand-written NumPy version measured
    # 0.87x here"): this row shows where NumPy alone stands on the machine at hand, the floor of
    # the MLP row above.  The "rosenblatt" side is plain NumPy.
    x, y = _mnist_shaped()
    tmodel = _torch_mlp()
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.01, momentum=0.9)
    layers, velocities = numpy_mlp_state(tmodel)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    return {"rosenblatt": lambda: numpy_mlp_epoch(layers, velocities, x, y),
            "torch": lambda: _epoch(torch, tmodel, topt, tx, ty)}


def _hundred_parameters(lib: Any) -> list:
    # A realistic mix: 50 weight matrices and 50 bias vectors of a mid-sized network.
    rng = numpy.random.default_rng(1)
    params = []
    for i in range(50):
        for shape in ((256, 256), (256,)):
            value = rng.standard_normal(shape).astype(numpy.float32)
            p = lib.nn.Parameter(lib.from_numpy(value))
            p.grad = lib.from_numpy(rng.standard_normal(shape).astype(numpy.float32))
            params.append(p)
    return params


def _optimizer_step(name: str, **options: Any) -> dict[str, Callable[[], Any]]:
    ropt = getattr(optim, name)(_hundred_parameters(rb), **options)
    topt = getattr(torch.optim, name)(_hundred_parameters(torch), foreach=True, **options)
    return {"rosenblatt": ropt.step, "torch": topt.step}


@workload("Adam step over 100 parameter tensors", target=Target.ratio_at_most(1.0))
def adam_step() -> dict[str, Callable[[], Any]]:
    return _optimizer_step("Adam", lr=1e-3)


@workload("SGD momentum step over 100 parameter tensors", target=Target.ratio_at_most(1.0))
def sgd_step() -> dict[str, Callable[[], Any]]:
    return _optimizer_step("SGD", lr=1e-2, momentum=0.9)


@workload("DataLoader vs slicing by hand: MLP, 100 steps", target=Target.ratio_at_most(1.05),
          baseline="hand slicing")
def loader_overhead() -> dict[str, Callable[[], Any]]:
    x, y = _mnist_shaped()
    model = _rb_mlp()
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rx, ry = rb.from_numpy(x), rb.from_numpy(y)
    loader = DataLoader(TensorDataset(rx, ry), batch_size=BATCH, shuffle=True,
                        generator=rb.Generator(0))
    order = numpy.random.default_rng(0)

    def with_loader() -> None:
        for xb, yb in loader:
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

    def by_hand() -> None:
        perm = order.permutation(SAMPLES)
        for i in range(0, SAMPLES, BATCH):
            idx = perm[i:i + BATCH]
            loss = nn.functional.cross_entropy(model(rb.from_numpy(x[idx])), rb.from_numpy(y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()

    return {"rosenblatt": with_loader, "hand slicing": by_hand}
