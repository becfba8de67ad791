"""Nested tuples, lists and dicts ("pytrees") taken apart into their leaves and put back
together: what ``func``'s transforms and ``utils.checkpoint`` read tensors out of and
put tensors back into.

A spec is ``None`` for a leaf, else ``(type, dict keys or None, child specs)``; rebuilding
keeps each container's type (a namedtuple, an ``OrderedDict``).

Example:
    >>> from rosenblatt._pytree import tree_flatten, tree_unflatten
    >>> leaves, spec = tree_flatten({"a": (1, 2), "b": [3]})
    >>> leaves
    [1, 2, 3]
    >>> tree_unflatten([10, 20, 30], spec)
    {'a': (10, 20), 'b': [30]}
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence


def tree_flatten(tree: Any) -> tuple[list, Any]:
    """``(leaves, spec)``: the leaves of ``tree`` in order, and its structure."""
    if isinstance(tree, (tuple, list, dict)):
        keys = tuple(tree) if isinstance(tree, dict) else None
        leaves: list = []
        specs = []
        for child in (tree.values() if keys is not None else tree):
            child_leaves, spec = tree_flatten(child)
            leaves += child_leaves
            specs.append(spec)
        return leaves, (type(tree), keys, tuple(specs))
    return [tree], None


def tree_unflatten(leaves: Sequence[Any], spec: Any) -> Any:
    """The tree of structure ``spec`` (from ``tree_flatten``) holding ``leaves`` in order."""
    return _build(spec, iter(leaves))


def _build(spec: Any, leaves: Iterator[Any]) -> Any:
    # A function of the module, not a closure calling itself: that would be a reference
    # cycle holding the leaves until the garbage collector runs (utils.checkpoint tells
    # which recorded nodes are gone by their weak references).
    if spec is None:
        return next(leaves)
    kind, keys, children = spec
    items = [_build(c, leaves) for c in children]
    if keys is not None:
        return kind(zip(keys, items))
    if hasattr(kind, "_fields"):  # a namedtuple takes its fields one by one
        return kind(*items)
    return kind(items)
