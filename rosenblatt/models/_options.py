"""Keyword options split between a model's config dataclass and its training config."""
from __future__ import annotations

from dataclasses import fields
from typing import Any


def split_options(op: str, options: dict[str, Any], model_config: type, train_config: type) -> tuple[Any, Any]:
    """``(model_config(**...), train_config(**...))`` from one dict of options.

    An option neither dataclass has raises ``TypeError`` naming ``op`` and both configs.
    """
    model_names = {f.name for f in fields(model_config)}
    unknown = set(options) - model_names - {f.name for f in fields(train_config)}
    if unknown:
        raise TypeError(f"{op}: unknown options {sorted(unknown)}; see {model_config.__name__} "
                        f"and {train_config.__name__}")
    return (model_config(**{k: v for k, v in options.items() if k in model_names}),
            train_config(**{k: v for k, v in options.items() if k not in model_names}))
