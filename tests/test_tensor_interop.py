"""Tensor interop and metadata against PyTorch: DLPack both ways, storage offsets and data
pointers, the layout flags, ``as_strided`` (forward and gradient), ``empty_strided``,
``resize_``, ``apply_`` and ``map_``."""
import pickle

import numpy as np
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op
from rosenblatt._strided import as_strided, empty_strided, strided
from rosenblatt.utils.dlpack import from_dlpack, to_dlpack


def _pair(shape=(3, 4), dtype="float32"):
    values = np.arange(int(np.prod(shape))).reshape(shape).astype(dtype)
    return rb.tensor(values.copy()), torch.from_numpy(values.copy())


# ------------------------------------------------------------- storage offsets
VIEWS = {
    "slice": lambda a: a[1:, 2:], "step": lambda a: a[:, 1::2], "t": lambda a: a.t(), "T": lambda a: a.T,
    "select": lambda a: a[2], "select_of_t": lambda a: a.t()[1], "narrow": lambda a: a.narrow(1, 1, 2),
    "unfold": lambda a: a.unfold(1, 2, 1), "expand": lambda a: a[1:2].expand(3, 4),
    "view": lambda a: a[1].view(2, 2), "split": lambda a: a.split(1)[2], "unbind": lambda a: a.unbind(1)[3],
    "chunk": lambda a: a.chunk(2, 1)[1], "unsqueeze": lambda a: a[1:].unsqueeze(0),
    "permute": lambda a: a.permute(1, 0)[1:], "mT": lambda a: a.mT[2:], "clone": lambda a: a[1:].clone(),
    "contiguous": lambda a: a.t().contiguous(),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_storage_offset_stride_and_data_ptr_match_torch_for_views(name):
    x, tx = _pair()
    view, tview = VIEWS[name](x), VIEWS[name](tx)
    assert view.storage_offset() == tview.storage_offset()
    assert view.stride() == tview.stride()
    if name not in ("clone", "contiguous"):  # the same memory: the same distance from the base's start
        assert view.data_ptr() - x.data_ptr() == tview.data_ptr() - tx.data_ptr()
    # Consistent with stride(): element [i, j, ...] lies at offset + sum(index * stride).
    whole = x.data.reshape(-1)
    if view.numel() and name not in ("clone", "contiguous"):
        last = tuple(n - 1 for n in view.shape)
        position = view.storage_offset() + sum(i * s for i, s in zip(last, view.stride()))
        assert view.data[last] == whole[position]


def test_storage_offset_where_the_layouts_differ():
    """flip is a negative-stride view (PyTorch copies); diagonal copies (PyTorch views)."""
    x, tx = _pair()
    flipped = x[2].flip(0)
    assert (flipped.storage_offset(), flipped.stride()) == (11, (-1,))
    assert (tx[2].flip(0).storage_offset(), tx[2].flip(0).stride()) == (0, (1,))
    assert (x.diagonal().storage_offset(), x.diagonal().stride()) == (0, (1,))
    assert (tx.diagonal().storage_offset(), tx.diagonal().stride()) == (0, (5,))
    # A tensor over a slice of a NumPy array counts from the array's start (PyTorch from the slice's).
    array = np.arange(5.0)
    assert rb.from_numpy(array[2:]).storage_offset() == 2
    assert torch.from_numpy(array[2:]).storage_offset() == 0


def test_data_ptr_is_the_first_element_address():
    x = rb.arange(6.0)
    assert x.data_ptr() == x.data.ctypes.data
    assert x[2:].data_ptr() - x.data_ptr() == 2 * x.element_size()
    assert rb.empty(0).data_ptr() == 0 == torch.empty(0).data_ptr()
    assert x[6:].data_ptr() == 0 == torch.arange(6.0)[6:].data_ptr()
    assert torch.from_dlpack(x).data_ptr() == x.data_ptr()


# ------------------------------------------------------------------ metadata
def test_layout_flags_and_conjugation_match_torch():
    x, tx = _pair()
    assert repr(x.layout) == "rosenblatt.strided" == repr(strided) and repr(tx.layout) == "torch.strided"
    assert x.layout is strided and pickle.loads(pickle.dumps(strided)) is strided
    for name in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mkldnn", "is_nested"):
        assert getattr(x, name) is getattr(tx, name) is False, name
    for name in ("is_pinned", "is_shared", "is_conj", "is_neg"):
        assert getattr(x, name)() is getattr(tx, name)() is False, name
    for name in ("resolve_conj", "resolve_neg", "conj"):
        assert getattr(x, name)() is x and getattr(tx, name)() is tx, name
    assert x.element_size() == tx.element_size() == 4
    assert rb.zeros(2, dtype=rb.float16).element_size() == torch.zeros(2, dtype=torch.float16).element_size()


def test_output_nr_matches_torch():
    class RbTwo(rb.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, a, b):
            return a * 2 + b * 3

    class TorchTwo(torch.autograd.Function):
        forward, backward = RbTwo.forward, RbTwo.backward

    x, tx = rb.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    assert [o.output_nr for o in RbTwo.apply(x)] == [o.output_nr for o in TorchTwo.apply(tx)] == [0, 1]
    assert x.output_nr == tx.output_nr == 0 and (x * 2).output_nr == (tx * 2).output_nr == 0


DIM_ORDER_CASES = {
    "contiguous": lambda a: a, "transposed": lambda a: a.transpose(0, 2),
    "permuted": lambda a: a.permute(2, 0, 1), "sliced": lambda a: a[:, ::2],
    "channels_last": lambda a: a.reshape(1, 2, 3, 4).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
    "singleton": lambda a: a[:1], "expanded": lambda a: a[:, :1].expand(2, 3, 4), "1d": lambda a: a[0, 0],
    "0d": lambda a: a[0, 0, 0],
}


@pytest.mark.parametrize("name", sorted(DIM_ORDER_CASES))
def test_dim_order_matches_torch(name):
    x, tx = _pair((2, 3, 4))
    view, tview = DIM_ORDER_CASES[name](x), DIM_ORDER_CASES[name](tx)
    assert view.dim_order() == tview.dim_order()
    try:
        expected = tview.dim_order(ambiguity_check=True)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="unique dim order"):
            view.dim_order(ambiguity_check=True)
    else:
        assert view.dim_order(ambiguity_check=True) == expected


def test_dim_order_rejects_memory_format_lists():
    with pytest.raises(TypeError, match="bool"):
        rb.zeros(2, 3).dim_order(ambiguity_check=["channels_last"])


# --------------------------------------------------------------------- DLPack
DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dlpack_shares_memory_with_torch_both_ways(dtype):
    values = np.arange(6).reshape(2, 3) % 2 if dtype == "bool" else np.arange(6).reshape(2, 3)
    source = torch.from_numpy(values.astype(dtype))
    t = from_dlpack(source)
    assert t.dtype == np.dtype(dtype) and t.shape == (2, 3) and t.data_ptr() == source.data_ptr()
    t[0, 0] = 1
    assert source[0, 0].item() == 1
    source[1, 2] = 0
    assert t[1, 2].item() == 0
    back = torch.from_dlpack(t)
    assert back.dtype == source.dtype and back.data_ptr() == t.data_ptr()
    back[0, 1] = 1
    assert t[0, 1].item() == 1


def test_dlpack_shares_memory_with_numpy_both_ways():
    array = np.zeros((2, 3), dtype=np.float32)
    t = from_dlpack(array)
    array[0, 1] = 4.0
    assert t[0, 1].item() == 4.0
    out = np.from_dlpack(t)
    out[1, 2] = 5.0
    assert t[1, 2].item() == 5.0 and array[1, 2] == 5.0


def test_dlpack_keeps_views_strides_and_offsets():
    x = rb.arange(12.0).reshape(3, 4)
    for view in (x.t(), x[1:, ::2], x[2], x[1:2].expand(3, 4), x[0, 0]):
        shared = torch.from_dlpack(view)
        assert shared.stride() == view.stride() and shared.data_ptr() == view.data_ptr()
        assert_close(view, shared)
    torch.from_dlpack(x.t())[3, 0] = -1.0  # element (0, 3) of x
    assert x[0, 3].item() == -1.0
    t = from_dlpack(torch.arange(12.0).view(3, 4).t()[1:])
    assert t.stride() == (1, 4) and t.storage_offset() == 0  # the export starts at the view's first element


def test_dlpack_exports_a_flip_view_as_a_copy():
    """torch's importer aborts on NumPy's negative strides, so a flip() view goes out copied."""
    x = rb.arange(4.0)
    assert torch.from_dlpack(x.flip(0)).tolist() == [3.0, 2.0, 1.0, 0.0]
    with pytest.raises(BufferError, match="negative strides"):
        x.flip(0).__dlpack__(copy=False)


def test_dlpack_refuses_a_tensor_that_requires_grad_as_torch():
    x, tx = rb.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    for consumer in (torch.from_dlpack, np.from_dlpack):
        with pytest.raises(BufferError, match="require gradient") as ours:
            consumer(x)
        with pytest.raises(BufferError) as theirs:
            consumer(tx)
        assert str(ours.value) == str(theirs.value)
    assert torch.from_dlpack(x.detach()).tolist() == [1.0, 1.0]
    assert x.__dlpack_device__() == tx.__dlpack_device__() == (1, 0)


def test_from_dlpack_copy_argument():
    source = torch.zeros(3)
    copied = from_dlpack(source, copy=True)
    copied[0] = 1.0
    assert source[0].item() == 0.0
    shared = from_dlpack(source, copy=None)
    shared[1] = 2.0
    assert source[1].item() == 2.0


def test_to_dlpack_capsules_round_trip_with_torch():
    x = rb.arange(3.0)
    shared = torch.utils.dlpack.from_dlpack(to_dlpack(x))
    shared[0] = 9.0
    assert x[0].item() == 9.0
    assert "dltensor" in repr(to_dlpack(x)) and "dltensor" in repr(torch.utils.dlpack.to_dlpack(torch.ones(1)))
    # torch's to_dlpack exports a tensor that requires grad (only __dlpack__ refuses): so does ours
    assert torch.utils.dlpack.from_dlpack(to_dlpack(rb.ones(2, requires_grad=True))).tolist() == [1.0, 1.0]
    source = torch.arange(3)
    capsule = torch.utils.dlpack.to_dlpack(source)
    t = from_dlpack(capsule)
    t[2] = 7
    assert source[2].item() == 7
    with pytest.raises(RuntimeError, match="consumed only once"):
        from_dlpack(capsule)
    with pytest.raises(RuntimeError, match="consumed only once"):
        torch.from_dlpack(capsule)


def test_from_dlpack_errors():
    with pytest.raises(RuntimeError, match="bfloat16.*convert it first"):
        from_dlpack(torch.ones(2, dtype=torch.bfloat16))

    class OnCuda:
        def __dlpack_device__(self):
            return (2, 0)

        def __dlpack__(self, **kwargs):
            raise AssertionError("not to be called")

    with pytest.raises(RuntimeError, match="cuda:0.*CPU only"):
        from_dlpack(OnCuda())
    with pytest.raises(TypeError, match="__dlpack__"):
        from_dlpack([1.0, 2.0])
    with pytest.raises(ValueError, match="CPU only"):  # rosenblatt's error for any device but the CPU
        from_dlpack(torch.ones(1), device="cuda")


# ----------------------------------------------------------------- as_strided
AS_STRIDED_CASES = [
    ((6,), lambda x: x.as_strided((2, 3), (1, 2))),                 # overlapping windows
    ((6,), lambda x: x.as_strided((3, 3), (1, 1))),                 # heavy overlap
    ((3, 4), lambda x: x.as_strided((2, 2), (4, 1), 5)),
    ((3, 4), lambda x: x.as_strided((4, 3), (1, 4))),               # the transpose
    ((3, 4), lambda x: x[1:].as_strided((2,), (1,))),               # the view's own offset
    ((3, 4), lambda x: x.t().as_strided((2, 2), (1, 3))),
    ((3, 4), lambda x: x.as_strided((3,), (0,), 2)),                # stride 0
    ((3, 4), lambda x: x.as_strided((0, 5), (100, 1), 50)),         # empty: no bounds to check
    ((4,), lambda x: x.expand(2, 4).as_strided((2, 2), (1, 2))),    # an overlapping input
    ((2, 3), lambda x: x.as_strided((), (), 4)),
]


@pytest.mark.parametrize("shape, fn", AS_STRIDED_CASES)
def test_as_strided_forward_and_gradient_match_torch(shape, fn):
    check_op([shape], fn)


def test_as_strided_reading_outside_the_input_matches_torch():
    """Output elements the input doesn't cover (x[1:] viewing storage 0 and 1) get no gradient, in
    PyTorch too, so the numerical check, which sees them move, is left out."""
    check_op([(3, 4)], lambda x: x[1:].as_strided((2,), (1,), 0), gradcheck=False)


def test_as_strided_function_form_and_offsets_match_torch():
    x, tx = _pair()
    y, ty = as_strided(x, (2, 2), (1, 4), 3), torch.as_strided(tx, (2, 2), (1, 4), 3)
    assert_close(y, ty)
    assert y.storage_offset() == ty.storage_offset() == 3 and y.stride() == ty.stride()
    assert x[1:].as_strided((2,), (1,)).storage_offset() == tx[1:].as_strided((2,), (1,)).storage_offset() == 4


def test_as_strided_shares_memory():
    x = rb.arange(6.0)
    y = x.as_strided((2, 2), (1, 2), 1)
    y[0, 1] = -5.0  # storage element 3
    assert x[3].item() == -5.0
    with rb.no_grad():
        y.mul_(10.0)
    assert x.tolist() == [0.0, 10.0, 20.0, -50.0, 40.0, 5.0]


def test_as_strided_view_in_place_in_the_graph_raises():
    """PyTorch writes the input through an as_strided view; rosenblatt refuses rather than
    give a wrong gradient."""
    x = rb.ones(4, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="as_strided"):
        x.as_strided((2,), (1,)).add_(1.0)


@pytest.mark.parametrize("args, error, match", [
    (((5,), (3,)), RuntimeError, "out of bounds"),
    (((2,), (1,), 11), RuntimeError, "out of bounds"),
    (((2,), (-1,), 5), RuntimeError, "Negative strides"),
    (((2,), (1,), -1), RuntimeError, "invalid storage offset"),
    (((2, 3), (1,)), RuntimeError, "mismatch in length"),
    ((2, 1), TypeError, "tuple of ints"),
    (((2.0,), (1,)), TypeError, "tuples? of ints"),
])
def test_as_strided_errors_as_torch(args, error, match):
    x, tx = _pair()
    with pytest.raises(error, match=match):
        x.as_strided(*args)
    with pytest.raises(error):
        tx.as_strided(*args)


def test_empty_strided_and_new_empty_strided_match_torch():
    e, te = empty_strided((2, 3), (1, 2)), torch.empty_strided((2, 3), (1, 2))
    assert e.shape == tuple(te.shape) and e.stride() == te.stride() and e.storage_offset() == te.storage_offset() == 0
    assert e.dtype == rb.float32 and not e.requires_grad
    e.as_strided((6,), (1,), 0)  # the storage holds what the strides reach, as torch's: 6 elements
    te.as_strided((6,), (1,), 0)
    with pytest.raises(RuntimeError, match="out of bounds"):
        e.as_strided((7,), (1,), 0)
    with pytest.raises(RuntimeError):
        te.as_strided((7,), (1,), 0)
    assert empty_strided((0, 3), (1, 2)).shape == (0, 3)
    g = empty_strided((2,), (1,), dtype=rb.float64, requires_grad=True)
    assert g.dtype == rb.float64 and g.requires_grad and g.is_leaf
    n = rb.zeros(1, dtype=rb.float64).new_empty_strided((2, 3), (3, 1))
    assert n.dtype == rb.float64 and n.stride() == (3, 1)
    with pytest.raises(RuntimeError, match="Negative strides"):
        empty_strided((2, 3), (-1, 2))
    with pytest.raises(RuntimeError, match="layout"):
        empty_strided((2,), (1,), layout="sparse")


# ------------------------------------------------------------------- resize_
def test_resize_shrinking_keeps_the_first_elements_in_the_same_memory():
    x, tx = _pair((6,))
    assert_close(x.resize_(2, 2), tx.resize_(2, 2))
    assert x.stride() == tx.stride() == (2, 1)
    x[1, 1] = -1.0  # still the storage of the original
    assert x.as_strided((6,), (1,), 0)[3].item() == -1.0
    # A transposed tensor resized to a new shape reads its storage in order, as torch's.
    y, ty = _pair((2, 3))
    assert_close(y.t().resize_(2, 2), ty.t().resize_(2, 2))
    # The same shape changes nothing, strides included.
    z, tz = _pair((2, 3))
    assert z.t().resize_(3, 2).stride() == tz.t().resize_(3, 2).stride() == (1, 3)


def test_resize_within_the_storage_shows_the_base_elements():
    base, tbase = _pair((6,))
    v, tv = base[:2], tbase[:2]
    assert_close(v.resize_(4), tv.resize_(4))
    v[3] = 30.0
    assert base[3].item() == 30.0


@pytest.mark.parametrize("make, kept", [(lambda m: m.arange(6.0), 6), (lambda m: m.arange(6.0)[2:], 4),
                                        (lambda m: m.arange(6.0).reshape(2, 3).t(), 6)])
def test_resize_growing_keeps_the_prefix(make, kept):
    """Growing past the storage: the elements from the first on, in storage order, come first
    (the rest is uninitialised; PyTorch's other views see the new memory, rosenblatt's don't)."""
    x, tx = make(rb), make(torch)
    x.resize_(3, 4)
    tx.resize_(3, 4)
    assert x.shape == tuple(tx.shape) and x.stride() == tx.stride() == (4, 1)
    assert x.reshape(-1)[:kept].tolist() == tx.reshape(-1)[:kept].tolist()


def test_resize_edge_shapes_and_resize_as():
    assert rb.ones(3).resize_(0).shape == (0,) and rb.ones(3).resize_(()).shape == ()
    assert rb.ones(3).resize_([1, 2]).shape == (1, 2)
    assert rb.ones(3).resize_as_(rb.zeros(1, 2)).shape == (1, 2)
    with pytest.raises(RuntimeError, match=">= 0"):
        rb.ones(3).resize_(-1)


@pytest.mark.parametrize("make", [lambda m: m.ones(3, requires_grad=True),
                                  lambda m: m.ones(3, requires_grad=True) * 2])
def test_resize_of_a_tensor_that_requires_grad_raises_as_torch(make):
    for m in (rb, torch):
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            make(m).resize_(2)
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            make(m).resize_as_(m.zeros(2))
        tensor = make(m)
        with m.no_grad(), pytest.raises(RuntimeError, match="cannot resize"):
            tensor.resize_(2)


# ------------------------------------------------------------ apply_ and map_
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int8", "bool"])
def test_apply_and_map_match_torch(dtype):
    x, tx = _pair((2, 3), dtype)
    seen, tseen = [], []
    assert_close(x.apply_(lambda v: seen.append(type(v)) or v + 1), tx.apply_(lambda v: tseen.append(type(v)) or v + 1))
    assert seen == tseen
    y, ty = _pair((2, 3), dtype)
    other, tother = _pair((3,), dtype)
    assert_close(y.map_(other, lambda a, b: a * 2 + b), ty.map_(tother, lambda a, b: a * 2 + b))


def test_apply_and_map_write_views_and_return_self():
    x, tx = _pair((2, 3))
    for m, t in ((rb, x), (torch, tx)):
        assert t.t().apply_(lambda v: v * 10) is not None
        t[:, ::2].map_(m.ones(1) * 5, lambda a, b: a + b)
    assert_close(x, tx)
    e, te = rb.arange(3.0)[:1].expand(3), torch.arange(3.0)[:1].expand(3)
    assert_close(e.apply_(lambda v: v + 1), te.apply_(lambda v: v + 1))  # one cell, three visits
    z = rb.tensor(2.0)
    assert z.apply_(lambda v: v * 5) is z and z.item() == 10.0
    assert rb.tensor(2.0).map_(rb.tensor(3.0), lambda a, b: a * b).item() == 6.0
    assert rb.ones(0).apply_(lambda v: 1 / 0).shape == (0,)


def test_apply_converts_results_as_torch():
    for m in (rb, torch):
        assert m.arange(3).apply_(lambda v: v + 0.7).tolist() == [0, 1, 2]
        assert m.ones(2, dtype=m.bool).apply_(lambda v: 0.0).tolist() == [False, False]
        assert m.ones(2).apply_(lambda v: True).tolist() == [1.0, 1.0]
        assert m.ones(1).apply_(lambda v: 1e300).tolist() == [float("inf")]
        with pytest.raises(TypeError, match="must be real number, not str"):
            m.ones(2).apply_(lambda v: "a")
        with pytest.raises(RuntimeError, match="without overflow"):
            m.ones(1, dtype=m.uint8).apply_(lambda v: 256)
        with pytest.raises(RuntimeError, match="without overflow"):
            m.ones(1, dtype=m.int64).apply_(lambda v: float("nan"))


@pytest.mark.parametrize("call, error, match", [
    (lambda m: m.ones(3, requires_grad=True).apply_(lambda v: v), RuntimeError, "apply_\\(\\) on Variable"),
    (lambda m: (m.ones(3, requires_grad=True) * 2).apply_(lambda v: v), RuntimeError, "requires grad"),
    (lambda m: m.ones(3, requires_grad=True).map_(m.ones(3), lambda a, b: a), RuntimeError, "map_\\(\\) on Variable"),
    (lambda m: m.ones(3).map_(m.ones(3, requires_grad=True), lambda a, b: a), RuntimeError, "requires grad"),
    (lambda m: m.ones(3).map_(m.ones(3, dtype=m.float64), lambda a, b: a), TypeError, "map_"),
    (lambda m: m.ones(3).map_(2.0, lambda a, b: a), TypeError, "must be Tensor, not float"),
    (lambda m: m.ones(3).map_(m.ones(2, 3), lambda a, b: a), RuntimeError, ""),
    (lambda m: m.ones(2).apply_(lambda v: 1 / 0), ZeroDivisionError, ""),
])
def test_apply_and_map_errors_as_torch(call, error, match):
    for m in (rb, torch):
        with pytest.raises(error, match=match):
            call(m)


def test_apply_is_reported_to_a_graph_that_saved_the_tensor():
    """An in-place change to a saved input is reported at backward, as for every rosenblatt
    in-place op (torch's apply_ bumps no version counter and backward uses the new value)."""
    w = rb.tensor([2.0])
    x = rb.tensor([3.0], requires_grad=True)
    y = (x * w).sum()
    w.apply_(lambda v: v + 1)
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()
