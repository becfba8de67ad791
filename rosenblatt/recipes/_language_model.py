"""The command line's options mapped onto a language model's own ``train(**options)``."""
from __future__ import annotations

from typing import Any, Callable


def run(model_train: Callable[..., dict[str, Any]], batch_size: int | None, lr: float | None,
        seed: int | None, data_dir: str | None, log: Callable[[str], Any]) -> dict[str, Any]:
    """Train with the given options (None keeps the model's default); return the scalar results."""
    options = {"batch_size": batch_size, "learning_rate": lr, "seed": seed, "data_root": data_dir}
    result = model_train(log=log, **{k: v for k, v in options.items() if v is not None})
    log(f"sample:\n{result['sample']}")
    return {k: result[k] for k in ("val_loss", "train_loss", "seconds")}
