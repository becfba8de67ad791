"""Order statistics and nan-aware reductions against PyTorch: values, indices, gradients."""
import numpy
import pytest
import torch

import rosenblatt as rb
from helpers import assert_close, check_op

NAN = float("nan")


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("shape,dim", [((7,), None), ((6,), None), ((4, 5), 1), ((4, 6), 0), ((2, 3, 4), -1)])
def test_median(name, shape, dim):
    args = () if dim is None else (dim,)
    pick = (lambda out: out) if dim is None else (lambda out: out.values)
    check_op([shape], lambda x: pick(getattr(rb, name)(x, *args)), lambda x: pick(getattr(torch, name)(x, *args)))
    if dim is not None:
        data = numpy.random.default_rng(3).standard_normal(shape)
        for keepdim in (False, True):
            ours = getattr(rb.tensor(data), name)(dim, keepdim)
            theirs = getattr(torch.tensor(data), name)(dim, keepdim)
            assert_close(ours.values, theirs.values)
            assert_close(ours.indices, theirs.indices)


def test_median_and_nanmedian_with_nans_like_pytorch():
    data = numpy.array([[1.0, NAN, 3.0, 2.0], [4.0, 0.5, 2.0, 8.0], [NAN, NAN, NAN, NAN], [5.0, NAN, NAN, 1.0]])
    for name in ("median", "nanmedian"):
        ours, theirs = getattr(rb, name)(rb.tensor(data), 1), getattr(torch, name)(torch.tensor(data), 1)
        assert_close(ours.values, theirs.values)
        # which nan of an all-nan row PyTorch's nanmedian points at is its sort's business
        rows = [0, 1, 3] if name == "nanmedian" else [0, 1, 2, 3]
        assert_close(ours.indices[rows], theirs.indices[rows])
        assert_close(getattr(rb, name)(rb.tensor(data)), getattr(torch, name)(torch.tensor(data)))


@pytest.mark.parametrize("k,dim", [(1, -1), (3, 1), (5, 1), (2, 0)])
def test_kthvalue(k, dim):
    check_op([(3, 5)], lambda x: rb.kthvalue(x, k, dim).values, lambda x: torch.kthvalue(x, k, dim).values)
    data = numpy.random.default_rng(4).standard_normal((3, 5))
    for keepdim in (False, True):
        assert_close(rb.tensor(data).kthvalue(k, dim, keepdim).indices, torch.tensor(data).kthvalue(k, dim, keepdim).indices)
    with pytest.raises(IndexError, match=r"kthvalue\(\): k must be in \[1, 5\]"):
        rb.kthvalue(rb.tensor(data), 6, 1)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "nearest", "midpoint"])
@pytest.mark.parametrize("q,dim,keepdim", [(0.3, None, False), (0.5, 1, False), ([0.0, 0.25, 1.0], 0, True),
                                           ([0.1, 0.9], None, True), (0.75, -1, True)])
def test_quantile(q, dim, keepdim, interpolation):
    def ours(x):
        return rb.quantile(x, rb.tensor(q, dtype=x.dtype) if isinstance(q, list) else q, dim, keepdim,
                           interpolation=interpolation)

    def theirs(x):
        return torch.quantile(x, torch.tensor(q, dtype=x.dtype) if isinstance(q, list) else q, dim, keepdim,
                              interpolation=interpolation)
    check_op([(4, 5)], ours, theirs, gradcheck=interpolation in ("linear", "midpoint"))


def test_quantile_and_nanquantile_with_nans():
    data = numpy.array([[1.0, NAN, 3.0, 2.0], [4.0, 0.5, 2.0, 8.0], [NAN, NAN, NAN, NAN]])
    for name in ("quantile", "nanquantile"):
        for q in (0.4, [0.1, 0.5]):
            qs = (lambda lib: lib.tensor(q, dtype=lib.float64)) if isinstance(q, list) else (lambda lib: q)
            assert_close(getattr(rb, name)(rb.tensor(data), qs(rb), 1), getattr(torch, name)(torch.tensor(data), qs(torch), 1))
    with pytest.raises(ValueError, match=r"quantile\(\): q must be a number or a 1-d tensor of values in \[0, 1\]"):
        rb.quantile(rb.tensor([1.0]), 1.5)
    with pytest.raises(ValueError, match=r"quantile\(\): interpolation must be one of"):
        rb.quantile(rb.tensor([1.0]), 0.5, interpolation="cubic")


@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, True), ((0, 1), False)])
def test_nansum_nanmean(dim, keepdim):
    data = numpy.array([[1.0, NAN, 3.0], [NAN, 0.5, -2.0]])
    for name in ("nansum", "nanmean"):
        check_op(None, lambda x: getattr(rb, name)(x, dim, keepdim), lambda x: getattr(torch, name)(x, dim, keepdim),
                 inputs=[data], gradcheck=False)
    check_op([(3, 4)], lambda x: x.nanmean(dim, keepdim), lambda x: x.nanmean(dim, keepdim))


def test_var_mean_std_mean_aminmax_count_nonzero():
    check_op([(3, 4)], lambda x: rb.var_mean(x, 1), lambda x: torch.var_mean(x, 1))
    check_op([(3, 4)], lambda x: rb.std_mean(x, (0, 1), correction=0, keepdim=True),
             lambda x: torch.std_mean(x, (0, 1), correction=0, keepdim=True))
    check_op([(3, 4)], lambda x: tuple(rb.aminmax(x, dim=0)), lambda x: tuple(torch.aminmax(x, dim=0)))
    check_op([(3, 4)], lambda x: tuple(x.aminmax()), lambda x: tuple(x.aminmax()))
    data = numpy.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    for dim in (None, 0, (0, 1)):
        assert_close(rb.count_nonzero(rb.tensor(data), dim), torch.count_nonzero(torch.tensor(data), dim))
    assert rb.aminmax(rb.tensor([3, 1, 2])) == (1, 3)


@pytest.mark.parametrize("shape,dim", [((6,), 0), ((3, 5), 1), ((4, 3), 0), ((), 0)])
def test_logcumsumexp(shape, dim):
    check_op([shape], lambda x: rb.logcumsumexp(x, dim), lambda x: torch.logcumsumexp(x, dim))
    check_op([shape], lambda x: x.logcumsumexp(dim), lambda x: x.logcumsumexp(dim))


def test_logcumsumexp_is_stable_at_any_magnitude():
    # running sums of entries 1000 apart: exp() of either would over- or underflow
    check_op(None, lambda x: rb.logcumsumexp(x, 0), lambda x: torch.logcumsumexp(x, 0),
             inputs=[numpy.array([-1000.0, 0.0, 1000.0, -5.0, 999.0])], gradcheck=False)


@pytest.mark.parametrize("shape", [(3, 6), (1, 5), (6,)])
def test_cov_and_corrcoef(shape):
    check_op([shape], rb.cov, torch.cov)
    check_op([shape], lambda x: rb.cov(x, correction=0), lambda x: torch.cov(x, correction=0))
    check_op([shape], lambda x: x.corrcoef(), lambda x: x.corrcoef())
    with pytest.raises(NotImplementedError, match="fweights"):
        rb.cov(rb.ones(2, 3), fweights=rb.tensor([1, 1, 1]))
