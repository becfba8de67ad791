"""``Tensor``: an n-dimensional array that records the ops made from it.

A tensor wraps one array (``data``).  When it ``requires_grad``, every op that
uses it records a node, and ``backward()`` walks those nodes in reverse to fill
``.grad`` of each leaf.  Methods mirror PyTorch's names and semantics; the math
lives in ``rosenblatt.ops`` and each method below only forwards to it.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from . import _backend
from ._backend import xp
from ._printing import format_array

_new = object.__new__
_ndarray = xp.ndarray


class Tensor:
    """An array with reverse-mode automatic differentiation.

    Args:
        data: the array to wrap (kept as is, no copy).
        requires_grad: record ops on this tensor so ``backward`` can fill ``.grad``.

    Create tensors with :func:`rosenblatt.tensor`, :func:`rosenblatt.zeros` and
    friends rather than with this constructor.

    Example:
        >>> import rosenblatt as rb
        >>> x = rb.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    # ``_view_of``, set only on a tensor made by indexing or detach(), read by ops.inplace: ``(x,
    # index)`` for x[index]; else the name of what made it share another tensor's memory.
    __slots__ = ("data", "_grad", "requires_grad", "_node", "_hooks", "_post_hooks", "_view_of", "__weakref__")
    # Comparisons return tensors, so identity decides dict and set membership, as in PyTorch.
    __hash__ = object.__hash__
    # Make NumPy defer to Tensor's reflected operators (array + tensor -> Tensor.__radd__).
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        self.data = data if isinstance(data, _ndarray) else as_array(data, "Tensor")
        self._grad: Tensor | None = None
        self._node = None
        self._hooks = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _wrap(array: Any) -> "Tensor":
        """A tensor around ``array`` outside any graph (no checks: the hot path)."""
        t = _new(Tensor)
        t.data = array
        t._grad = None
        t.requires_grad = False
        t._node = None
        t._hooks = None
        return t

    # ----------------------------------------------------------------- attributes
    @property
    def grad(self) -> "Tensor | None":
        """The gradient backward accumulated here (None until then); assigning one checks it
        as PyTorch does: a Tensor of this tensor's shape and dtype, or None."""
        try:
            return self._grad
        except AttributeError:  # an op's result: its _grad is never set until backward keeps one
            return None

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size {list(value.shape)} to a "
                                   f"tensor of size {list(self.shape)}; the gradient and the tensor "
                                   "must have the same size")
            if value.dtype != self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype {value.dtype} to a tensor "
                                   f"with dtype {self.dtype}; convert it first (grad.to({self.dtype}))")
        self._grad = value

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> Any:
        return self.data.dtype

    @property
    def device(self) -> "device":
        """``device(type='cpu')``: this release computes on the CPU only."""
        return CPU

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user made, False for results of recorded ops."""
        return self._node is None

    @property
    def grad_fn(self) -> Any:
        """The node that made this tensor, or None for a leaf."""
        return self._node

    @property
    def T(self) -> "Tensor":
        """The tensor with its dimensions reversed (``permute(n-1, ..., 0)``)."""
        return ops.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> "Tensor":
        """The last two dimensions swapped."""
        if self.data.ndim < 2:
            raise ValueError(f"tensor.mT is only supported on matrices or batches of matrices; got a "
                             f"{self.data.ndim}-D tensor (use .T or reshape it to (1, n) first)")
        return ops.transpose(self, -2, -1)

    @property
    def mH(self) -> "Tensor":
        """The conjugate transpose of the last two dimensions: ``mT`` for real tensors, the only
        kind in this release."""
        return self.mT

    def size(self, dim: int | None = None) -> Any:
        shape = self.data.shape
        if dim is None:
            return shape
        try:
            return shape[dim]
        except IndexError:
            raise IndexError(f"size(): dimension out of range (expected to be in range of "
                             f"[{-len(shape)}, {len(shape) - 1}], but got {dim})") from None

    def dim(self) -> int:
        return self.data.ndim

    def numel(self) -> int:
        return int(self.data.size)

    def element_size(self) -> int:
        return self.data.itemsize

    # PyTorch's other names and the size facts it offers as properties.
    nelement = numel
    ndimension = dim

    @property
    def itemsize(self) -> int:
        """The bytes one element takes (``element_size()``): 4 for float32."""
        return self.data.itemsize

    @property
    def nbytes(self) -> int:
        """The bytes the elements take, ``numel() * itemsize`` (a view's, not its base's)."""
        return self.data.size * self.data.itemsize

    @property
    def is_cpu(self) -> bool:
        """True: this release computes on the CPU only."""
        return True

    @property
    def is_cuda(self) -> bool:
        """False: this release computes on the CPU only."""
        return False

    def get_device(self) -> int:
        """The CUDA device index, -1 for a CPU tensor (every tensor in this release), as PyTorch."""
        return -1

    def is_signed(self) -> bool:
        """Whether the dtype holds negative numbers: floats and signed integers; not uint8, not bool."""
        return self.data.dtype.kind in "fic"

    def is_same_size(self, other: "Tensor") -> bool:
        """Whether ``other`` has this tensor's shape."""
        if not isinstance(other, Tensor):
            raise TypeError(f"is_same_size(): expected a Tensor, got {type(other).__name__}")
        return self.data.shape == other.data.shape

    def is_inference(self) -> bool:
        """False: rosenblatt's ``inference_mode`` is ``no_grad`` and makes no inference tensors
        (PyTorch's marks the tensors made inside it)."""
        return False

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    # ---------------------------------------------------------------- conversion
    def numpy(self) -> Any:
        """The underlying array, sharing memory (like ``Tensor.numpy()`` in PyTorch)."""
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on a tensor that requires grad. Use tensor.detach().numpy()."
            )
        return self.data

    def item(self) -> Any:
        if self.data.size != 1:
            raise ValueError(
                f"item(): only a tensor with one element can be converted to a Python "
                f"number, got shape {tuple(self.shape)}"
            )
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: bool | None = None) -> Any:
        """A DLPack capsule of this tensor's memory, for ``torch.from_dlpack(t)`` or
        ``numpy.from_dlpack(t)``: they share it.  A tensor that requires grad raises, as
        PyTorch's (``detach()`` it); a ``flip()`` view (negative strides, which torch can't
        import) is exported as a copy unless ``copy=False``."""
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return _strided.export(self.data, stream, max_version, dl_device, copy)

    def __dlpack_device__(self) -> tuple[int, int]:
        """``(1, 0)``: DLPack's CPU, device 0."""
        return (1, 0)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return self.data if dtype is None else self.data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"Boolean value of a tensor with {self.data.size} elements is ambiguous; "
                f"use .any() or .all()"
            )
        return bool(self.data.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iub" or self.data.size != 1:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self.data.item())

    def astype(self, dtype: Any) -> "Tensor":
        """This tensor in another dtype (differentiable between floating dtypes)."""
        return ops.to_dtype(self, dtype)

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(other)`` (its dtype); only
        the CPU is available as a device.  ``copy=True`` gives a new tensor even when nothing
        changes, as in PyTorch."""
        dtype = kwargs.get("dtype")
        check_device("to()", kwargs.get("device"))
        for a in args:
            if isinstance(a, (str, device)):
                check_device("to()", a)
            else:
                dtype = a
        if dtype is None or xp.dtype(getattr(dtype, "dtype", dtype)) == self.data.dtype:
            return ops.clone(self) if kwargs.get("copy") else self
        return ops.to_dtype(self, dtype)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator: Any = None) -> "Tensor":
        return sampling.multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, p: float | None = None, *, generator: Any = None) -> "Tensor":
        return sampling.bernoulli(self, p, generator=generator)

    def stride(self, dim: int | None = None) -> "tuple[int, ...] | int":
        """The step in elements between neighbours along each dim (a tuple), or along ``dim``.

        Read off the NumPy array (its byte strides over the item size), so it says how
        rosenblatt's data lies; for the views both libraries make (``transpose``,
        ``permute``, ``mT``, basic slicing, ``select``, ``narrow``, ``unfold``, ``view``,
        ``unsqueeze``, ``expand``: stride 0 on expanded dims) it equals PyTorch's.  Where
        the layouts differ it reports rosenblatt's own, not PyTorch's:

        * ``flip`` is a NumPy view with a negative stride (PyTorch copies);
        * ``diagonal`` and ``clone`` copy into a fresh row-major array (PyTorch's
          ``diagonal`` is a view, its ``clone`` keeps the input's strides);
        * a size-1 dim made by ``x[:, None]`` has stride 0 (PyTorch: the size times the
          stride of the next dim); a size-1 dim's stride never addresses an element;
        * an empty tensor may report 0 strides (NumPy's), not row-major ones.

        Args:
            dim (int, optional): the dim to report; negative counts from the end.

        Returns:
            A tuple of ints, one per dim, or an int when ``dim`` is given.

        Example:
            >>> import rosenblatt as rb
            >>> x = rb.zeros(2, 3, 4)
            >>> x.stride(), x.transpose(0, 2).stride(), x[:, ::2].stride(-2)
            ((12, 4, 1), (1, 4, 12), 8)
            >>> x[:, :1].expand(2, 5, 4).stride()
            (12, 0, 1)
        """
        data = self.data
        strides = tuple(s // data.itemsize for s in data.strides)
        if dim is None:
            return strides
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise TypeError(f"stride(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
        if data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if not -data.ndim <= dim < data.ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-data.ndim}, "
                             f"{data.ndim - 1}], but got {dim})")
        return strides[dim]

    def is_contiguous(self) -> bool:
        """Whether the elements lie in row-major order with no gaps (``contiguous()`` makes it so).

        As PyTorch's: size-1 dims and empty tensors don't count against it; an expanded
        (stride-0) or transposed view is not contiguous.

        Example:
            >>> import rosenblatt as rb
            >>> x = rb.zeros(2, 3)
            >>> x.is_contiguous(), x.t().is_contiguous(), x.t().contiguous().is_contiguous()
            (True, False, True)
        """
        return bool(self.data.flags.c_contiguous)

    # ------------------------------------------------------------ memory layout
    def storage_offset(self) -> int:
        """Where the first element lies in the memory this tensor views, in elements.

        The memory is the NumPy array that owns it (the end of the data's chain of ``.base``),
        PyTorch's storage: element ``[i, j, ...]`` lies ``storage_offset() + i * stride(0) +
        j * stride(1) + ...`` elements into it.  As ``stride()``, it says how rosenblatt's
        data lies, and equals PyTorch's for the views both libraries make; where they differ:

        * a ``flip`` view starts at the input's last element (PyTorch's flip copies: 0);
        * ``diagonal`` copies here (0; PyTorch's view starts at the first diagonal element);
        * ``from_numpy``/``from_dlpack`` of a slice count from the sliced array's start
          (PyTorch's storage starts at the slice).

        Example:
            >>> import rosenblatt as rb
            >>> x = rb.zeros(3, 4)
            >>> x[1:, 2:].storage_offset(), x.t()[1].storage_offset(), x[2].flip(0).storage_offset()
            (6, 1, 11)
        """
        return _strided.storage_offset(self.data)

    def data_ptr(self) -> int:
        """The address of the first element; 0 for a tensor of no elements, as PyTorch's."""
        return _strided.address(self.data) if self.data.size else 0

    def dim_order(self, *, ambiguity_check: bool = False) -> tuple[int, ...]:
        """The dims from outermost to innermost in memory (PyTorch's ``dim_order``, on this
        tensor's ``stride()``); ``ambiguity_check=True`` raises when ties (size-1 dims, equal
        strides) leave more than one order.

        Example:
            >>> import rosenblatt as rb
            >>> rb.zeros(2, 3, 4).permute(2, 0, 1).dim_order()
            (1, 2, 0)
        """
        return _strided.dim_order(self, ambiguity_check)

    def as_strided(self, size: Any, stride: Any, storage_offset: int | None = None) -> "Tensor":
        """``rosenblatt.as_strided(self, size, stride, storage_offset)``: a view of this tensor's
        storage with any sizes and strides."""
        return _strided.as_strided(self, size, stride, storage_offset)

    def resize_(self, *sizes: Any) -> "Tensor":
        """This tensor made a row-major tensor of ``sizes`` in place, as PyTorch's ``resize_``.

        Shrinking (or any size the storage holds from the first element on) views the same
        memory, its first elements in storage order; growing past the storage moves the
        tensor to new memory, the old elements first and the rest uninitialised (PyTorch
        grows its storage in place, so other views of it see the new elements; NumPy can't,
        and here they keep the old memory).  A tensor that requires grad raises.

        Example:
            >>> import rosenblatt as rb
            >>> x = rb.arange(6.0)
            >>> x.resize_(2, 2)
            tensor([[0., 1.],
                    [2., 3.]])
        """
        return _strided.resize_(self, size_arg(sizes, "resize_()"))

    def resize_as_(self, tensor: "Tensor") -> "Tensor":
        """``resize_(tensor.shape)``."""
        if not isinstance(tensor, Tensor):
            raise TypeError(f"resize_as_(): argument 'the_template' must be Tensor, not {type(tensor).__name__}")
        return _strided.resize_(self, tensor.shape)

    def new_empty_strided(self, size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                          requires_grad: bool = False, layout: Any = None, pin_memory: bool = False) -> "Tensor":
        """``rosenblatt.empty_strided(size, stride)`` of this tensor's dtype unless given another."""
        return _strided.empty_strided(size, stride, dtype=dtype or self.dtype, device=device, layout=layout,
                                      requires_grad=requires_grad, pin_memory=pin_memory)

    def apply_(self, callable: Callable[[Any], Any]) -> "Tensor":
        """Each element replaced by ``callable(element)`` (a Python number in, one out), in
        row-major order, in place: slow, for small tensors and tests, as PyTorch's.

        Example:
            >>> import rosenblatt as rb
            >>> rb.tensor([1.0, 2.0]).apply_(lambda v: v * 10 + 1)
            tensor([11., 21.])
        """
        return _strided.apply_(self, callable)

    def map_(self, tensor: "Tensor", callable: Callable[[Any, Any], Any]) -> "Tensor":
        """Each element replaced by ``callable(element, other)``, ``other`` the element of
        ``tensor`` (of this dtype, broadcast to this shape) at the same index, in place.

        Example:
            >>> import rosenblatt as rb
            >>> rb.tensor([1.0, 2.0]).map_(rb.tensor([3.0, 4.0]), lambda a, b: a * b)
            tensor([3., 8.])
        """
        return _strided.map_(self, tensor, callable)

    # PyTorch's facts about kinds of tensor this release never makes: strided, dense, real,
    # unpinned CPU memory (is_sparse, is_quantized, ...: installed after the class, all False).
    @property
    def layout(self) -> Any:
        """``rosenblatt.strided``: sizes and strides over one block of memory, the only layout."""
        return _strided.strided

    def is_pinned(self) -> bool:
        """False: pinned memory needs a GPU."""
        return False

    def is_shared(self) -> bool:
        """False: no tensor lives in shared memory (PyTorch's ``share_memory_``) in this release."""
        return False

    def is_conj(self) -> bool:
        """False: real tensors, the only kind in this release, carry no lazy conjugation."""
        return False

    def is_neg(self) -> bool:
        """False: no tensor carries PyTorch's lazy negation bit."""
        return False

    def resolve_conj(self) -> "Tensor":
        """This tensor itself (nothing to materialise: ``is_conj()`` is False), as PyTorch's."""
        return self

    def resolve_neg(self) -> "Tensor":
        """This tensor itself (nothing to materialise: ``is_neg()`` is False), as PyTorch's."""
        return self

    def conj(self) -> "Tensor":
        """This tensor itself: the conjugate of a real tensor, as PyTorch's ``conj`` returns it."""
        return self

    @property
    def output_nr(self) -> int:
        """Which output of the op that made it this tensor is: 0 but for the outputs of a custom
        ``autograd.Function`` with several (each other op's outputs have their own nodes here,
        so ``x.split(2)[1].output_nr`` is 0, PyTorch's 1)."""
        node = self._node
        if node is None:
            return 0
        index = getattr(node, "_index", None)
        return getattr(node, "_sole", 0) if index is None else index

    # ``new_*``: a new tensor with this one's dtype unless given another, as PyTorch's.
    def new_tensor(self, data: Any, dtype: Any = None, *, device: Any = None,
                   requires_grad: bool = False) -> "Tensor":
        return creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return creation.zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return creation.ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return creation.empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad,
                             device=device)

    def type(self, dtype: Any) -> "Tensor":
        return ops.to_dtype(self, dtype)

    def float(self) -> "Tensor":
        return ops.to_dtype(self, xp.float32)

    def double(self) -> "Tensor":
        return ops.to_dtype(self, xp.float64)

    def half(self) -> "Tensor":
        return ops.to_dtype(self, xp.float16)

    def long(self) -> "Tensor":
        return ops.to_dtype(self, xp.int64)

    def int(self) -> "Tensor":
        return ops.to_dtype(self, xp.int32)

    def short(self) -> "Tensor":
        return ops.to_dtype(self, xp.int16)

    def char(self) -> "Tensor":
        return ops.to_dtype(self, xp.int8)

    def byte(self) -> "Tensor":
        return ops.to_dtype(self, xp.uint8)

    def bool(self) -> "Tensor":
        return ops.to_dtype(self, xp.bool_)

    def is_floating_point(self) -> bool:
        return self.data.dtype.kind == "f"

    def is_complex(self) -> bool:
        """False: this release has no complex tensors."""
        return False

    def is_nonzero(self) -> bool:
        """Whether the one entry is not 0 (more or no entries raise, as PyTorch's)."""
        if self.data.size != 1:
            raise RuntimeError(f"is_nonzero(): expected a tensor of one element, got shape {list(self.shape)}")
        return self.data.item() != 0

    def cpu(self) -> "Tensor":
        return self

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Compute the gradient of this tensor w.r.t. every leaf that requires grad.

        Args:
            gradient: the gradient of the final scalar w.r.t. this tensor; may be
                omitted only when this tensor has a single element.
            retain_graph: keep the saved arrays so backward can run through the
                graph again (default False).
            create_graph: not supported (gradients of gradients); True raises.
            inputs: a tensor, a sequence of them or a dict (its values): accumulate into
                the ``.grad`` of these only (leaves or not; a non-leaf is made to
                ``retain_grad()``, as in PyTorch), every other ``.grad`` untouched.
                Default: every leaf.

        Example:
            >>> import rosenblatt as rb
            >>> x = rb.tensor([1.0, 2.0], requires_grad=True)
            >>> w = rb.tensor([3.0, 4.0], requires_grad=True)
            >>> (w * x).sum().backward(inputs=[w])
            >>> w.grad, x.grad
            (tensor([1., 2.]), None)
        """
        _no_graph_of_gradients(create_graph, "backward()")
        if inputs is None:
            run_backward([(self, self._root_gradient(gradient, "backward()"))], bool(retain_graph))
        else:
            _backward_into(inputs, lambda: [(self, self._root_gradient(gradient, "backward()"))],
                          bool(retain_graph), "backward()")

    def _root_gradient(self, gradient: Any, op: str) -> Any:
        """The array a backward pass from this tensor starts with: ``gradient`` checked against
        this tensor (ones for a one-element tensor when None); ``op`` names the caller in errors."""
        if not self.requires_grad:
            raise RuntimeError(
                f"{op}: this tensor does not require grad and has no grad_fn. Create the "
                "inputs with requires_grad=True, and don't compute it under no_grad()."
            )
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"{op}: grad can be implicitly created only for scalar outputs, "
                    f"got shape {tuple(self.shape)}; pass a gradient of that shape or "
                    f"reduce first (e.g. loss.sum().backward())"
                )
            return xp.ones(self.data.shape, dtype=self.data.dtype)
        grad = as_array(gradient, op)
        if grad.shape != self.data.shape:
            raise ValueError(f"{op}: gradient has shape {tuple(grad.shape)} but the tensor has "
                             f"shape {tuple(self.shape)}")
        return grad if grad.dtype == self.data.dtype else grad.astype(self.data.dtype)

    def detach(self) -> "Tensor":
        """A tensor sharing this one's data, cut from the graph."""
        t = Tensor._wrap(self.data)
        t._view_of = "detach()"
        return t

    def detach_(self) -> "Tensor":
        self._node = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if self._node is not None and not requires_grad:
            raise RuntimeError(
                "requires_grad_(False) is only valid on leaf tensors; use detach() for a "
                "non-leaf tensor"
            )
        if requires_grad and self.data.dtype.kind not in "fc":
            raise RuntimeError(
                f"only tensors of floating point dtype can require gradients, got "
                f"{self.data.dtype}"
            )
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (its gradient after every
        hook, whenever the hooks were registered, as in PyTorch)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad(): the tensor does not require grad, so it gets no "
                               "gradient to keep; compute it from inputs with requires_grad=True")
        if self._node is not None and not self.retains_grad:
            self.register_hook(RetainGrad(self))

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called on this non-leaf tensor, so backward keeps its
        ``.grad`` (False for a leaf, which keeps it anyway, as in PyTorch)."""
        node = self._node
        return node is not None and any(isinstance(h, RetainGrad) for h in node_hooks(node) or ())

    def register_post_accumulate_grad_hook(self, hook: Callable[["Tensor"], None]) -> Any:
        """Call ``hook(tensor)`` each time backward has added this leaf's gradient to its ``.grad``.

        The hook returns None; it may read or change ``tensor.grad`` in place (an optimizer
        step per parameter during backward, PyTorch's pattern for it).  ``autograd.grad``
        adds to no ``.grad`` and runs none.  Returns a handle whose ``remove()`` unregisters it.

        Example:
            >>> import rosenblatt as rb
            >>> w = rb.tensor([1.0, 2.0], requires_grad=True)
            >>> def halve(t):
            ...     t.grad.mul_(0.5)
            >>> handle = w.register_post_accumulate_grad_hook(halve)
            >>> (w * 4).sum().backward()
            >>> w.grad
            tensor([2., 2.])
        """
        if self._node is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self.requires_grad:
            raise RuntimeError("register_post_accumulate_grad_hook(): cannot register a hook on a tensor "
                               "that doesn't require gradient")
        hooks = getattr(self, "_post_hooks", None)  # unset until the first
        if hooks is None:
            hooks = self._post_hooks = []
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a tensor to use in place of the gradient.  Returns a
        handle whose ``remove()`` unregisters the hook.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook(): cannot register a hook on a tensor that "
                               "doesn't require gradient")
        if self._node is not None:
            hooks = node_hooks(self._node)
            if hooks is None:
                hooks = self._node._hooks = []
                _state.node_hooks = True
        else:
            hooks = getattr(self, "_hooks", None)  # unset on an op's result made a leaf
            if hooks is None:
                hooks = self._hooks = []
        # Before the retain_grad hook, which keeps the gradient the other hooks leave.
        kept_at = next((i for i, h in enumerate(hooks) if isinstance(h, RetainGrad)), len(hooks))
        hooks.insert(kept_at, hook)
        return _HookHandle(hooks, hook)

    # ------------------------------------------------------------------- display
    def __repr__(self) -> str:
        body = format_array(self.data, "tensor(")  # under rosenblatt.set_printoptions
        extras = []
        if self.data.dtype not in (_backend.default_float, xp.int64, xp.bool_):  # as torch: the defaults unsaid
            extras.append(f"dtype={self.data.dtype}")
        if self.data.size == 0:
            extras.append(f"size={tuple(self.shape)}")
        if self._node is not None:
            extras.append(f"grad_fn={self._node!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    def __format__(self, spec: str) -> str:
        # A 0-d tensor formats as its number (f"{loss:.4f}"), as in PyTorch.
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        return object.__format__(self, spec)

    def __iter__(self) -> Iterator["Tensor"]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    # --------------------------------------------------------------- arithmetic
    def __radd__(self, other: Any) -> "Tensor":
        return _add(other, self)

    def __rsub__(self, other: Any) -> "Tensor":
        return _sub(other, self)

    def __rmul__(self, other: Any) -> "Tensor":
        return _mul(other, self)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return _div(other, self)

    def __floordiv__(self, other: Any) -> "Tensor":
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> "Tensor":
        return ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> "Tensor":
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return ops.remainder(other, self)

    def __pow__(self, other: Any) -> "Tensor":
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return ops.matmul(other, self)

    def __pos__(self) -> "Tensor":
        return self

    def __abs__(self) -> "Tensor":
        return ops.abs(self)

    # Bitwise on integers, logical on bools, as PyTorch's operators.
    def __invert__(self) -> "Tensor":
        return bitwise_not(self)

    def __and__(self, other: Any) -> "Tensor":
        return bitwise_and(self, other)

    def __rand__(self, other: Any) -> "Tensor":
        return bitwise_and(other, self)

    def __or__(self, other: Any) -> "Tensor":
        return bitwise_or(self, other)

    def __ror__(self, other: Any) -> "Tensor":
        return bitwise_or(other, self)

    def __xor__(self, other: Any) -> "Tensor":
        return bitwise_xor(self, other)

    def __rxor__(self, other: Any) -> "Tensor":
        return bitwise_xor(other, self)

    # Against None or a string, Python's identity comparison answers (t == None is False), as in
    # PyTorch: code such as ``if mask == None`` or ``t in (None, "auto")`` must not raise.
    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return NotImplemented if other is None or isinstance(other, str) else ops.eq(self, other)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return NotImplemented if other is None or isinstance(other, str) else ops.ne(self, other)

    def __lt__(self, other: Any) -> "Tensor":
        return ops.lt(self, other)

    def __le__(self, other: Any) -> "Tensor":
        return ops.le(self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return ops.gt(self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return ops.ge(self, other)

    # In-place operators update this tensor's memory (PyTorch semantics, so
    # ``w -= lr * w.grad`` under no_grad() updates the parameter itself).
    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def __ifloordiv__(self, other: Any) -> "Tensor":
        return ops.inplace(self, ops.floor_divide, other)

    def __imod__(self, other: Any) -> "Tensor":
        return ops.inplace(self, ops.remainder, other)

    def __ipow__(self, other: Any) -> "Tensor":
        return self.pow_(other)

    def __getitem__(self, index: Any) -> "Tensor":
        return ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.setitem_(self, index, value)

    # ------------------------------------------------------------------ in-place
    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return ops.inplace(self, ops.add, other, alpha=alpha)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return ops.inplace(self, ops.sub, other, alpha=alpha)

    def mul_(self, other: Any) -> "Tensor":
        return ops.inplace(self, ops.mul, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> "Tensor":
        return ops.inplace(self, ops.div, other, rounding_mode=rounding_mode)

    def pow_(self, exponent: Any) -> "Tensor":
        return ops.inplace(self, ops.pow, exponent)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.inplace(self, ops.clamp, min=min, max=max)

    def clamp_min_(self, min: Any) -> "Tensor":
        return ops.inplace(self, ops.clamp_min, min)

    def clamp_max_(self, max: Any) -> "Tensor":
        return ops.inplace(self, ops.clamp_max, max)

    def copy_(self, src: Any) -> "Tensor":
        return ops.inplace(self, ops.copy_from, src)

    def fill_(self, value: Any) -> "Tensor":
        return ops.inplace(self, ops.full_like_of, value)

    def zero_(self) -> "Tensor":
        return ops.inplace(self, ops.full_like_of, 0)

    def addcmul_(self, t1: Any, t2: Any, value: Any = 1) -> "Tensor":
        return self.add_(ops.mul(t1, t2), alpha=value)

    def addcdiv_(self, t1: Any, t2: Any, value: Any = 1) -> "Tensor":
        return self.add_(ops.div(t1, t2), alpha=value)

    def lerp_(self, end: Any, weight: Any) -> "Tensor":
        return ops.inplace(self, ops.lerp, end, weight)

    def masked_fill_(self, mask: Any, value: Any) -> "Tensor":
        return ops.inplace(self, ops.masked_fill, mask, value)


class _HookHandle:
    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


from .autograd.function import as_array  # noqa: E402
from .autograd.engine import RetainGrad, node_hooks, run_backward  # noqa: E402
from .autograd.grad_mode import _state  # noqa: E402
from .autograd.passes import _no_graph_of_gradients, _backward_into  # noqa: E402
from . import creation, ops, sampling  # noqa: E402
from ._device import CPU, check_device, device  # noqa: E402
from . import _strided  # noqa: E402
from .ops._dims import size_arg  # noqa: E402
from .ops.arithmetic import Add, Div, Mul, Neg, Sub  # noqa: E402
from .ops.comparison import bitwise_and, bitwise_not, bitwise_or, bitwise_xor  # noqa: E402
ops.install_methods(Tensor)
# The operators are the ops' apply functions themselves (no wrapper call per op); the
# reflected ones, methods above, swap the arguments.
_add, _sub, _mul, _div = Add.apply, Sub.apply, Mul.apply, Div.apply
Tensor.__add__, Tensor.__sub__, Tensor.__mul__, Tensor.__truediv__ = _add, _sub, _mul, _div
Tensor.__neg__ = Neg.apply


def _method_loaded_on_first_call(module: str, name: str) -> Callable:
    """``Tensor.<name>`` calling ``rosenblatt.<module>.<name>(self, ...)`` (``x.det()``, ``x.igamma(a)``):
    the module loads on the method's first call, not with the tensor."""
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        import importlib
        return getattr(importlib.import_module(f"rosenblatt.{module}"), name)(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


for _name in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mkldnn", "is_nested"):
    setattr(Tensor, _name, property(lambda self: False, doc="False: a dense, strided CPU tensor."))

# PyTorch's top-level linear algebra as methods, and the incomplete gamma functions
for _name in ("cholesky", "det", "inverse", "logdet", "lu", "lu_solve", "matrix_exp", "matrix_power", "pinverse",
              "qr", "slogdet", "svd", "cholesky_solve", "cholesky_inverse", "triangular_solve"):
    setattr(Tensor, _name, _method_loaded_on_first_call("linalg._torch_names", _name))
for _name in ("igamma", "igammac", "igamma_", "igammac_"):
    setattr(Tensor, _name, _method_loaded_on_first_call("_igamma", _name))
