"""The public names sit where PyTorch users look for them, and ``import rosenblatt`` stays lean."""
import subprocess
import sys

import pytest

import rosenblatt as rb

PYTORCH_PATHS = [
    "linalg.norm", "linalg.solve", "linalg.inv", "linalg.det", "linalg.svd", "linalg.qr",
    "autograd.functional.jacobian", "autograd.functional.vjp", "autograd.functional.jvp",
    "autograd.grad", "autograd.gradcheck",
    "nn.utils.weight_norm", "nn.utils.remove_weight_norm", "nn.utils.spectral_norm",
    "nn.utils.remove_spectral_norm", "nn.utils.parametrize.register_parametrization",
    "nn.utils.parametrize.remove_parametrizations", "nn.utils.parametrizations.orthogonal",
    "nn.utils.parametrizations.weight_norm", "nn.utils.parametrizations.spectral_norm",
    "nn.utils.clip_grad_norm_", "nn.utils.rnn.pack_padded_sequence",
    "nn.functional.adaptive_avg_pool1d", "nn.functional.adaptive_avg_pool2d",
    "nn.functional.adaptive_max_pool1d", "nn.functional.adaptive_max_pool2d",
    "nn.functional.fold", "nn.functional.unfold", "nn.functional.embedding_bag", "nn.functional.ctc_loss",
    "nn.Fold", "nn.Unfold", "nn.EmbeddingBag", "nn.CTCLoss",
    "nn.AdaptiveLogSoftmaxWithLoss", "nn.functional.multi_head_attention_forward", "linalg.solve_triangular",
    "distributions.Normal", "distributions.kl_divergence", "testing.assert_close", "func.functional_call",
    "nn.utils.stateless.functional_call", "nn.ReplicationPad3d", "func.grad", "func.grad_and_value",
    "func.vjp", "func.jacrev", "func.vmap", "func.jvp", "func.jacfwd", "vmap", "from_dlpack",
    "utils.dlpack.from_dlpack", "utils.dlpack.to_dlpack", "as_strided", "empty_strided",
    "autograd.detect_anomaly", "autograd.set_detect_anomaly", "is_anomaly_enabled",
    "utils.checkpoint.checkpoint", "utils.checkpoint.checkpoint_sequential", "utils.data.DataLoader",
    "utils.data.random_split", "autograd.function.once_differentiable",
    "nn.ZeroPad3d", "nn.ConstantPad3d", "nn.ReflectionPad3d", "nn.CircularPad3d",
    "nn.LazyConv1d", "nn.LazyConv2d", "nn.LazyConv3d", "nn.LazyConvTranspose1d", "nn.LazyConvTranspose2d",
    "nn.LazyConvTranspose3d", "nn.LazyBatchNorm1d", "nn.LazyBatchNorm2d", "nn.LazyBatchNorm3d",
    "nn.LazyInstanceNorm1d", "nn.LazyInstanceNorm2d", "nn.LazyInstanceNorm3d", "nn.modules.lazy.LazyModuleMixin",
    "nn.Buffer", "nn.UninitializedParameter", "nn.UninitializedBuffer", "nn.parameter.Buffer",
    "nn.parameter.is_lazy", "nn.FractionalMaxPool3d", "nn.functional.fractional_max_pool3d",
]


@pytest.mark.parametrize("path", PYTORCH_PATHS)
def test_pytorch_path_resolves_from_the_top_package(path):
    """``rb.<path>`` works after ``import rosenblatt`` alone, as ``torch.<path>`` does."""
    value = rb
    for part in path.split("."):
        value = getattr(value, part)
    assert callable(value)


def test_import_rosenblatt_loads_no_subpackage_it_does_not_need():
    """nn, optim, linalg, autograd.functional and torch load on first use only."""
    lazy = ["rosenblatt.nn", "rosenblatt.optim", "rosenblatt.linalg", "rosenblatt.autograd.functional",
            "rosenblatt.data", "rosenblatt.distributions", "rosenblatt.utils", "rosenblatt.testing",
            "rosenblatt.autograd.ctx_function", "rosenblatt.func", "torch"]
    code = f"import sys, rosenblatt; print([m for m in {lazy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_torch_utils_data_path_is_rosenblatt_data_itself():
    """``from torch.utils.data import X`` ports as ``from rosenblatt.utils.data import X``: the
    same objects as ``rosenblatt.data``'s."""
    from rosenblatt.utils.data import DataLoader, TensorDataset
    assert DataLoader is rb.data.DataLoader and TensorDataset is rb.data.TensorDataset
    assert set(rb.utils.data.__all__) == set(rb.data.__all__)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'functionl'"):
        rb.autograd.functionl
