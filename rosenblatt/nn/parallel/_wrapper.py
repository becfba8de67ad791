"""What the data-parallel wrappers share: their state dict is the wrapped module's."""
from __future__ import annotations

from typing import Any

from ..modules.module import Module


class ModuleWrapper(Module):
    """A module around ``self.module`` whose checkpoints are the wrapped module's.

    ``state_dict()`` has no ``module.`` prefix (PyTorch's wrappers add one), so a
    checkpoint loads into the bare model and into any wrapper; ``load_state_dict``
    accepts both forms.
    """

    module: Module

    def state_dict(self, *, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> Any:
        """The wrapped module's state dict, without a ``module.`` prefix."""
        return self.module.state_dict(destination=destination, prefix=prefix, keep_vars=keep_vars)

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
        """Load into the wrapped module; keys with PyTorch's ``module.`` prefix are accepted too."""
        if state_dict and all(k.startswith("module.") for k in state_dict):
            state_dict = {k[len("module."):]: v for k, v in state_dict.items()}
        return self.module.load_state_dict(state_dict, strict=strict, assign=assign)
