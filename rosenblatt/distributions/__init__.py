r"""``rosenblatt.distributions``: PyTorch's ``torch.distributions``, its most used families.

Each distribution has ``batch_shape`` and ``event_shape``, ``sample``/``rsample`` (with an
optional ``generator=``; the default generator, see ``rosenblatt.manual_seed``, otherwise),
``log_prob``, ``entropy``, ``mean``, ``mode``, ``variance``, ``stddev`` and ``expand``;
``kl_divergence(p, q)`` dispatches on the two types, and ``register_kl`` adds pairs.
Log-densities, entropies, reparameterised samples and KL divergences are differentiable with
respect to the parameters, with PyTorch's gradients.

Example:
    >>> import rosenblatt as rb
    >>> from rosenblatt.distributions import Normal, kl_divergence
    >>> p, q = Normal(rb.tensor(0.0), rb.tensor(1.0)), Normal(rb.tensor(1.0), rb.tensor(1.0))
    >>> kl_divergence(p, q)
    tensor(0.5)
"""
from __future__ import annotations

from . import constraints
from .bernoulli import Bernoulli
from .beta import Beta
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .poisson import Poisson
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Distribution", "Exponential", "Gamma", "Independent",
           "Laplace", "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson", "Uniform",
           "constraints", "kl_divergence", "register_kl"]
