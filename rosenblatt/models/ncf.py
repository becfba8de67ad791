"""Neural collaborative filtering (He et al., 2017): NeuMF, a GMF tower and an MLP tower side by side.

The generalised matrix factorisation (GMF) tower multiplies a user vector and
an item vector element-wise; the MLP tower concatenates a second pair of
vectors and passes them through ReLU layers; one linear layer reads both::

    users, items (N,) -> GMF:  p_u * q_i                              (N, gmf_dim)
                      -> MLP:  [p'_u ; q'_i] -Linear-ReLU-...->       (N, mlp_layers[-1])
    r_hat = mu + Linear([GMF ; MLP])                                  (N,)

The paper trains NeuMF on implicit feedback with a log loss; here it predicts
explicit ratings with squared error, around the global mean ``mu`` like
``MatrixFactorization``, so the two are measured the same way.  The towers
have separate embeddings because, as the paper notes, sharing them limits
both.  ``penalty`` is the L2 term of the vectors each rating touches.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import nn
from ..creation import tensor
from ..ops import cat
from ..tensor import Tensor


@dataclass
class NCFConfig:
    num_users: int                                # the largest user id + 1
    num_items: int                                # the largest item id + 1
    gmf_dim: int = 32                             # GMF predictive factors
    mlp_layers: tuple[int, ...] = (64, 32, 16)    # MLP widths; the first is the concatenated pair (32 + 32),
                                                  # each layer halving, the paper's "tower pattern"
    dropout: float = 0.2                          # after each MLP ReLU: ~80k ratings overfit the MLP without it
    init_std: float = 0.01                        # embeddings start N(0, 0.01^2), as in the paper
    global_mean: float = 0.0                      # mu: the recipe sets the mean training rating


class NCF(nn.Module):
    """NeuMF: ``mu + h^T [p_u * q_i ; MLP([p'_u ; q'_i])] + b``.

    Args:
        config: an ``NCFConfig``.

    Shape: users (N,) and items (N,) integer ids -> predicted ratings (N,).

    Example:
        >>> import rosenblatt as rb
        >>> model = NCF(NCFConfig(num_users=5, num_items=7, global_mean=3.5))
        >>> model(rb.tensor([1, 4]), rb.tensor([0, 6])).shape
        (2,)
    """

    def __init__(self, config: NCFConfig) -> None:
        super().__init__()
        c = self.config = config
        if min(c.num_users, c.num_items, c.gmf_dim) < 1 or not c.mlp_layers or min(c.mlp_layers) < 1 \
                or c.mlp_layers[0] % 2:
            raise ValueError(f"NCF: num_users, num_items, gmf_dim and mlp_layers must be positive and "
                             f"mlp_layers[0] even (a user and an item half), got {c.num_users}, "
                             f"{c.num_items}, {c.gmf_dim} and {c.mlp_layers}")
        half = c.mlp_layers[0] // 2
        self.gmf_user = nn.Embedding(c.num_users, c.gmf_dim)
        self.gmf_item = nn.Embedding(c.num_items, c.gmf_dim)
        self.mlp_user = nn.Embedding(c.num_users, half)
        self.mlp_item = nn.Embedding(c.num_items, half)
        for table in (self.gmf_user, self.gmf_item, self.mlp_user, self.mlp_item):
            nn.init.normal_(table.weight, std=c.init_std)
        layers: list[nn.Module] = []
        for width_in, width_out in zip(c.mlp_layers, c.mlp_layers[1:]):
            layers += [nn.Linear(width_in, width_out), nn.ReLU(), nn.Dropout(c.dropout)]
        self.mlp = nn.Sequential(*layers)
        self.predict = nn.Linear(c.gmf_dim + c.mlp_layers[-1], 1)
        self.register_buffer("global_mean", tensor(c.global_mean))

    def forward(self, users: Tensor, items: Tensor) -> Tensor:
        gmf = self.gmf_user(users) * self.gmf_item(items)                            # (N, gmf_dim)
        mlp = self.mlp(cat([self.mlp_user(users), self.mlp_item(items)], -1))        # (N, mlp_layers[-1])
        return self.global_mean + self.predict(cat([gmf, mlp], -1))[..., 0]          # (N,)

    def penalty(self, users: Tensor, items: Tensor) -> Tensor:
        """Squared norms of the four vectors each rating touches (N,)."""
        tables = (self.gmf_user(users), self.gmf_item(items), self.mlp_user(users), self.mlp_item(items))
        return sum((t * t).sum(-1) for t in tables)


__all__ = ["NCF", "NCFConfig"]
