"""Bad input raises the right exception type with a message naming the op, the shapes and the range."""
import re

import numpy as np
import pytest

import rosenblatt as rb


def _shape_pattern(shape):
    """Matches a shape printed as [2, 3] or (2, 3) or (2,3)."""
    return r"[\[(]" + r",\s*".join(str(n) for n in shape) + r",?[\])]"


# ------------------------------------------------------------ shape mismatch
@pytest.mark.parametrize("a, b", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3, 4), (2, 5, 6)),
                                  ((5, 2), (3,))])
def test_matmul_mismatch_names_op_and_shapes(a, b):
    with pytest.raises(ValueError) as info:
        rb.zeros(*a) @ rb.zeros(*b)
    msg = str(info.value)
    assert "matmul" in msg
    assert re.search(_shape_pattern(a), msg) and re.search(_shape_pattern(b), msg), msg


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
                                lambda a, b: a / b, lambda a, b: rb.maximum(a, b)])
def test_broadcast_mismatch_raises_value_error_with_shapes(op):
    with pytest.raises(ValueError) as info:
        op(rb.zeros(2, 3), rb.zeros(4))
    msg = str(info.value)
    assert re.search(_shape_pattern((2, 3)), msg) and re.search(_shape_pattern((4,)), msg), msg


def test_cat_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError) as info:
        rb.cat([rb.zeros(2, 3), rb.zeros(2, 4)])
    msg = str(info.value)
    assert "cat" in msg and "[2, 3]" in msg and "[2, 4]" in msg


def test_cat_of_different_ndim_raises():
    with pytest.raises(ValueError, match="cat"):
        rb.cat([rb.zeros(2, 3), rb.zeros(2, 3, 1)], dim=1)


def test_stack_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError) as info:
        rb.stack([rb.zeros(2, 3), rb.zeros(3, 2)])
    msg = str(info.value)
    assert "stack" in msg and "[2, 3]" in msg and "[3, 2]" in msg


@pytest.mark.parametrize("shape", [(4, 2), (-1, 4), (7,)])
def test_reshape_mismatch_names_op_and_shapes(shape):
    with pytest.raises(ValueError) as info:
        rb.zeros(2, 3).reshape(*shape)
    msg = str(info.value)
    assert "reshape" in msg and "size 6" in msg and "[2, 3]" in msg
    assert re.search(_shape_pattern(shape), msg), msg


def test_reshape_with_two_inferred_dims_raises():
    with pytest.raises(ValueError, match=r"reshape.*only one dimension.*\[-1, -1\]"):
        rb.zeros(2, 3).reshape(-1, -1)


def test_view_mismatch_raises():
    with pytest.raises(ValueError, match="invalid for input of size 6"):
        rb.zeros(2, 3).view(4, 2)


def test_expand_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError) as info:
        rb.zeros(2, 3).expand(3, 3)
    msg = str(info.value)
    assert "expand" in msg and "[2, 3]" in msg and "[3, 3]" in msg


def test_split_with_wrong_sizes_raises():
    with pytest.raises(ValueError, match="split"):
        rb.zeros(5).split([2, 2])


def test_pad_errors():
    with pytest.raises(ValueError, match="pad"):
        rb.ops.pad(rb.zeros(2, 3), (1,))
    with pytest.raises(ValueError, match="mode"):
        rb.ops.pad(rb.zeros(2, 3), (1, 1), mode="wrap")
    # negative widths crop in every mode, as PyTorch's; cropping everything raises
    assert rb.ops.pad(rb.zeros(1, 2, 3), (-1, 1), mode="reflect").shape == (1, 2, 3)
    with pytest.raises(ValueError, match="pad"):
        rb.ops.pad(rb.ones(3), (-2, -2))


@pytest.mark.parametrize("mode, pad", [("reflect", (2, 0)), ("reflect", (0, 3)), ("circular", (3, 0))])
def test_pad_wider_than_torch_allows_raises(mode, pad):
    with pytest.raises(ValueError, match=rf"pad.*{mode}.*size 2"):
        rb.ops.pad(rb.zeros(1, 2, 2), pad, mode=mode)


def test_expand_with_minus_one_in_new_dim_raises():
    with pytest.raises(ValueError, match=r"expand.*\[-1, 3\]"):
        rb.zeros(3).expand(-1, 3)


def test_permute_errors():
    with pytest.raises(ValueError, match="permute"):
        rb.zeros(2, 3).permute(0, 0)


# ------------------------------------------------------------------- types
@pytest.mark.parametrize("op", [lambda x: x + "a", lambda x: "a" * x, lambda x: rb.exp("a"),
                                lambda x: rb.add(x, None), lambda x: x @ "ab",
                                lambda x: rb.maximum(x, object()), lambda x: x * ["a", "b"]])
def test_string_or_object_where_tensor_expected_raises_type_error(op):
    with pytest.raises(TypeError):
        op(rb.zeros(2))


def test_type_error_names_the_op():
    with pytest.raises(TypeError, match="add"):
        rb.zeros(2) + "a"
    with pytest.raises(TypeError, match="exp"):
        rb.exp("a")


@pytest.mark.parametrize("op", [lambda x, v: x + v, lambda x, v: v + x, lambda x, v: x * v,
                                lambda x, v: v - x, lambda x, v: rb.maximum(x, v)])
def test_python_list_is_accepted(op):
    out = op(rb.tensor([1.0, 3.0]), [1.0, 2.0])
    assert isinstance(out, rb.Tensor) and out.dtype == rb.float32 and out.shape == (2,)


def test_python_list_in_graph():
    x = rb.tensor([1.0, 2.0], requires_grad=True)
    (x * [3.0, 4.0]).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_index_ops_reject_float_index():
    with pytest.raises(TypeError, match="gather"):
        rb.gather(rb.zeros(2, 3), 1, rb.zeros(2, 3))
    with pytest.raises(TypeError, match="masked_fill"):
        rb.masked_fill(rb.zeros(2), rb.tensor([1, 0]), 1.0)


# ------------------------------------------------------------ dim out of range
@pytest.mark.parametrize("name, call", [
    ("sum", lambda x: x.sum(2)),
    ("mean", lambda x: x.mean(dim=-3)),
    ("unsqueeze", lambda x: x.unsqueeze(4)),
    ("transpose", lambda x: x.transpose(0, 3)),
    ("softmax", lambda x: x.softmax(-3)),
    ("cat", lambda x: rb.cat([x, x], dim=2)),
    ("stack", lambda x: rb.stack([x, x], dim=4)),
    ("squeeze", lambda x: x.squeeze(2)),
    ("flatten", lambda x: x.flatten(0, 5)),
    ("flip", lambda x: x.flip(3)),
    ("permute", lambda x: x.permute(0, 2)),
    ("gather", lambda x: x.gather(2, rb.zeros(2, 3, dtype=rb.int64))),
    ("index_select", lambda x: x.index_select(-3, rb.tensor([0]))),
    ("split", lambda x: x.split(1, dim=2)),
    ("unbind", lambda x: x.unbind(2)),
])
def test_dim_out_of_range_raises_index_error_naming_range(name, call):
    with pytest.raises(IndexError) as info:
        call(rb.zeros(2, 3))
    msg = str(info.value)
    assert name in msg, msg
    assert "[-2, 1]" in msg or ("[-3, 2]" in msg and name in ("unsqueeze", "stack")), msg


def test_index_out_of_range_raises_index_error():
    with pytest.raises(IndexError):
        rb.zeros(2, 3)[5]
    with pytest.raises(IndexError, match="gather"):
        rb.gather(rb.zeros(2, 3), 1, rb.tensor([[0, 3], [0, 0]]))
    with pytest.raises(IndexError, match="index_select"):
        rb.zeros(2, 3).index_select(0, rb.tensor([2]))


def test_item_of_many_elements_raises():
    with pytest.raises(ValueError, match="one element"):
        rb.zeros(3).item()


def test_broadcast_error_names_the_op_and_shapes():
    import pytest
    import rosenblatt as rb
    with pytest.raises(ValueError, match=r"add: shapes \[2, 3\] and \[4\] cannot be broadcast"):
        rb.zeros(2, 3) + rb.zeros(4)
    with pytest.raises(ValueError, match=r"mul: shapes \[5\] and \[2, 3\]"):
        rb.zeros(5) * rb.zeros(2, 3)
