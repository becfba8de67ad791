"""Biased matrix factorisation: the model of the classic "SVD" recommender (Funk 2006; Koren et al. 2009).

A rating is the global mean plus a user bias, an item bias and the dot product
of a user vector and an item vector::

    r_hat(u, i) = mu + b_u + b_i + p_u . q_i

    users (N,) -Embedding-> p (N, d), b_u (N, 1)
    items (N,) -Embedding-> q (N, d), b_i (N, 1)  ->  mu + b_u + b_i + sum(p * q, -1)   (N,)

Trained on squared error with an L2 penalty on the biases and vectors each
rating touches, ``lambda * (b_u^2 + b_i^2 + |p_u|^2 + |q_i|^2)`` (``penalty``),
so a user or item with many ratings is held back as often as it is seen; this
is the objective the Surprise library's ``SVD`` minimises with per-rating SGD.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import nn
from ..creation import tensor
from ..tensor import Tensor


@dataclass
class MatrixFactorizationConfig:
    num_users: int             # rows of the user tables: the largest user id + 1
    num_items: int             # rows of the item tables: the largest item id + 1
    embedding_dim: int = 100   # Surprise's SVD default (n_factors=100)
    init_std: float = 0.1      # vectors start N(0, 0.1^2) (Surprise's init_std_dev); biases at zero
    global_mean: float = 0.0   # mu: the recipe sets the mean training rating


class MatrixFactorization(nn.Module):
    """``mu + b_u + b_i + p_u . q_i`` from user and item embeddings plus biases.

    Args:
        config: a ``MatrixFactorizationConfig``.

    Shape: users (N,) and items (N,) integer ids -> predicted ratings (N,).

    Example:
        >>> import rosenblatt as rb
        >>> model = MatrixFactorization(MatrixFactorizationConfig(num_users=5, num_items=7, global_mean=3.5))
        >>> model(rb.tensor([1, 4]), rb.tensor([0, 6])).shape
        (2,)
    """

    def __init__(self, config: MatrixFactorizationConfig) -> None:
        super().__init__()
        c = self.config = config
        if min(c.num_users, c.num_items, c.embedding_dim) < 1:
            raise ValueError(f"MatrixFactorization: num_users, num_items and embedding_dim must be positive, "
                             f"got {c.num_users}, {c.num_items} and {c.embedding_dim}")
        self.user_factors = nn.Embedding(c.num_users, c.embedding_dim)
        self.item_factors = nn.Embedding(c.num_items, c.embedding_dim)
        self.user_bias = nn.Embedding(c.num_users, 1)
        self.item_bias = nn.Embedding(c.num_items, 1)
        for table in (self.user_factors, self.item_factors):
            nn.init.normal_(table.weight, std=c.init_std)
        for table in (self.user_bias, self.item_bias):
            nn.init.zeros_(table.weight)
        self.register_buffer("global_mean", tensor(c.global_mean))

    def forward(self, users: Tensor, items: Tensor) -> Tensor:
        p, q = self.user_factors(users), self.item_factors(items)               # (N, d)
        bias = self.user_bias(users)[..., 0] + self.item_bias(items)[..., 0]    # (N,)
        return self.global_mean + bias + (p * q).sum(-1)                         # (N,)

    def penalty(self, users: Tensor, items: Tensor) -> Tensor:
        """``b_u^2 + b_i^2 + |p_u|^2 + |q_i|^2`` per rating (N,): the L2 term of the SVD objective."""
        tables = (self.user_factors(users), self.item_factors(items), self.user_bias(users),
                  self.item_bias(items))
        return sum((t * t).sum(-1) for t in tables)


__all__ = ["MatrixFactorization", "MatrixFactorizationConfig"]
