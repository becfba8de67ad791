"""affine_grid and grid_sample against PyTorch: values, gradients to the image and the grid."""
import numpy
import pytest
import torch
import torch.nn.functional as F

import rosenblatt as rb
from helpers import assert_close, check_op

G = rb.nn.functional


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 2, 1, 3), (2, 1, 3, 4, 2)])
def test_affine_grid(size, align_corners):
    dims = len(size) - 2
    check_op([(size[0], dims, dims + 1)], lambda t: G.affine_grid(t, size, align_corners=align_corners),
             lambda t: F.affine_grid(t, size, align_corners=align_corners))


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_bilinear_grid_sample_values_and_gradients(padding_mode, align_corners):
    # points inside and outside the image (|x|, |y| up to 1.6): each padding mode matters
    rng = numpy.random.default_rng(0)
    image, grid = rng.standard_normal((2, 3, 4, 5)), rng.uniform(-1.6, 1.6, (2, 3, 6, 2))
    check_op(None, lambda x, g: G.grid_sample(x, g, "bilinear", padding_mode, align_corners),
             lambda x, g: F.grid_sample(x, g, "bilinear", padding_mode, align_corners), inputs=[image, grid])


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_nearest_grid_sample(padding_mode):
    rng = numpy.random.default_rng(1)
    image, grid = rng.standard_normal((2, 3, 4, 5)), rng.uniform(-1.6, 1.6, (2, 3, 6, 2))
    for align in (False, True):
        # the gradient reaches the image; the grid gets none (PyTorch's is all zeros)
        check_op(None, lambda x: G.grid_sample(x, rb.tensor(grid).to(x.dtype), "nearest", padding_mode, align),
                 lambda x: F.grid_sample(x, torch.tensor(grid).to(x.dtype), "nearest", padding_mode, align),
                 inputs=[image])


def test_a_spatial_transformer_learns_through_both():
    # the affine matrices get the gradient through the grid, as in a spatial transformer
    rng = numpy.random.default_rng(2)
    image, theta = rng.standard_normal((2, 1, 6, 6)), rng.standard_normal((2, 2, 3)) * 0.5
    check_op(None, lambda x, t: G.grid_sample(x, G.affine_grid(t, (2, 1, 4, 4), align_corners=False),
                                              align_corners=False),
             lambda x, t: F.grid_sample(x, F.affine_grid(t, (2, 1, 4, 4), align_corners=False),
                                        align_corners=False), inputs=[image, theta])


def test_identity_grid_reads_the_image_back():
    image = rb.arange(12.0).reshape(1, 1, 3, 4)
    identity = rb.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    for align in (False, True):
        out = G.grid_sample(image, G.affine_grid(identity, (1, 1, 3, 4), align_corners=align), align_corners=align)
        assert_close(out, torch.arange(12.0).reshape(1, 1, 3, 4), atol=1e-5)


def test_bad_arguments_are_refused_with_the_shapes():
    with pytest.raises(ValueError, match=r"grid_sample\(\): mode must be one of .* got 'bicubic'"):
        G.grid_sample(rb.ones(1, 1, 2, 2), rb.zeros(1, 1, 1, 2), mode="bicubic")
    with pytest.raises(ValueError, match=r"grid \(N, Ho, Wo, 2\) with one N .* got input \[1, 1, 2, 2\] and grid \[2, 1, 1, 2\]"):
        G.grid_sample(rb.ones(1, 1, 2, 2), rb.zeros(2, 1, 1, 2))
    with pytest.raises(ValueError, match=r"affine_grid\(\): expected theta of shape \(N, 2, 3\)"):
        G.affine_grid(rb.zeros(1, 2, 2), (1, 1, 4, 4))
    with pytest.raises(TypeError, match="grid_sample"):
        G.grid_sample(rb.ones(1, 1, 2, 2, dtype=rb.int64), rb.zeros(1, 1, 1, 2))
    with pytest.raises(TypeError, match=r"grid_sample\(\): grid must have input's dtype float32, got float64"):
        G.grid_sample(rb.ones(1, 1, 2, 2), rb.zeros(1, 1, 1, 2, dtype=rb.float64))
