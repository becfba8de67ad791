"""LeNet-5 and ResNetSmall: shapes, parameter names and outputs of a PyTorch mirror with the same weights."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt.models.lenet import LeNet5, LeNetConfig
from rosenblatt.models.resnet_small import ResNetSmall, ResNetSmallConfig
from helpers import assert_close

tnn = torch.nn


def torch_lenet(activation="relu", pooling="max"):
    act = tnn.ReLU if activation == "relu" else tnn.Tanh
    pool = tnn.MaxPool2d if pooling == "max" else tnn.AvgPool2d
    m = tnn.Module()
    m.features = tnn.Sequential(tnn.Conv2d(1, 6, 5, padding=2), act(), pool(2),
                                tnn.Conv2d(6, 16, 5), act(), pool(2))
    m.classifier = tnn.Sequential(tnn.Flatten(), tnn.Linear(400, 120), act(), tnn.Linear(120, 84),
                                  act(), tnn.Linear(84, 10))
    m.forward = lambda x: m.classifier(m.features(x))
    return m


class TorchBlock(tnn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = tnn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = tnn.BatchNorm2d(cout)
        self.conv2 = tnn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = tnn.BatchNorm2d(cout)
        self.shortcut = tnn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                           tnn.BatchNorm2d(cout))

    def forward(self, x):
        h = self.bn1(self.conv1(x)).relu()
        return (self.bn2(self.conv2(h)) + self.shortcut(x)).relu()


def torch_resnet(width, blocks, hidden):
    m = tnn.Module()
    m.stem = tnn.Sequential(tnn.Conv2d(1, width, 3, padding=1, bias=False), tnn.MaxPool2d(2),
                            tnn.BatchNorm2d(width), tnn.ReLU())
    stages, cin = [], width
    for i, n in enumerate(blocks):
        for j in range(n):
            stages.append(TorchBlock(cin, width * 2 ** i, 2 if i > 0 and j == 0 else 1))
            cin = width * 2 ** i
    m.stages = tnn.Sequential(*stages)
    side = 14 // 2 ** (len(blocks) - 1)
    m.head = tnn.Sequential(tnn.Flatten(), tnn.Linear(cin * side * side, hidden), tnn.ReLU(),
                            tnn.Dropout(0.3), tnn.Linear(hidden, 10))
    m.forward = lambda x: m.head(m.stages(m.stem(x)))
    return m


def _copy_and_compare(model, ref, train, atol=1e-4):
    """Copy torch's weights in; outputs, input gradient and every weight gradient agree."""
    ours = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    assert ours == [(k, tuple(v.shape)) for k, v in ref.state_dict().items()]
    model.load_state_dict({k: v.detach().numpy().copy() for k, v in ref.state_dict().items()})
    model.train(train)
    ref.train(train)
    x = numpy.random.default_rng(0).standard_normal((4, 1, 28, 28)).astype(numpy.float32)
    rx, tx = rb.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    out, want = model(rx), ref(tx)
    assert tuple(out.shape) == (4, 10)
    assert_close(out, want, atol=atol, rtol=1e-3)
    g = numpy.random.default_rng(1).standard_normal((4, 10)).astype(numpy.float32)
    out.backward(rb.tensor(g))
    want.backward(torch.from_numpy(g))
    assert_close(rx.grad, tx.grad, atol=atol, rtol=1e-3, what="input grad")
    tparams = dict(ref.named_parameters())
    for name, p in model.named_parameters():
        assert_close(p.grad, tparams[name].grad, atol=atol, rtol=1e-3, what=f"grad of {name}")


@pytest.mark.parametrize("activation, pooling", [("relu", "max"), ("tanh", "avg")])
def test_lenet_matches_a_torch_mirror(activation, pooling):
    model = LeNet5(LeNetConfig(activation=activation, pooling=pooling))
    assert sum(p.numel() for p in model.parameters()) == 61706  # the textbook LeNet-5 count
    _copy_and_compare(model, torch_lenet(activation, pooling), train=True)


@pytest.mark.parametrize("train", [True, False])
def test_resnet_small_matches_a_torch_mirror(train):
    config = ResNetSmallConfig(width=8, blocks=(1, 1), hidden=16, dropout=0.3)
    model, ref = ResNetSmall(config), torch_resnet(8, (1, 1), 16)
    if not train:  # non-trivial running statistics for the eval path
        with torch.no_grad():
            for m in ref.modules():
                if isinstance(m, tnn.BatchNorm2d):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
    # Dropout draws different masks in the two libraries, so compare with p=0 in training.
    model.head[3].p = ref.head[3].p = 0.0
    _copy_and_compare(model, ref, train=train)


def test_resnet_small_default_shapes_and_size():
    model = ResNetSmall()
    assert sum(p.numel() for p in model.parameters()) == sum(
        p.numel() for p in torch_resnet(32, (0, 1), 128).parameters())
    h = model.stages(model.stem(rb.randn(2, 1, 28, 28)))
    assert tuple(h.shape) == (2, 64, 7, 7)
    model.eval()
    assert tuple(model(rb.randn(3, 1, 28, 28)).shape) == (3, 10)


def test_models_reject_wrong_input_shapes():
    with pytest.raises(ValueError, match=r"LeNet5: expected input \(N, 1, 28, 28\).*\(2, 1, 32, 32\)"):
        LeNet5()(rb.randn(2, 1, 32, 32))
    with pytest.raises(ValueError, match=r"ResNetSmall: expected input \(N, 1, 28, 28\).*\(2, 3, 28, 28\)"):
        ResNetSmall()(rb.randn(2, 3, 28, 28))
    with pytest.raises(ValueError, match="LeNet5: activation must be 'relu' or 'tanh'"):
        LeNet5(LeNetConfig(activation="sigmoid"))
