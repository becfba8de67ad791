"""Every loss and option against PyTorch: forward, input gradients, modules, errors."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import nn
import rosenblatt.nn.functional as F
from helpers import assert_close, check_op

TF = torch.nn.functional


def _compare(rb_fn, torch_fn, x, *others, grad_others=(), atol=1e-9, rtol=1e-7, seed=0):
    """Forward and gradient w.r.t. ``x`` (and the float ``others`` listed in ``grad_others``)."""
    rng = numpy.random.default_rng(seed)
    rb_args = [rb.tensor(x, requires_grad=True)]
    t_args = [torch.from_numpy(x.copy()).requires_grad_(True)]
    for i, o in enumerate(others):
        needs = i in grad_others
        rb_args.append(rb.tensor(o, requires_grad=needs))
        t_args.append(torch.from_numpy(numpy.array(o, copy=True)).requires_grad_(needs))
    out, want = rb_fn(*rb_args), torch_fn(*t_args)
    assert_close(out, want, atol=atol, rtol=rtol)
    upstream = rng.standard_normal(tuple(want.shape))
    want.backward(torch.from_numpy(upstream))
    out.backward(rb.tensor(upstream))
    for i, (r, t) in enumerate(zip(rb_args, t_args)):
        if t.requires_grad:
            assert_close(r.grad, t.grad, atol=atol, rtol=rtol, what=f"grad of argument {i}")


REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("shape", [(6, 4), (4,), (3, 4, 2, 5)])
def test_cross_entropy_index_targets(shape, reduction, weight, smoothing):
    rng = numpy.random.default_rng(1)
    x = rng.standard_normal(shape) * 3
    c = shape[0] if len(shape) == 1 else shape[1]
    t_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    t = rng.integers(0, c, t_shape)
    if t.ndim:
        t.reshape(-1)[::3] = -100  # some ignored targets
    w = rng.uniform(0.2, 2.0, c) if weight else None
    kwargs = dict(reduction=reduction, label_smoothing=smoothing)
    _compare(lambda x, t: F.cross_entropy(x, t, weight=None if w is None else rb.tensor(w), **kwargs),
             lambda x, t: TF.cross_entropy(x, t, weight=None if w is None else torch.from_numpy(w), **kwargs),
             x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4)])
def test_cross_entropy_probability_targets(shape, reduction, weight, smoothing):
    rng = numpy.random.default_rng(2)
    x = rng.standard_normal(shape)
    p = rng.uniform(size=shape)
    p /= p.sum(axis=1, keepdims=True)
    w = rng.uniform(0.2, 2.0, shape[1]) if weight else None
    kwargs = dict(reduction=reduction, label_smoothing=smoothing)
    _compare(lambda x, t: F.cross_entropy(x, t, weight=None if w is None else rb.tensor(w), **kwargs),
             lambda x, t: TF.cross_entropy(x, t, weight=None if w is None else torch.from_numpy(w), **kwargs),
             x, p, grad_others=(0,))  # the probabilities get a gradient too (distillation)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss, smoothing", [("cross_entropy", 0.0), ("cross_entropy", 0.2),
                                             ("nll_loss", 0.0)])
def test_ignored_rows_get_zero_gradient_even_when_the_mean_is_nan(loss, smoothing, reduction):
    smoothing_arg = {"label_smoothing": smoothing} if loss == "cross_entropy" else {}
    x = numpy.random.default_rng(10).standard_normal((3, 4))
    w = numpy.array([0.0, 1.0, 2.0, 0.5])
    cases = [(numpy.full(3, -100), None),           # every target ignored: mean is 0/0 = nan
             (numpy.array([0, 0, -100]), w),        # the rest weigh 0: nan rows, ignored row 0
             (numpy.array([2, -100, 1]), None)]
    for t, weight in cases:
        _compare(lambda x, t: getattr(F, loss)(x, t, None if weight is None else rb.tensor(weight),
                                               reduction=reduction, **smoothing_arg),
                 lambda x, t: getattr(TF, loss)(x, t, None if weight is None else torch.from_numpy(weight),
                                                reduction=reduction, **smoothing_arg), x, t)
    _compare(lambda x, t: getattr(F, loss)(x, t, ignore_index=1, **smoothing_arg),  # one sample, (C,)
             lambda x, t: getattr(TF, loss)(x, t, ignore_index=1, **smoothing_arg), x[0], numpy.array(1))


def test_target_changed_in_place_before_backward_never_gives_a_wrong_gradient():
    x = numpy.array([[0.3, -0.2, 1.0], [0.1, 0.5, -1.0]])
    indices, probabilities = numpy.array([1, 0]), numpy.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    for target, changed in ((indices, 2), (probabilities, 0.0)):
        logits, t = rb.tensor(x, requires_grad=True), rb.tensor(target)
        loss = F.cross_entropy(logits, t)
        t.fill_(changed)  # the gradient stays that of the target the loss saw
        loss.backward()
        want = torch.from_numpy(x).requires_grad_(True)
        TF.cross_entropy(want, torch.from_numpy(target)).backward()
        assert_close(logits.grad, want.grad)
    for loss_fn in (F.binary_cross_entropy, F.binary_cross_entropy_with_logits):
        p, t = rb.tensor([0.2, 0.7], requires_grad=True), rb.tensor([1.0, 0.0])
        loss = loss_fn(p, t)
        t.mul_(0.5)  # backward reads the target: refused, as in PyTorch
        with pytest.raises(RuntimeError, match="modified by an in-place operation"):
            loss.backward()


def test_cross_entropy_custom_ignore_index_float32_and_stability():
    x = numpy.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0], [0.5, 0.2, 0.1]], dtype=numpy.float32)
    t = numpy.array([1, 1, 2])
    for ignore in (-100, 2):
        out = F.cross_entropy(rb.tensor(x, requires_grad=True), rb.tensor(t), ignore_index=ignore)
        want = TF.cross_entropy(torch.from_numpy(x), torch.from_numpy(t), ignore_index=ignore)
        assert out.dtype == numpy.float32 and numpy.isfinite(out.data)
        assert_close(out, want, rtol=1e-6)
    _compare(lambda x, t: F.cross_entropy(x, t, ignore_index=2),
             lambda x, t: TF.cross_entropy(x, t, ignore_index=2), x.astype(numpy.float64), t)


def test_cross_entropy_gradcheck():
    t = numpy.array([2, 0, 1, 1])
    check_op(None, lambda x: F.cross_entropy(x, rb.tensor(t), label_smoothing=0.1),
             lambda x: TF.cross_entropy(x, torch.from_numpy(t), label_smoothing=0.1),
             inputs=[numpy.random.default_rng(0).standard_normal((4, 3))])


def test_cross_entropy_bad_targets_name_the_numbers():
    x = rb.randn(4, 3)
    with pytest.raises(ValueError, match=r"target 3 is out of bounds for 3 classes"):
        F.cross_entropy(x, rb.tensor([0, 1, 3, 0]))
    with pytest.raises(ValueError, match=r"target -2 is out of bounds"):
        F.cross_entropy(x, rb.tensor([0, 1, -2, 0]))
    with pytest.raises(ValueError, match=r"expected class-index target of shape \(4,\).*got \(4, 1\)"):
        F.cross_entropy(x, rb.tensor([[0], [1], [2], [0]]))
    with pytest.raises(ValueError, match=r"probability targets must have the input's shape"):
        F.cross_entropy(x, rb.rand(4, 2))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.cross_entropy(x, rb.tensor([0, 1, 2, 0]), weight=rb.ones(4))
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x, rb.tensor([0, 1, 2, 0]), reduction="avg")
    with pytest.raises(TypeError, match=r"integer class indices or float class probabilities, got bool"):
        F.cross_entropy(x, rb.tensor([True, False, True, True]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5)])
def test_nll_loss(shape, reduction, weight):
    rng = numpy.random.default_rng(3)
    x = rng.standard_normal(shape)
    t = rng.integers(0, shape[1], (shape[0],) + shape[2:])
    t.reshape(-1)[1] = 1
    t.reshape(-1)[0] = -1  # ignore_index below
    w = rng.uniform(0.5, 2, shape[1]) if weight else None
    _compare(lambda x, t: F.nll_loss(x, t, weight=None if w is None else rb.tensor(w),
                                     ignore_index=-1, reduction=reduction),
             lambda x, t: TF.nll_loss(x, t, weight=None if w is None else torch.from_numpy(w),
                                      ignore_index=-1, reduction=reduction), x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
def test_binary_cross_entropy(reduction, weight):
    rng = numpy.random.default_rng(4)
    x = rng.uniform(0.05, 0.95, (5, 3))
    y = rng.uniform(size=(5, 3))
    w = rng.uniform(0.5, 2, (3,)) if weight else None
    _compare(lambda x, y: F.binary_cross_entropy(x, y, None if w is None else rb.tensor(w),
                                                       reduction=reduction),
             lambda x, y: TF.binary_cross_entropy(x, y, None if w is None else torch.from_numpy(w),
                                                  reduction=reduction), x, y, grad_others=(0,))


def test_binary_cross_entropy_clamps_log_like_torch():
    x = numpy.array([0.0, 1.0, 1e-50, 0.5, 1e-300])
    y = numpy.array([1.0, 0.0, 1.0, 1.0, 0.3])
    # the target's gradient -logit(x) is not clamped: inf at 0 and 1, 115 at 1e-50
    _compare(lambda x, y: F.binary_cross_entropy(x, y, reduction="none"),
             lambda x, y: TF.binary_cross_entropy(x, y, reduction="none"), x, y, grad_others=(0,))
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.binary_cross_entropy(rb.tensor([1.5]), rb.tensor([1.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("pos_weight", [False, True])
def test_binary_cross_entropy_with_logits(reduction, weight, pos_weight):
    rng = numpy.random.default_rng(5)
    x = rng.standard_normal((4, 3)) * 4
    x[0, :2] = [1e4, -1e4]
    y = rng.uniform(size=(4, 3))
    w = rng.uniform(0.5, 2, (4, 1)) if weight else None
    pw = rng.uniform(0.5, 3, (3,)) if pos_weight else None
    _compare(lambda x, y: F.binary_cross_entropy_with_logits(
                 x, y, None if w is None else rb.tensor(w), reduction=reduction,
                 pos_weight=None if pw is None else rb.tensor(pw)),
             lambda x, y: TF.binary_cross_entropy_with_logits(
                 x, y, None if w is None else torch.from_numpy(w), reduction=reduction,
                 pos_weight=None if pw is None else torch.from_numpy(pw)),
             x, y, grad_others=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, kwargs", [("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {}),
                                          ("smooth_l1_loss", {"beta": 0.5}),
                                          ("smooth_l1_loss", {"beta": 0.0}), ("huber_loss", {}),
                                          ("huber_loss", {"delta": 0.3})])
def test_regression_losses(name, kwargs, reduction):
    rng = numpy.random.default_rng(6)
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    _compare(lambda x, y: getattr(F, name)(x, y, reduction=reduction, **kwargs),
             lambda x, y: getattr(TF, name)(x, y, reduction=reduction, **kwargs), x, y,
             grad_others=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
@pytest.mark.parametrize("shapes", [((4, 1), (4,)), ((3,), (2, 3)), ((), (3,))])
def test_regression_loss_warns_and_broadcasts_a_target_of_another_shape_like_torch(name, reduction,
                                                                                 shapes):
    rng = numpy.random.default_rng(8)
    x, y = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    with pytest.warns(UserWarning, match="different to the input size"):
        getattr(TF, name)(torch.from_numpy(x), torch.from_numpy(y))
    with pytest.warns(UserWarning, match=rf"{name}\(\): using a target shape .* differs from the input"):
        getattr(F, name)(rb.tensor(x), rb.tensor(y))
    with pytest.warns(UserWarning):
        _compare(lambda x, y: getattr(F, name)(x, y, reduction=reduction),
                 lambda x, y: getattr(TF, name)(x, y, reduction=reduction), x, y, grad_others=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_loss_weight_like_torch(name, reduction):
    """PyTorch 2.13's per-element weight: mse and l1 means divide by sum(weight), huber's by the count."""
    rng = numpy.random.default_rng(10)
    x, y, w = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), rng.uniform(0.1, 2, (4, 3))
    _compare(lambda x, y, w: getattr(F, name)(x, y, reduction=reduction, weight=w),
             lambda x, y, w: getattr(TF, name)(x, y, reduction=reduction, weight=w), x, y, w,
             grad_others=(0, 1))
    with pytest.raises(ValueError, match=rf"{name}\(\): weight shape \(3,\) must equal input shape \(4, 3\)"):
        getattr(F, name)(rb.tensor(x), rb.tensor(y), weight=rb.ones(3))


def test_regression_loss_target_that_cannot_broadcast_names_the_loss():
    with pytest.raises(ValueError, match=r"mse_loss\(\): target shape \(4,\) and input shape \(2, 3\)"):
        F.mse_loss(rb.randn(2, 3), rb.randn(4))


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
def test_binary_cross_entropy_refuses_a_target_of_another_shape_like_torch(name):
    x, y = numpy.full((4, 1), 0.5), numpy.ones(4)
    with pytest.raises(ValueError):
        getattr(TF, name)(torch.from_numpy(x), torch.from_numpy(y))
    with pytest.raises(ValueError, match=rf"{name}\(\): target shape \(4,\) must equal input"):
        getattr(F, name)(rb.tensor(x), rb.tensor(y))


@pytest.mark.parametrize("name,target_dtype", [
    ("binary_cross_entropy", "int64"), ("binary_cross_entropy", "float64"), ("binary_cross_entropy", "bool"),
    ("binary_cross_entropy_with_logits", "int64"), ("binary_cross_entropy_with_logits", "bool"),
    ("kl_div", "int64")])
def test_losses_refuse_target_dtypes_as_torch(name, target_dtype):
    """Integer labels would make NumPy compute in float64; PyTorch raises instead."""
    x, y = numpy.full(3, 0.5, dtype=numpy.float32), numpy.array([1, 0, 1]).astype(target_dtype)
    with pytest.raises(RuntimeError):
        getattr(TF, name)(torch.from_numpy(x), torch.from_numpy(y))
    with pytest.raises(RuntimeError, match=rf"{name}\(\): .*{target_dtype}"):
        getattr(F, name)(rb.tensor(x), rb.tensor(y))


@pytest.mark.parametrize("reduction", ["sum", "none", "batchmean"])
def test_kl_div_broadcasts_a_target_of_another_shape_silently_like_torch(reduction, recwarn):
    rng = numpy.random.default_rng(9)
    x, t = numpy.log(rng.dirichlet(numpy.ones(4), size=3)), rng.dirichlet(numpy.ones(4), size=(2, 1))
    _compare(lambda x, t: F.kl_div(x, t, reduction=reduction),
             lambda x, t: TF.kl_div(x, t, reduction=reduction), x, t, grad_others=(0,))
    assert not recwarn.list


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    rng = numpy.random.default_rng(7)
    x = numpy.log(rng.dirichlet(numpy.ones(4), size=3))
    p = rng.dirichlet(numpy.ones(4), size=3)
    p[0, 1] = 0.0  # 0 * log 0 = 0
    t = numpy.log(p + 1e-3) if log_target else p
    _compare(lambda x, t: F.kl_div(x, t, reduction=reduction, log_target=log_target),
             lambda x, t: TF.kl_div(x, t, reduction=reduction, log_target=log_target), x, t)


def test_kl_div_mean_warns_and_legacy_flags_keep_batchmean_like_torch():
    rng = numpy.random.default_rng(37)
    x, t = numpy.log(rng.dirichlet(numpy.ones(4), size=3)), rng.dirichlet(numpy.ones(4), size=3)
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        TF.kl_div(torch.from_numpy(x), torch.from_numpy(t))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(rb.tensor(x), rb.tensor(t))
    # the legacy flags set the reduction, and a 'batchmean' beside them still divides by N
    with pytest.warns(UserWarning, match="size_average and reduce"):
        want = TF.kl_div(torch.from_numpy(x), torch.from_numpy(t), False, None, "batchmean")
    with pytest.warns(UserWarning, match="size_average and reduce"):
        assert_close(F.kl_div(rb.tensor(x), rb.tensor(t), False, None, "batchmean"), want)

@pytest.mark.parametrize("weight", [False, True])
def test_huber_loss_keeps_the_input_dtype_as_torch(weight):
    """PyTorch's huber_loss writes the input's dtype: float32 with a float64 target (it gave
    float64, promoted), float64 with a float32 one."""
    rng = numpy.random.default_rng(41)
    for x, y in [(rng.standard_normal(5).astype(numpy.float32), rng.standard_normal(5)),
                 (rng.standard_normal(5), rng.standard_normal(5).astype(numpy.float32))]:
        w = rng.uniform(0.5, 2, 5).astype(x.dtype) if weight else None
        for reduction in ("none", "mean"):
            kw = dict(reduction=reduction, delta=0.7)
            want = TF.huber_loss(torch.from_numpy(x), torch.from_numpy(y),
                                 weight=None if w is None else torch.from_numpy(w), **kw)
            out = F.huber_loss(rb.tensor(x), rb.tensor(y), weight=None if w is None else rb.tensor(w), **kw)
            assert out.dtype == numpy.dtype(str(want.dtype).replace("torch.", ""))
            assert_close(out, want)

def test_kl_div_negative_target_gives_nan_like_torch():
    x, t = numpy.log([[0.2, 0.8], [0.5, 0.5]]), numpy.array([[-0.1, 1.1], [0.0, 1.0]])
    _compare(lambda x, t: F.kl_div(x, t, reduction="none"),
             lambda x, t: TF.kl_div(x, t, reduction="none"), x, t)


MODULES = [
    ("MSELoss", {}), ("L1Loss", {"reduction": "sum"}), ("SmoothL1Loss", {"beta": 0.5}),
    ("HuberLoss", {"delta": 2.0}), ("KLDivLoss", {"reduction": "batchmean"}),
    ("BCEWithLogitsLoss", {}),
]


@pytest.mark.parametrize("name, kwargs", MODULES)
def test_loss_modules(name, kwargs):
    rng = numpy.random.default_rng(8)
    x, y = rng.standard_normal((3, 4)), rng.uniform(size=(3, 4))
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    _compare(ours, theirs, x, y)


@pytest.mark.filterwarnings("ignore:size_average and reduce")
@pytest.mark.parametrize("name", ["MSELoss", "L1Loss", "SmoothL1Loss", "KLDivLoss", "BCELoss",
                                  "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"])
def test_legacy_size_average_and_reduce_set_the_reduction_like_torch(name):
    for size_average in (None, True, False):
        for reduce in (None, True, False):
            flags = dict(size_average=size_average, reduce=reduce)
            assert getattr(nn, name)(**flags).reduction == getattr(torch.nn, name)(**flags).reduction



def test_older_functional_losses_take_torchs_positional_legacy_flags():
    """size_average/reduce sit where PyTorch has them (reduction was the 3rd argument of
    mse_loss, so F.mse_loss(x, y, False) meant 'mean' instead of PyTorch's 'sum')."""
    rng = numpy.random.default_rng(34)
    x, p = rng.standard_normal((3, 4)), rng.uniform(0.1, 0.9, (3, 4))
    t = numpy.array([0, 3, 1])
    calls = [("mse_loss", (x, p)), ("l1_loss", (x, p)), ("smooth_l1_loss", (x, p)),
             ("kl_div", (x, p)), ("binary_cross_entropy", (p, p[::-1].copy(), None)),
             ("binary_cross_entropy_with_logits", (x, p, None)),
             ("cross_entropy", (x, t, None)), ("nll_loss", (x, t, None))]
    for name, args in calls:
        t_args = [None if a is None else torch.from_numpy(a) for a in args]
        r_args = [None if a is None else rb.tensor(a) for a in args]
        for size_average, reduce in [(False, None), (None, False), (True, True)]:
            if name in ("cross_entropy", "nll_loss"):  # ignore_index sits between them
                flags = (size_average, -100, reduce)
            else:
                flags = (size_average, reduce)
            with pytest.warns(UserWarning, match="please use reduction='(sum|none|mean)' instead"):
                want = getattr(TF, name)(*t_args, *flags)
            with pytest.warns(UserWarning, match=f"please use reduction='{_legacy_name(size_average, reduce)}'"):
                out = getattr(F, name)(*r_args, *flags)
            assert_close(out, want, what=f"{name}{flags}")
        # reduction and what follows it still work by keyword
        assert_close(getattr(F, name)(*r_args, reduction="sum"),
                     getattr(TF, name)(*t_args, reduction="sum"), what=name)


def _legacy_name(size_average, reduce):
    return "none" if reduce is False else ("sum" if size_average is False else "mean")


@pytest.mark.parametrize("name, args, arg", [
    ("binary_cross_entropy", ("p", "p", "w"), 2), ("binary_cross_entropy_with_logits", ("x", "p", "w"), 2),
    ("binary_cross_entropy_with_logits", ("x", "p", None, None, None, "mean", "w"), 6),
    ("cross_entropy", ("x", "t", "c"), 2), ("nll_loss", ("x", "t", "c"), 2),
    ("multi_margin_loss", ("x", "t", 1, 1.0, "c"), 4), ("soft_margin_loss", ("x", "x"), 1),
])
def test_losses_refuse_a_grad_on_arguments_torch_cannot_differentiate(name, args, arg):
    """A class weight (or soft_margin_loss's target) that requires grad got none, silently;
    PyTorch refuses it, and takes it under no_grad or detached."""
    rng = numpy.random.default_rng(35)
    values = {"p": rng.uniform(0.1, 0.9, (4, 3)), "x": rng.standard_normal((4, 3)),
              "w": rng.uniform(0.5, 2, (4, 3)), "c": rng.uniform(0.5, 2, (3,)),
              "t": numpy.array([0, 2, 1, 1])}
    def call(lib, module, requires_grad):
        made = [lib(values[a]) if a in values else a for a in args]
        made[arg].requires_grad_(requires_grad)
        return getattr(module, name)(*made)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument"):
        call(torch.from_numpy, TF, True)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument"):
        call(rb.tensor, F, True)
    with torch.no_grad(), rb.no_grad():
        assert_close(call(rb.tensor, F, True), call(torch.from_numpy, TF, True))
    assert_close(call(rb.tensor, F, False), call(torch.from_numpy, TF, False))


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss", "multi_margin_loss"])
def test_class_index_targets_take_torchs_integer_dtypes(name):
    """int64 (and uint8 for cross_entropy/nll_loss) only, as PyTorch's kernels: an int32
    target was taken."""
    x = numpy.random.default_rng(36).standard_normal((3, 4))
    for dtype in ("int64", "uint8", "int32", "int16"):
        t = numpy.array([0, 3, 1], dtype=dtype)
        try:
            want = getattr(TF, name)(torch.from_numpy(x), torch.from_numpy(t))
        except RuntimeError:
            with pytest.raises(RuntimeError, match=r"convert them with \.long\(\)|convert it with \.long\(\)"):
                getattr(F, name)(rb.tensor(x), rb.tensor(t))
        else:
            assert_close(getattr(F, name)(rb.tensor(x), rb.tensor(t)), want)

def test_classification_loss_modules_and_weight_buffers():
    w = numpy.array([0.5, 1.0, 2.0])
    ours = nn.CrossEntropyLoss(weight=rb.tensor(w), ignore_index=1, label_smoothing=0.1)
    theirs = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w), ignore_index=1, label_smoothing=0.1)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    t = numpy.array([0, 1, 2, 2])
    _compare(ours, theirs, numpy.random.default_rng(9).standard_normal((4, 3)), t)
    _compare(nn.NLLLoss(weight=rb.tensor(w)), torch.nn.NLLLoss(weight=torch.from_numpy(w)),
             numpy.random.default_rng(9).standard_normal((4, 3)), t)
    x = numpy.random.default_rng(9).uniform(0.1, 0.9, (4, 3))
    _compare(nn.BCELoss(), torch.nn.BCELoss(), x, x[::-1].copy())
    pw = numpy.array([1.0, 2.0, 3.0])
    bce = nn.BCEWithLogitsLoss(pos_weight=rb.tensor(pw))
    assert list(bce.state_dict()) == list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.from_numpy(pw)).state_dict())


def test_nll_loss_errors_and_one_dim_input():
    with pytest.raises(ValueError, match=r"target 5 is out of bounds for 3 classes"):
        F.nll_loss(rb.randn(2, 3), rb.tensor([0, 5]))
    with pytest.raises(TypeError, match="integer class indices"):
        F.nll_loss(rb.randn(2, 3), rb.tensor([0.0, 1.0]))
    _compare(lambda x, t: F.nll_loss(x, t), lambda x, t: TF.nll_loss(x, t),
             numpy.array([-1.0, -0.5, -2.0]), numpy.array(1))


def test_functional_reexports_core_ops():
    assert F.pad is rb.ops.pad and F.one_hot is rb.ops.one_hot and F.relu is rb.relu
    # F.softmax/F.log_softmax are their own: PyTorch's F signature (dtype 4th), not torch.softmax's
    assert F.softmax is not rb.softmax and F.log_softmax is not rb.log_softmax
    numpy.testing.assert_array_equal(F.one_hot(rb.tensor([0, 2]), 3).data, [[1, 0, 0], [0, 0, 1]])


# ------------------------------------------- margin, embedding and likelihood losses
import rosenblatt.nn.functional as FL  # noqa: E402
import rosenblatt.nn.modules.loss as ML  # noqa: E402


def _signs(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", [((5,), (5,), (5,)), ((3, 1), (1, 4), (3, 4)), ((), (), ())])
def test_margin_ranking_loss(shapes, reduction):
    rng = numpy.random.default_rng(20)
    x1, x2, y = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1]), _signs(rng, shapes[2])
    for margin in (0.0, 0.4):
        _compare(lambda a, b, y: FL.margin_ranking_loss(a, b, y, margin, reduction=reduction),
                 lambda a, b, y: TF.margin_ranking_loss(a, b, y, margin, reduction=reduction),
                 x1, x2, y, grad_others=(0,))
    # a tie at the kink (margin 0, equal scores) passes the gradient, as PyTorch's clamp_min;
    # integer targets give the inputs' dtype
    x = numpy.array([1.0, 2.0, -0.5])
    _compare(lambda a, b, y: FL.margin_ranking_loss(a, b, y, reduction=reduction),
             lambda a, b, y: TF.margin_ranking_loss(a, b, y, reduction=reduction),
             x, x.copy(), numpy.array([1, -1, 1]), grad_others=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", [((6,), (6,)), ((3, 4), (4,)), ((), ())])
def test_hinge_embedding_loss(shapes, reduction):
    rng = numpy.random.default_rng(21)
    x = numpy.asarray(numpy.abs(rng.standard_normal(shapes[0])) * 1.5)
    y = _signs(rng, shapes[1])
    if y.ndim:
        y[:2] = [0.0, 2.0]  # neither 1 nor -1: both terms, as PyTorch
        x.reshape(-1)[0] = 1.0  # exactly the margin: the kink
    for margin in (1.0, 0.5):
        _compare(lambda x, y: FL.hinge_embedding_loss(x, y, margin, reduction=reduction),
                 lambda x, y: TF.hinge_embedding_loss(x, y, margin, reduction=reduction), x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", [((6,), (6,)), ((3, 4), (4,)), ((), ())])
def test_soft_margin_loss(shapes, reduction):
    rng = numpy.random.default_rng(22)
    x, y = numpy.asarray(rng.standard_normal(shapes[0]) * 3), _signs(rng, shapes[1])
    if x.ndim:
        x.reshape(-1)[:2] = [-300.0, 300.0]  # finite in float64 for PyTorch's log1p(exp(-y x)) too
    _compare(lambda x, y: FL.soft_margin_loss(x, y, reduction=reduction),
             lambda x, y: TF.soft_margin_loss(x, y, reduction=reduction), x, y)


def test_soft_margin_loss_is_finite_where_torch_overflows():
    """PyTorch's log1p(exp(-y x)) is inf (nan gradient) past y x = -88 in float32; -logsigmoid is exact."""
    x = rb.tensor(numpy.array([-1e4, 100.0, 0.0], dtype=numpy.float32), requires_grad=True)
    loss = FL.soft_margin_loss(x, rb.tensor(numpy.array([1.0, -1.0, 1.0], dtype=numpy.float32)),
                               reduction="none")
    assert loss.dtype == numpy.float32
    numpy.testing.assert_allclose(loss.data, [1e4, 100.0, numpy.log(2.0)], rtol=1e-6)
    loss.sum().backward()
    numpy.testing.assert_allclose(x.grad.data, [-1.0, 1.0, -0.5], rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", [((4, 3), (4, 3), (4,)), ((4, 3), (1, 3), (4,)), ((4, 3), (4, 3), (1,)),
                                    ((3,), (3,), ())])
def test_cosine_embedding_loss(shapes, reduction):
    rng = numpy.random.default_rng(23)
    x1, x2 = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    y = _signs(rng, shapes[2])
    if y.size == 4:
        y[0] = 0.0  # neither label: 0, as PyTorch
        x1[1] = 0.0  # an all-zero vector: cos 0, thanks to the 1e-12
    for margin in (0.0, -0.3):
        _compare(lambda a, b, y: FL.cosine_embedding_loss(a, b, y, margin, reduction=reduction),
                 lambda a, b, y: TF.cosine_embedding_loss(a, b, y, margin, reduction=reduction),
                 x1, x2, y, grad_others=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p, swap", [(2.0, False), (2.0, True), (1.0, False), (3.0, True)])
@pytest.mark.parametrize("shapes", [((5, 4),) * 3, ((5, 4), (1, 4), (5, 4)), ((4,),) * 3,
                                    ((2, 3, 4),) * 3])
def test_triplet_margin_loss(shapes, p, swap, reduction):
    rng = numpy.random.default_rng(24)
    a, pos, neg = (rng.standard_normal(s) for s in shapes)
    kwargs = dict(margin=0.7, p=p, eps=1e-5, swap=swap, reduction=reduction)
    _compare(lambda a, pos, neg: FL.triplet_margin_loss(a, pos, neg, **kwargs),
             lambda a, pos, neg: TF.triplet_margin_loss(a, pos, neg, **kwargs),
             a, pos, neg, grad_others=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input, full", [(True, False), (True, True), (False, False), (False, True)])
def test_poisson_nll_loss(log_input, full, reduction):
    rng = numpy.random.default_rng(25)
    x = rng.standard_normal((3, 4)) if log_input else rng.uniform(0.1, 4.0, (3, 4))
    y = rng.integers(0, 6, (3, 4)).astype(numpy.float64)
    y[0, :3] = [0.0, 1.0, 1.5]  # the Stirling term is 0 up to 1
    kwargs = dict(log_input=log_input, full=full, reduction=reduction)
    # the counts' gradient too, except with full: PyTorch's is nan at a count of 0 (its Stirling
    # term takes log(0) before masking it), ours 0
    _compare(lambda x, y: FL.poisson_nll_loss(x, y, **kwargs),
             lambda x, y: TF.poisson_nll_loss(x, y, **kwargs), x, y,
             grad_others=() if full else (0,))
    # integer counts broadcast against the rates; the result keeps the input's dtype
    _compare(lambda x, y: FL.poisson_nll_loss(x, y, **kwargs),
             lambda x, y: TF.poisson_nll_loss(x, y, **kwargs),
             x[:, :1].astype(numpy.float32), numpy.array([0, 1, 3, 7]), atol=1e-5, rtol=1e-5)


def test_poisson_nll_loss_zero_rate_uses_eps():
    _compare(lambda x, y: FL.poisson_nll_loss(x, y, log_input=False, eps=1e-3, reduction="none"),
             lambda x, y: TF.poisson_nll_loss(x, y, log_input=False, eps=1e-3, reduction="none"),
             numpy.array([0.0, 0.5]), numpy.array([2.0, 0.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 3), (4, 3)), ((4, 3), (4, 3), (4,)),
                                    ((4, 3), (4, 3), (4, 1)), ((4, 3), (3,), (1, 3)),
                                    ((2, 3, 5), (2, 3, 5), (2, 1, 5)), ((5,), (5,), ()),
                                    ((5,), (5,), (1,))])
def test_gaussian_nll_loss(shapes, full, reduction):
    rng = numpy.random.default_rng(26)
    x, y = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    var = rng.uniform(0.2, 2.0, shapes[2])
    if var.size > 1:
        var.reshape(-1)[0] = 0.0  # clamped to eps in value; the gradient still reaches it
    kwargs = dict(full=full, eps=1e-3, reduction=reduction)
    _compare(lambda x, y, v: FL.gaussian_nll_loss(x, y, v, **kwargs),
             lambda x, y, v: TF.gaussian_nll_loss(x, y, v, **kwargs), x, y, var,
             grad_others=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_nll_loss_number_var(reduction):
    x, y = numpy.random.default_rng(27).standard_normal((2, 4, 3)).astype(numpy.float32)
    out = FL.gaussian_nll_loss(rb.tensor(x), rb.tensor(y), 0.5, reduction=reduction)
    assert_close(out, TF.gaussian_nll_loss(torch.from_numpy(x), torch.from_numpy(y), 0.5,
                                           reduction=reduction))
    out = FL.gaussian_nll_loss(rb.tensor(x), rb.tensor(y), 0.0, full=True, reduction=reduction)
    assert_close(out, TF.gaussian_nll_loss(torch.from_numpy(x), torch.from_numpy(y), 0.0,
                                           full=True, reduction=reduction), rtol=1e-5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape, weight_shape", [((4, 3), None), ((4, 3), (3,)), ((4, 3), (4, 3)),
                                                 ((4, 3), (4, 1)), ((3,), (3,)), ((2, 4, 3), (3,))])
def test_multilabel_soft_margin_loss(shape, weight_shape, reduction):
    rng = numpy.random.default_rng(28)
    x = rng.standard_normal(shape) * 3
    x.reshape(-1)[:2] = [200.0, -200.0]  # stable: logsigmoid, not log(sigmoid)
    y = rng.integers(0, 2, shape).astype(numpy.float64)
    w = None if weight_shape is None else rng.uniform(0.2, 2.0, weight_shape)
    _compare(lambda x, y: FL.multilabel_soft_margin_loss(x, y, None if w is None else rb.tensor(w),
                                                          reduction=reduction),
             lambda x, y: TF.multilabel_soft_margin_loss(x, y, None if w is None else torch.from_numpy(w),
                                                          reduction=reduction),
             x, y, grad_others=(0,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p, margin, weight", [(1, 1.0, False), (2, 1.0, False), (1, 0.5, True),
                                               (2, 2.0, True), (1, -1.0, False)])
@pytest.mark.parametrize("shapes", [((5, 4), (5,)), ((4,), ()), ((4,), (1,)), ((), ()), ((), (1,))])
def test_multi_margin_loss(shapes, p, margin, weight, reduction):
    rng = numpy.random.default_rng(29)
    x = rng.standard_normal(shapes[0])
    n_classes = x.shape[-1] if x.ndim else 1
    t = rng.integers(0, n_classes, shapes[1])
    if x.ndim == 2:
        x[0, :2] = [1.0, 0.0]  # margin 1 - 1 + 0 = 0: the kink, gradient 0 as PyTorch
        t[0] = 0
    w = rng.uniform(0.2, 2.0, n_classes) if weight else None
    kwargs = dict(p=p, margin=margin, reduction=reduction)
    _compare(lambda x, t: FL.multi_margin_loss(x, t, weight=None if w is None else rb.tensor(w), **kwargs),
             lambda x, t: TF.multi_margin_loss(x, t, weight=None if w is None else torch.from_numpy(w),
                                               **kwargs), x, t)


def test_margin_and_likelihood_losses_keep_float32():
    rng = numpy.random.default_rng(30)
    x, y = rng.standard_normal((4, 3)).astype(numpy.float32), rng.standard_normal((4, 3)).astype(numpy.float32)
    signs = numpy.sign(y)
    cases = [
        ("soft_margin_loss", (x, signs), {}), ("hinge_embedding_loss", (x, signs), {}),
        ("margin_ranking_loss", (x, y, signs), {}), ("multilabel_soft_margin_loss", (x, signs > 0), {}),
        ("cosine_embedding_loss", (x, y, signs[:, 0]), {}), ("triplet_margin_loss", (x, y, -y), {}),
        ("poisson_nll_loss", (x, numpy.abs(y)), {"full": True}), ("gaussian_nll_loss", (x, y, x * x), {}),
        ("multi_margin_loss", (x, numpy.array([0, 2, 1, 1])), {"p": 2}),
    ]
    for name, args, kwargs in cases:
        args = tuple(a.astype(numpy.float32) if a.dtype == bool else a for a in args)
        out = getattr(FL, name)(*(rb.tensor(a) for a in args), **kwargs)
        want = getattr(TF, name)(*(torch.from_numpy(a) for a in args), **kwargs)
        assert_close(out, want, what=name)


@pytest.mark.parametrize("call, error, message", [
    (lambda F, T: F.margin_ranking_loss(T.randn(3), T.randn(3, 1), T.ones(3)), RuntimeError,
     r"margin_ranking_loss\(\): all inputs must have the same number of dims, got input1 \(3,\), "
     r"input2 \(3, 1\), target \(3,\)"),
    (lambda F, T: F.soft_margin_loss(T.randn(3, 1), T.ones(4)), RuntimeError,
     r"soft_margin_loss\(\): target shape \(4,\) must broadcast to the input shape \(3, 1\)"),
    (lambda F, T: F.soft_margin_loss(T.randn(4), T.ones(3, 4)), RuntimeError, r"must broadcast"),
    (lambda F, T: F.cosine_embedding_loss(T.randn(3, 4), T.randn(3, 4), T.ones(3, 1)), RuntimeError,
     r"cosine_embedding_loss\(\): expected a 0-d or 1-d target .* got shape \(3, 1\)"),
    (lambda F, T: F.cosine_embedding_loss(T.randn(4), T.randn(4), T.ones(1)), RuntimeError,
     r"a 1-d target expects 2-d inputs, got shapes \(4,\) and \(4,\)"),
    (lambda F, T: F.cosine_embedding_loss(T.randn(3, 4), T.randn(3, 4), T.tensor(1.0)), RuntimeError,
     r"a 0-d target expects 1-d inputs"),
    (lambda F, T: F.triplet_margin_loss(T.randn(3, 4), T.randn(4), T.randn(3, 4)), RuntimeError,
     r"triplet_margin_loss\(\): all inputs must have the same number of dims, got anchor \(3, 4\), "
     r"positive \(4,\)"),
    (lambda F, T: F.triplet_margin_loss(T.randn(3, 4), T.randn(3, 4), T.randn(3, 4), margin=0.0),
     ValueError, r"triplet_margin_loss\(\): margin must be greater than 0, got 0.0"),
    (lambda F, T: F.poisson_nll_loss(T.randn(3), T.ones(3), reduction="avg"), ValueError,
     r"poisson_nll_loss\(\): reduction must be 'none', 'mean' or 'sum', got 'avg'"),
    (lambda F, T: F.gaussian_nll_loss(T.randn(3, 2), T.randn(3, 2), -0.5), ValueError,
     r"var has negative entry"),
    (lambda F, T: F.gaussian_nll_loss(T.randn(3, 2), T.randn(3, 2), T.tensor([-1.0, 1.0, 1.0])),
     ValueError, r"var has negative entry"),
    (lambda F, T: F.gaussian_nll_loss(T.randn(3, 2), T.randn(3, 2), T.ones(2)), ValueError,
     r"var is of incorrect size \(2,\) for input shape \(3, 2\)"),
    (lambda F, T: F.gaussian_nll_loss(T.randn(3, 2), T.randn(3, 2), T.ones(1, 1)), ValueError,
     r"var is of incorrect size"),
    (lambda F, T: F.gaussian_nll_loss(T.randn(4, 3, 5), T.randn(4, 3, 5), T.ones(4, 2, 5)), ValueError,
     r"var is of incorrect size"),
    (lambda F, T: F.gaussian_nll_loss(T.randn(3), T.randn(3), T.ones(3), reduction="x"), ValueError,
     r"reduction must be"),
    (lambda F, T: F.multilabel_soft_margin_loss(T.tensor(0.5), T.tensor(1.0)), IndexError,
     r"needs a class dim"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0, 1, 2]), p=3), ValueError,
     r"only p == 1 and p == 2 are supported, got p=3"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0, 1, 2]), weight=T.ones(1, 4)),
     ValueError, r"weight must be one-dimensional"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0, 1, 2]), weight=T.ones(3)), RuntimeError,
     r"multi_margin_loss\(\): weight must hold one value per class: expected 4, got shape \(3,\)"),
    (lambda F, T: F.multi_margin_loss(T.randn(2, 3, 4), T.tensor([0, 1])), RuntimeError,
     r"expected a non-empty vector \(C\) or matrix \(N, C\), got input shape \(2, 3, 4\)"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 0), T.tensor([0, 1, 2])), RuntimeError, r"non-empty"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0, 1])), RuntimeError,
     r"expected shape \(3,\), got \(2,\)"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.zeros(3, 1, dtype=T.int64)), RuntimeError,
     r"expected shape \(3,\), got \(3, 1\)"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0, 4, 1])), RuntimeError,
     r"target out of range: class indices must be in \[0, 3\], got values in \[0, 4\]"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0, -1, 1])), RuntimeError,
     r"target out of range"),
    (lambda F, T: F.multi_margin_loss(T.randn(3, 4), T.tensor([0.0, 1.0, 2.0])), RuntimeError,
     r"integer class indices, got float"),
])
def test_margin_and_likelihood_loss_errors_like_torch(call, error, message):
    with pytest.raises(error):
        call(TF, torch)  # PyTorch refuses the same call with the same exception class
    with pytest.raises(error, match=message):
        call(FL, rb)


NEW_MODULES = [  # (name, constructor kwargs, input shapes, target kind)
    ("MarginRankingLoss", {"margin": 0.3}, [(5,), (5,)], "signs"),
    ("HingeEmbeddingLoss", {"margin": 2.0, "reduction": "sum"}, [(3, 4)], "signs"),
    ("SoftMarginLoss", {"reduction": "none"}, [(3, 4)], "signs"),
    ("CosineEmbeddingLoss", {"margin": 0.2}, [(4, 3), (4, 3)], "row_signs"),
    ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}, [(4, 3), (4, 3), (4, 3)], None),
    ("PoissonNLLLoss", {"log_input": False, "full": True, "eps": 1e-4}, [(3, 4)], "counts"),
    ("GaussianNLLLoss", {"full": True, "eps": 1e-3}, [(4, 3), (4, 3), (4, 1)], None),
    ("MultiLabelSoftMarginLoss", {"reduction": "sum"}, [(4, 3)], "labels"),
    ("MultiMarginLoss", {"p": 2, "margin": 0.5}, [(4, 3)], "classes"),
]


@pytest.mark.parametrize("name, kwargs, shapes, target", NEW_MODULES)
def test_new_loss_modules_match_torch(name, kwargs, shapes, target):
    rng = numpy.random.default_rng(31)
    arrays = [rng.standard_normal(s) for s in shapes]
    if name == "PoissonNLLLoss":
        arrays[0] = numpy.abs(arrays[0]) + 0.1  # rates
    if name == "GaussianNLLLoss":
        arrays[-1] = numpy.abs(arrays[-1])  # variances
    targets = {"signs": lambda: _signs(rng, shapes[0]), "row_signs": lambda: _signs(rng, shapes[0][:1]),
               "counts": lambda: rng.integers(0, 5, shapes[0]).astype(numpy.float64),
               "labels": lambda: rng.integers(0, 2, shapes[0]).astype(numpy.float64),
               "classes": lambda: rng.integers(0, shapes[0][-1], shapes[0][:1])}
    if target is not None:
        arrays.append(targets[target]())
    ours, theirs = getattr(ML, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.reduction == theirs.reduction
    _compare(ours, theirs, *arrays, grad_others=tuple(range(len(shapes) - 1)))


def test_new_weighted_loss_modules_keep_weight_as_buffer():
    rng = numpy.random.default_rng(32)
    w = rng.uniform(0.5, 2.0, 3)
    x, labels, classes = rng.standard_normal((4, 3)), rng.integers(0, 2, (4, 3)).astype(float), rng.integers(0, 3, 4)
    for name, t in (("MultiLabelSoftMarginLoss", labels), ("MultiMarginLoss", classes)):
        ours = getattr(ML, name)(weight=rb.tensor(w), reduction="none")
        theirs = getattr(torch.nn, name)(weight=torch.from_numpy(w), reduction="none")
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
        assert repr(ours) == repr(theirs)
        _compare(ours, theirs, x, t)


def test_new_loss_module_constructor_errors_like_torch():
    for kwargs in ({"margin": 0.0}, {"margin": -1.0}):
        with pytest.raises(ValueError):
            torch.nn.TripletMarginLoss(**kwargs)
        with pytest.raises(ValueError, match=r"TripletMarginLoss: expected margin to be greater than 0"):
            ML.TripletMarginLoss(**kwargs)
    with pytest.raises(ValueError):
        torch.nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match=r"MultiMarginLoss: only p == 1 and p == 2 are supported, got p=3"):
        ML.MultiMarginLoss(p=3)
    with pytest.raises(ValueError):
        torch.nn.MultiMarginLoss(weight=torch.ones(1, 3))
    with pytest.raises(ValueError, match=r"expected weight to be None or a 1-d tensor .* got shape \(1, 3\)"):
        ML.MultiMarginLoss(weight=rb.ones(1, 3))
    with pytest.raises(TypeError):  # full, eps and reduction are keyword-only, as PyTorch
        ML.GaussianNLLLoss(True)


@pytest.mark.filterwarnings("ignore:size_average and reduce")
@pytest.mark.parametrize("name", ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
                                  "CosineEmbeddingLoss", "TripletMarginLoss", "PoissonNLLLoss",
                                  "MultiLabelSoftMarginLoss", "MultiMarginLoss"])
def test_new_loss_modules_legacy_size_average_and_reduce_like_torch(name):
    for size_average in (None, True, False):
        for reduce in (None, True, False):
            flags = dict(size_average=size_average, reduce=reduce)
            assert getattr(ML, name)(**flags).reduction == getattr(torch.nn, name)(**flags).reduction


def test_new_functional_losses_take_torchs_positional_order_and_legacy_flags():
    rng = numpy.random.default_rng(33)
    x, y = rng.standard_normal((3, 4)), _signs(rng, (3, 4))
    # (input, target, size_average, reduce, reduction): size_average=False means 'sum', with a warning
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        out = FL.soft_margin_loss(rb.tensor(x), rb.tensor(y), False)
    assert_close(out, TF.soft_margin_loss(torch.from_numpy(x), torch.from_numpy(y), reduction="sum"))
    # poisson_nll_loss puts eps between size_average and reduce, as PyTorch
    counts = numpy.abs(y) * 2
    out = FL.poisson_nll_loss(rb.tensor(x), rb.tensor(counts), True, False, None, 1e-8, None, "sum")
    assert_close(out, TF.poisson_nll_loss(torch.from_numpy(x), torch.from_numpy(counts), True, False,
                                          None, 1e-8, None, "sum"))
    with pytest.warns(UserWarning):
        out = FL.multi_margin_loss(rb.tensor(x), rb.tensor([0, 3, 1]), 1, 1.0, None, None, False)
    assert tuple(out.shape) == (3,)  # reduce=False: no reduction
