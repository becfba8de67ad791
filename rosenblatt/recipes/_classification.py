"""The supervised image-classification loop the MNIST and Fashion-MNIST recipes share.

SGD with Nesterov momentum, a per-step cosine schedule and weight decay;
test accuracy after every epoch.

Data-parallel under ``mpiexec -n N`` (``rosenblatt train RECIPE --nproc N``):
the model is wrapped in ``DistributedDataParallel`` (batch norm made
``SyncBatchNorm``), each rank trains on its ``DistributedSampler`` shard with
``batch_size / N`` samples per step, so a step sees the same global batch of
``batch_size`` as a single process; the test set is split over the ranks.
Rank 0 alone logs.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import rosenblatt as rb
from rosenblatt import distributed as dist
from rosenblatt import nn, optim
from rosenblatt._backend import xp
from rosenblatt.data import DataLoader, DistributedSampler, Subset, TensorDataset


def image_tensors(dataset_class: type, root: str | None, train: bool, mean: float, std: float,
                  limit: int | None = None) -> TensorDataset:
    """A 28x28 dataset as standardised float32 images (N, 1, 28, 28) and int64 labels."""
    ds = dataset_class(root, train=train)
    images = rb.as_tensor(ds.data[:limit]).float().unsqueeze(1) / 255.0
    return TensorDataset((images - mean) / std, rb.as_tensor(ds.targets[:limit]).long())


def evaluate(model: nn.Module, loader: DataLoader) -> float:
    """Accuracy over ``loader``'s samples on every rank together."""
    model.eval()
    correct = total = 0
    with rb.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(1) == y).sum().item())
            total += len(y)
    model.train()
    counts = rb.tensor([correct, total])
    dist.all_reduce(counts)
    return counts[0].item() / counts[1].item()


def fit(model: nn.Module, train_set: TensorDataset, test_set: TensorDataset, *, epochs: int,
        batch_size: int, lr: float, weight_decay: float, seed: int, augment: Callable | None,
        log: Any) -> dict[str, Any]:
    """SGD (Nesterov, cosine schedule) over ``train_set``; test accuracy logged every epoch."""
    rank, world = dist.get_rank(), dist.get_world_size()
    net = model  # evaluation runs the bare model: no collectives, so ranks may see unequal shards
    if world == 1:
        loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=rb.Generator(seed))
    else:
        if batch_size % world:
            raise ValueError(f"fit: batch_size {batch_size} does not split evenly over {world} ranks; "
                             f"pass a multiple of {world}")
        model = nn.parallel.DistributedDataParallel(nn.SyncBatchNorm.convert_sync_batchnorm(model))
        net = model.module
        loader = DataLoader(train_set, batch_size=batch_size // world,
                            sampler=DistributedSampler(train_set, seed=seed))
        test_set = Subset(test_set, range(rank, len(test_set), world))
        log = log if rank == 0 else (lambda message: None)
    test_loader = DataLoader(test_set, batch_size=1000)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                    weight_decay=weight_decay)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * len(loader))
    rng = xp.random.default_rng(seed + rank)  # rank 0 keeps the single-process augmentation stream
    start = time.perf_counter()
    accuracy = 0.0
    for epoch in range(epochs):
        if world > 1:
            loader.sampler.set_epoch(epoch)
        total = 0.0
        for x, y in loader:
            if augment is not None:
                x = augment(x, rng)
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        accuracy = evaluate(net, test_loader)
        mean_loss = rb.tensor([total / len(loader)], dtype=rb.float64)
        dist.all_reduce(mean_loss, op=dist.ReduceOp.AVG)  # every rank ran len(loader) steps
        log(f"epoch {epoch + 1:2d}/{epochs}  train loss {mean_loss.item():.4f}  "
            f"test accuracy {accuracy:.2%}  ({time.perf_counter() - start:.0f} s)")
    return {"test_accuracy": accuracy, "test_error": 1.0 - accuracy,
            "seconds": time.perf_counter() - start, "epochs": epochs}
