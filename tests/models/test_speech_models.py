"""MelCNN and MFCCGRU: parameter names, outputs and gradients of a PyTorch mirror with the same weights,
fed the same features (rosenblatt.audio is tested against torch.stft and scipy in tests/test_audio.py)."""
import numpy
import pytest
import torch

import rosenblatt as rb
from rosenblatt import audio
from rosenblatt.models.mel_cnn import MelCNN, MelCNNConfig
from rosenblatt.models.mfcc_gru import MFCCGRU, MFCCGRUConfig
from helpers import assert_close

tnn = torch.nn


def torch_mel_cnn(c):
    m = tnn.Module()
    blocks, cin = [tnn.BatchNorm2d(1)], 1
    for cout in c.channels:
        blocks += [tnn.Conv2d(cin, cout, 3, padding=1, bias=False), tnn.BatchNorm2d(cout), tnn.ReLU(),
                   tnn.MaxPool2d(2)]
        cin = cout
    m.features = tnn.Sequential(*blocks)
    m.classifier = tnn.Sequential(tnn.Flatten(), tnn.Dropout(c.dropout),
                                  tnn.Linear(cin * (c.n_mels // 8) * (c.frames // 8), c.num_classes))
    m.forward = lambda x: m.classifier(m.features(x))
    return m


def torch_mfcc_gru(c):
    m = tnn.Module()
    m.norm = tnn.BatchNorm1d(c.n_mfcc)
    m.gru = tnn.GRU(c.n_mfcc, c.hidden_size, c.num_layers, batch_first=True)
    m.classifier = tnn.Sequential(tnn.Dropout(c.dropout), tnn.Linear(c.hidden_size, c.num_classes))
    m.forward = lambda x: m.classifier(m.gru(m.norm(x).transpose(1, 2))[0].mean(1))
    return m


@pytest.mark.parametrize("make, features", [
    (lambda: (MelCNN(MelCNNConfig(num_samples=4000, dropout=0.0)),
              torch_mel_cnn(MelCNNConfig(num_samples=4000, dropout=0.0))),
     lambda x: audio.log_mel_spectrogram(audio.peak_normalize(x), 8000, 256, 160, 32, top_db=35.0)[:, None]),
    (lambda: (MFCCGRU(MFCCGRUConfig(num_layers=2, dropout=0.0)),
              torch_mfcc_gru(MFCCGRUConfig(num_layers=2, dropout=0.0))),
     lambda x: audio.mfcc(audio.peak_normalize(x), 8000, 13, 256, 160, 32)),
], ids=["MelCNN", "MFCCGRU"])
@pytest.mark.parametrize("train", [True, False])
def test_matches_a_pytorch_mirror_on_the_same_features(make, features, train):
    model, ref = make()  # fresh per case: no gradients or statistics left by the other one
    assert [(k, tuple(v.shape)) for k, v in model.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in ref.state_dict().items()]
    model.load_state_dict({k: v.detach().numpy().copy() for k, v in ref.state_dict().items()})
    model.train(train)
    ref.train(train)
    x = numpy.random.default_rng(0).standard_normal((4, 4000)).astype(numpy.float32)
    out, want = model(rb.as_tensor(x)), ref(torch.from_numpy(features(x)))
    assert tuple(out.shape) == (4, 10)
    assert_close(out, want, atol=1e-4, rtol=1e-3)
    g = numpy.random.default_rng(1).standard_normal((4, 10)).astype(numpy.float32)
    out.backward(rb.tensor(g))
    want.backward(torch.from_numpy(g))
    tparams = dict(ref.named_parameters())
    for name, p in model.named_parameters():
        assert_close(p.grad, tparams[name].grad, atol=1e-4, rtol=1e-3, what=f"grad of {name}")


@pytest.mark.parametrize("model", [MelCNN(), MFCCGRU()], ids=["MelCNN", "MFCCGRU"])
def test_refuses_waveforms_of_the_wrong_shape(model):
    with pytest.raises(ValueError, match=rf"{type(model).__name__}: expected waveforms \(N, "):
        model(rb.zeros(8000))
    with pytest.raises(ValueError, match="fix_length" if isinstance(model, MelCNN) else "n_fft = 256"):
        model(rb.zeros(2, 100))


def test_parameter_counts_match_the_docstrings():
    assert sum(p.numel() for p in MelCNN().parameters()) == 38780      # "about 39k"
    assert sum(p.numel() for p in MFCCGRU().parameters()) == 15844     # "about 16k"
