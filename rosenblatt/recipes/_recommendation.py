"""The rating-prediction loop the MovieLens recipes share, the top-N evaluation, and ``rosenblatt recommend``.

For each of MovieLens 100K's official folds (``u{k}.base`` to train, ``u{k}.test``
to test) a fresh model learns the ratings with squared error plus an L2 term
on the vectors each rating touches (``model.penalty``), then is measured two ways:

* rating prediction: RMSE and MAE on the test ratings, predictions clipped to
  the 1-5 scale (as the Surprise library does);
* top-N recommendation with sampled negatives: every test rating of 4 or 5 is a
  relevant item, ranked by the model's score against ``negatives`` items the user
  never rated (sampled per case); hit rate@k and NDCG@k over those cases.
  Random scores give hit rate@10 = 10/100 and NDCG@10 ~ 0.045 with 99 negatives;
  the ``popularity_`` baseline ranks items by their number of training ratings,
  which a model of explicit ratings never sees (rated items are popular ones).

Then one more model learns every rating in ``u.data`` and is saved with its
config as ``{out}/model.safetensors``; ``recommend`` loads it.
"""
from __future__ import annotations

import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy

import rosenblatt as rb
from rosenblatt import nn, optim
from rosenblatt.data import DataLoader
from rosenblatt.datasets import MovieLens
from rosenblatt.models.matrix_factorization import MatrixFactorization, MatrixFactorizationConfig
from rosenblatt.models.ncf import NCF, NCFConfig
from rosenblatt.training import Trainer
from rosenblatt.training.metrics import MAE, NDCG, RMSE, HitRate

#: the saved ``architecture`` name -> (model class, config class), for ``recommend``.
ARCHITECTURES: dict[str, tuple[type, type]] = {
    "matrix_factorization": (MatrixFactorization, MatrixFactorizationConfig),
    "ncf": (NCF, NCFConfig),
}
RATING_RANGE = (1.0, 5.0)
RELEVANT = 4.0        # a test rating at least this high is a relevant item for top-N
MODEL_FILE = "model.safetensors"


class RatingTrainer(Trainer):
    """``Trainer`` for ``(users, items, ratings)`` batches: MSE plus ``reg`` times the mean ``model.penalty``.

    The penalty is left out in evaluation, so ``val_loss`` is the test MSE; the
    metrics see predictions clipped to the rating scale.
    """

    def __init__(self, model: nn.Module, optimizer: Any, *, reg: float, **options: Any) -> None:
        super().__init__(model, optimizer, nn.MSELoss(), **options)
        self.reg = reg

    def compute_loss(self, batch: Any) -> tuple[rb.Tensor, Any, Any]:
        users, items, ratings = batch
        prediction = self.model(users, items)
        loss = self.loss_fn(prediction, ratings)
        if self.model.training and self.reg:
            loss = loss + self.reg * self.model.penalty(users, items).mean()
        return loss, prediction.detach().clamp(*RATING_RANGE), ratings


def ranking_cases(train: MovieLens, test: MovieLens, negatives: int,
                  rng: numpy.random.Generator) -> tuple[numpy.ndarray, numpy.ndarray]:
    """``(users (M,), candidates (M, 1 + negatives))``: column 0 is a relevant test item, the rest unrated items.

    Negatives are drawn without replacement, per case, from the items in the
    data that the user rated in neither file.
    """
    users = numpy.concatenate([train.users, test.users])
    items = numpy.concatenate([train.items, test.items])
    catalogue = numpy.unique(items)
    relevant = test.ratings >= RELEVANT
    case_users, case_items = [], []
    for user in numpy.unique(test.users[relevant]):
        positives = test.items[relevant & (test.users == user)]
        pool = numpy.setdiff1d(catalogue, items[users == user])
        if len(pool) < negatives:
            continue  # a user who rated nearly everything has too few negatives to rank against
        picks = rng.random((len(positives), len(pool))).argsort(1)[:, :negatives]
        case_users.append(numpy.full(len(positives), user))
        case_items.append(numpy.concatenate([positives[:, None], pool[picks]], 1))
    return numpy.concatenate(case_users), numpy.concatenate(case_items)


def evaluate_ranking(score: Callable[[numpy.ndarray, numpy.ndarray], Any], users: numpy.ndarray,
                     candidates: numpy.ndarray, k: int) -> dict[str, float]:
    """Hit rate@k and NDCG@k of the relevant item (column 0) among each row's candidates.

    ``score(users, items)`` rates flat id arrays: a model's raw predictions
    (clipped to 5 stars, items would tie, and a tie counts as a hit) or a baseline's.
    """
    metrics = [HitRate(k), NDCG(k)]
    for start in range(0, len(users), 1024):
        rows = candidates[start:start + 1024]                                       # (B, C)
        scores = score(numpy.repeat(users[start:start + 1024], rows.shape[1]), rows.ravel())
        for m in metrics:
            m.update(numpy.asarray(scores).reshape(rows.shape), numpy.zeros(len(rows), dtype=numpy.int64))
    return {m.name: m.compute() for m in metrics}


def predictor(model: nn.Module) -> Callable[[numpy.ndarray, numpy.ndarray], numpy.ndarray]:
    """``model`` as a function of id arrays, in eval mode and without gradients."""
    def score(users: numpy.ndarray, items: numpy.ndarray) -> numpy.ndarray:
        model.eval()
        with rb.no_grad():
            return model(rb.from_numpy(users), rb.from_numpy(items)).numpy()
    return score


def train_model(build: Callable[[int, int, float], nn.Module], optimizer: Callable[[Any], optim.Optimizer],
                train_set: MovieLens, test_set: MovieLens | None, *, num_users: int, num_items: int, epochs: int,
                batch_size: int, reg: float, seed: int, log: Callable[[str], Any]) -> RatingTrainer:
    """A fresh model fitted to ``train_set`` (cosine schedule per step); ``test_set`` validates each epoch."""
    rb.manual_seed(seed)
    model = build(num_users, num_items, float(train_set.ratings.mean()))
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=rb.Generator(seed))
    opt = optimizer(model.parameters())
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, epochs * len(loader)))
    trainer = RatingTrainer(model, opt, reg=reg, metrics=[RMSE(), MAE()], scheduler=sched,
                            scheduler_interval="batch", progress=False, log=log)
    test_loader = None if test_set is None else DataLoader(test_set, batch_size=4096)
    trainer.fit(loader, test_loader, epochs=epochs)
    return trainer


def run(architecture: str, build: Callable[[int, int, float], nn.Module],
        optimizer: Callable[[Any], optim.Optimizer], *, folds: Sequence[int], epochs: int, batch_size: int,
        reg: float, seed: int, data_dir: str | None, out: str, negatives: int = 99, k: int = 10,
        final: bool = True, plots: bool = True, log: Callable[[str], Any] = print) -> dict[str, Any]:
    """Train and measure on each fold in ``folds``, then (``final``) fit all of ``u.data`` and save it.

    ``build(num_users, num_items, mean_rating)`` makes a fresh model, ``optimizer(parameters)`` its optimizer.
    """
    if not folds or any(f not in (1, 2, 3, 4, 5) for f in folds):
        raise ValueError(f"{architecture}: folds must be some of 1-5 (u1.base ... u5.test), got {folds!r}")
    start = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    every = MovieLens(data_dir)                  # downloads ml-100k.zip when missing
    sizes = {"num_users": every.num_users, "num_items": every.num_items}
    options = dict(epochs=epochs, batch_size=batch_size, reg=reg, seed=seed, log=log)
    rows, files = [], []
    for fold in folds:
        train_set, test_set = MovieLens(data_dir, fold=fold), MovieLens(data_dir, fold=fold, train=False)
        log(f"fold {fold}: {len(train_set)} training and {len(test_set)} test ratings")
        trainer = train_model(build, optimizer, train_set, test_set, **sizes, **options)
        scores = trainer.evaluate(DataLoader(test_set, batch_size=4096))
        row = {"rmse": scores["rmse"], "mae": scores["mae"]}
        cases = ranking_cases(train_set, test_set, negatives, numpy.random.default_rng(seed))
        row.update(evaluate_ranking(predictor(trainer.model), *cases, k))
        popularity = numpy.bincount(train_set.items, minlength=every.num_items)
        row.update({f"popularity_{key}": value for key, value in
                    evaluate_ranking(lambda users, items: popularity[items], *cases, k).items()})
        rows.append(row)
        log(f"fold {fold}: " + "  ".join(f"{key} {value:.4f}" for key, value in row.items()))
        if plots and fold == folds[0]:
            files += _plot(trainer.history, os.path.join(out, f"curves_fold{fold}.png"), log)
    results: dict[str, Any] = {key: float(numpy.mean([row[key] for row in rows])) for key in rows[0]}
    results["fold_rmse"] = [round(row["rmse"], 4) for row in rows]
    log(f"mean over folds {list(folds)}: " + "  ".join(f"{key} {results[key]:.4f}" for key in rows[0]))
    if final:
        log(f"final model: all {len(every)} ratings")
        model = train_model(build, optimizer, every, None, **sizes, **options).model
        rb.save({"architecture": architecture, "config": asdict(model.config), "model": model.state_dict()},
                os.path.join(out, MODEL_FILE))
        files.append(os.path.join(out, MODEL_FILE))
    results.update(seconds=time.perf_counter() - start, files=files)
    return results


def _plot(history: list[dict[str, float]], path: str, log: Callable[[str], Any]) -> list[str]:
    try:
        from rosenblatt.training import plots
        return [plots.plot_history(history, path, metrics=["rmse", "mae"])]
    except ImportError as e:
        log(f"plots skipped: {e}")
        return []


def load_model(run_dir: str | os.PathLike) -> nn.Module:
    """The model a MovieLens recipe saved in ``run_dir``, in eval mode."""
    path = Path(run_dir) / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"recommend: no trained model at {path}; train one first with "
                                f"`rosenblatt train movielens-mf --out {run_dir}`")
    saved = rb.load(path)
    if not isinstance(saved, dict) or saved.get("architecture") not in ARCHITECTURES:
        raise ValueError(f"recommend: {path} was not saved by a MovieLens recipe (expected one of the "
                         f"architectures {sorted(ARCHITECTURES)}); point --run at a movielens-mf run folder")
    model_class, config_class = ARCHITECTURES[saved["architecture"]]
    model = model_class(config_class(**saved["config"]))
    model.load_state_dict(saved["model"])
    return model.eval()


def item_titles(ratings: MovieLens) -> dict[int, str]:
    """Item id -> title from ``u.item`` (``id|title|date|...``, Latin-1) beside ``u.data``; empty when absent."""
    path = ratings.root / MovieLens.folder / "ml-100k" / "u.item"
    if not path.exists():
        return {}
    fields = (line.split("|") for line in path.read_text(encoding="latin-1").splitlines() if "|" in line)
    return {int(f[0]): f[1] for f in fields}


def recommend(user: int, run_dir: str | os.PathLike, data_dir: str | None = None,
              count: int = 10) -> list[tuple[int, str, float]]:
    """The ``count`` items ``user`` has not rated with the highest predicted ratings: ``(item, title, rating)``.

    Uses the model saved in ``run_dir`` and the ratings in ``u.data`` (the data it was trained on).
    """
    model = load_model(run_dir)
    try:
        ratings = MovieLens(data_dir, download=False)
    except FileNotFoundError as e:  # the loader's hint (download=True) is for the Python API
        raise FileNotFoundError(f"recommend: the MovieLens ratings the model was trained on are "
                                f"missing; pass --data-dir (the folder `rosenblatt train movielens-mf` "
                                f"read), or train first, which downloads them. ({e})") from None
    if not (ratings.users == user).any():
        raise ValueError(f"recommend: unknown user {user}; users in {ratings.root} have ids "
                         f"{int(ratings.users.min())}-{int(ratings.users.max())} and at least one rating")
    if user >= model.config.num_users:
        raise ValueError(f"recommend: user {user} is not in the model saved in {run_dir} (it knows "
                         f"{model.config.num_users - 1} users); retrain it on this data")
    unseen = numpy.setdiff1d(numpy.unique(ratings.items), ratings.items[ratings.users == user])
    unseen = unseen[unseen < model.config.num_items]
    scores = predictor(model)(numpy.full(len(unseen), user), unseen)
    best = numpy.argsort(-scores, kind="stable")[:count]
    titles = item_titles(ratings)
    return [(int(unseen[i]), titles.get(int(unseen[i]), f"item {unseen[i]}"),
             float(numpy.clip(scores[i], *RATING_RANGE))) for i in best]
