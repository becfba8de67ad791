"""The MovieLens recipes on ratings generated in u.data format from a known low-rank model.

The generator is the biased-MF model itself (``mu + b_u + b_i + p_u . q_i`` of rank 3,
plus noise, rounded to 1-5 stars), so a fitted model must recover the held-out
ratings far better than the global mean does, and rank liked items far above chance.
"""
from __future__ import annotations

import numpy as np
import pytest

import rosenblatt as rb
from rosenblatt.__main__ import main
from rosenblatt.models.matrix_factorization import MatrixFactorization
from rosenblatt.recipes import get
from rosenblatt.recipes._recommendation import load_model, recommend
from rosenblatt.recipes.movielens_mf import train as train_mf
from rosenblatt.recipes.movielens_ncf import train as train_ncf

USERS, ITEMS, PER_USER = 150, 200, 60


def write_movielens(root, rng):
    """u.data (shuffled), u1-u5 base/test as GroupLens' mku.sh cuts them, and a u.item with titles.

    Users rate the items they expect to like more often (chosen with weights ``exp(1.5 * affinity)``),
    as on MovieLens, so liked items stand out from unrated ones.
    """
    folder = root / "movielens" / "ml-100k"
    folder.mkdir(parents=True)
    bias_user, bias_item = rng.normal(0, 0.3, USERS + 1), rng.normal(0, 0.5, ITEMS + 1)
    p, q = rng.normal(0, 0.6, (USERS + 1, 3)), rng.normal(0, 0.6, (ITEMS + 1, 3))
    affinity = bias_user[:, None] + bias_item[None, :] + p @ q.T                # (USERS + 1, ITEMS + 1)
    catalogue = np.arange(1, ITEMS + 1)
    users = np.repeat(np.arange(1, USERS + 1), PER_USER)
    items = np.concatenate([rng.choice(catalogue, PER_USER, replace=False, p=w / w.sum())
                            for w in np.exp(1.5 * affinity[1:, 1:])])
    signal = 3.2 + affinity[users, items]
    ratings = np.clip(np.rint(signal + rng.normal(0, 0.25, len(users))), 1, 5).astype(np.int64)
    table = np.stack([users, items, ratings, rng.integers(874724710, 893286638, len(users))], 1)
    table = table[rng.permutation(len(table))]

    def write(name, rows):
        (folder / name).write_text("".join("\t".join(map(str, r)) + "\n" for r in rows))

    write("u.data", table)
    fifth = len(table) // 5
    for k in range(1, 6):
        test = np.zeros(len(table), bool)
        test[(k - 1) * fifth:k * fifth] = True
        for name, rows in ((f"u{k}.test", table[test]), (f"u{k}.base", table[~test])):
            write(name, rows[np.lexsort((rows[:, 1], rows[:, 0]))])
    (folder / "u.item").write_text("".join(f"{i}|Film {i} (1990)|01-Jan-1990||http://example.org|0\n"
                                           for i in range(1, ITEMS + 1)), encoding="latin-1")
    return table


@pytest.fixture(scope="module")
def movielens(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    table = write_movielens(root, np.random.default_rng(0))
    fifth = len(table) // 5
    test, train = table[:fifth, 2], table[fifth:, 2]
    baseline = float(np.sqrt(((test - train.mean()) ** 2).mean()))   # the global mean predicts every rating
    return root, table, baseline


# 7,200 training ratings are 29 steps an epoch: larger steps than on MovieLens' 80,000
@pytest.mark.parametrize("train, lr", [(train_mf, 2.0), (train_ncf, 0.02)], ids=["mf", "ncf"])
def test_recipe_recovers_held_out_ratings(movielens, train, lr, tmp_path):
    root, _, baseline = movielens
    lines = []
    result = train(epochs=10, lr=lr, folds=(1,), data_dir=str(root), out=str(tmp_path), final=False,
                   plots=False, log=lines.append)
    assert any(line.startswith("fold 1: rmse") for line in lines)
    # the global mean's RMSE is ~0.82; the generating model (noise 0.25 plus rounding) ~0.36; the fitted models ~0.5
    assert baseline > 0.8
    assert result["rmse"] < 0.7 * baseline and result["mae"] < result["rmse"]
    # random ranking: 0.10 and ~0.045; by popularity ~0.43; the generating model itself: ~0.74 and ~0.50
    assert result["hit_rate@10"] > 0.5 and result["ndcg@10"] > 0.3
    assert result["hit_rate@10"] > result["popularity_hit_rate@10"] + 0.1


def test_recipes_are_registered():
    assert get("movielens-mf") is train_mf and get("movielens-ncf") is train_ncf


def test_train_and_recommend_through_the_cli(movielens, tmp_path, capsys):
    root, table, _ = movielens
    run = tmp_path / "run"
    assert main(["train", "movielens-mf", "--epochs", "2", "--lr", "2", "--data-dir", str(root),
                 "--out", str(run)]) == 0
    out = capsys.readouterr().out
    assert "mean over folds [1, 2, 3, 4, 5]" in out and "result: rmse" in out
    assert (run / "curves_fold1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model = load_model(run)
    assert isinstance(model, MatrixFactorization) and model.config.num_users == USERS + 1

    user = 7
    assert main(["recommend", "--user", str(user), "--run", str(run), "--data-dir", str(root)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"top 10 unseen items for user {user}") and len(lines) == 11
    shown = [int(line.rsplit("item ", 1)[1].rstrip("]")) for line in lines[1:]]
    seen = set(table[table[:, 0] == user, 1])
    assert len(set(shown)) == 10 and not seen & set(shown)
    assert "Film " in lines[1]
    # the printed ranking is recommend()'s, best first
    rows = recommend(user, run, str(root))
    assert [item for item, _, _ in rows] == shown
    assert [r for _, _, r in rows] == sorted((r for _, _, r in rows), reverse=True)

    assert main(["recommend", "--user", "999", "--run", str(run), "--data-dir", str(root)]) == 1
    assert capsys.readouterr().err.startswith("rosenblatt recommend: error: unknown user 999; users in")
    assert main(["recommend", "--user", "1", "--run", str(tmp_path / "nothing"), "--data-dir", str(root)]) == 1
    assert "no trained model at" in capsys.readouterr().err
    (tmp_path / "other").mkdir()
    rb.save({"model": {"weight": rb.zeros(2)}}, tmp_path / "other" / "model.safetensors")
    assert main(["recommend", "--user", "1", "--run", str(tmp_path / "other"), "--data-dir", str(root)]) == 1
    assert "was not saved by a MovieLens recipe" in capsys.readouterr().err
    # a trained model but no ratings where --data-dir points: the CLI's fix, not the API's download=True
    assert main(["recommend", "--user", "1", "--run", str(run), "--data-dir", str(tmp_path / "empty")]) == 1
    assert "pass --data-dir" in capsys.readouterr().err
