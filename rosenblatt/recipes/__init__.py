"""Training recipes: one readable function per headline result, run by ``rosenblatt train NAME``."""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

#: recipe name -> module defining ``train(**options) -> dict`` of results.
RECIPES = {
    "breast-cancer": "rosenblatt.recipes.breast_cancer",
    "cartpole": "rosenblatt.recipes.cartpole",
    "demo": "rosenblatt.recipes.demo",
    "fashion-cnn": "rosenblatt.recipes.fashion_cnn",
    "forecast": "rosenblatt.recipes.forecast",
    "mnist-lenet": "rosenblatt.recipes.mnist_lenet",
    "mnist-mlp": "rosenblatt.recipes.mnist_mlp",
    "movielens-mf": "rosenblatt.recipes.movielens_mf",
    "movielens-ncf": "rosenblatt.recipes.movielens_ncf",
    "shakespeare-gpt": "rosenblatt.recipes.shakespeare_gpt",
    "shakespeare-lstm": "rosenblatt.recipes.shakespeare_lstm",
    "spoken-digits": "rosenblatt.recipes.spoken_digits",
    "spoken-digits-gru": "rosenblatt.recipes.spoken_digits_gru",
    "spoken-digits-speakers": "rosenblatt.recipes.spoken_digits_speakers",
}

#: recipes that train data-parallel under ``rosenblatt train NAME --nproc N`` (DistributedDataParallel).
DATA_PARALLEL = {"fashion-cnn", "mnist-lenet", "mnist-mlp"}


def get(name: str) -> Callable[..., dict[str, Any]]:
    """The ``train`` function of recipe ``name``."""
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; choose one of: {', '.join(sorted(RECIPES))}")
    return import_module(RECIPES[name]).train
