"""A small CNN on log-mel spectrograms: the spoken-digit recogniser.

The model takes waveforms of a fixed length and computes its own features, so a
checkpoint holds the whole pipeline (``rosenblatt.audio``)::

    (N, T) waveform -peak normalise, log-mel, floor-> (N, 1, n_mels, frames)    (N, 1, 32, 49) for 1 s at 8 kHz
           -BatchNorm2d(1)->                  learned standardisation of the log power
           -3 x [conv3x3-BN-ReLU-maxpool2]->  (N, 64, 4, 6)
           -flatten, dropout, linear->        (N, num_classes)

The classifier sees where in time and frequency each pattern occurs: on the spoken
digits, flattening the last feature map learns much faster than averaging it away
(95% against 56% test accuracy after one epoch).  About 39k parameters.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import audio, nn
from ..creation import as_tensor
from ..tensor import Tensor


@dataclass
class MelCNNConfig:
    sample_rate: int = 8000       # FSDD's rate
    num_samples: int = 8000       # input length: 1 s holds 99.3% of FSDD's recordings whole
    n_fft: int = 256              # 32 ms frames at 8 kHz: a few pitch periods
    hop_length: int = 160         # 20 ms steps: 49 frames per second
    n_mels: int = 32              # fewer than the usual 40: cheaper, and enough for ten words
    top_db: float = 35.0          # floor 35 dB below the peak: learns faster (95% vs 83% after an epoch)
    channels: tuple[int, int, int] = (16, 32, 64)
    dropout: float = 0.2
    num_classes: int = 10

    @property
    def frames(self) -> int:
        return 1 + (self.num_samples - self.n_fft) // self.hop_length


class MelCNN(nn.Module):
    """Log-mel features, three conv-BN-ReLU-maxpool blocks, flatten, dropout, linear.

    Args:
        config: a ``MelCNNConfig`` (defaults: 1 s at 8 kHz).

    Shape: ``(N, num_samples) -> (N, num_classes)``; pad or cut recordings with
    ``audio.fix_length``.  The features carry no gradient back to the waveform.

    Example:
        >>> import rosenblatt as rb
        >>> MelCNN()(rb.randn(2, 8000)).shape
        (2, 10)
    """

    def __init__(self, config: MelCNNConfig | None = None) -> None:
        super().__init__()
        c = self.config = config or MelCNNConfig()
        blocks: list[nn.Module] = [nn.BatchNorm2d(1)]
        for cin, cout in zip((1,) + tuple(c.channels[:-1]), c.channels):
            blocks += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                       nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks)
        size = c.channels[-1] * (c.n_mels // 8) * (c.frames // 8)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(c.dropout), nn.Linear(size, c.num_classes))

    def log_mel(self, waveform: Tensor) -> Tensor:
        """``(N, num_samples)`` waveforms -> ``(N, 1, n_mels, frames)`` log-mel features."""
        c = self.config
        if waveform.ndim != 2 or waveform.shape[1] != c.num_samples:
            raise ValueError(f"MelCNN: expected waveforms (N, {c.num_samples}), got shape "
                             f"{tuple(waveform.shape)}; pad or cut them with audio.fix_length")
        x = audio.log_mel_spectrogram(audio.peak_normalize(waveform), c.sample_rate, c.n_fft,
                                      c.hop_length, c.n_mels, top_db=c.top_db)
        return as_tensor(x[:, None])

    def forward(self, waveform: Tensor) -> Tensor:
        return self.classifier(self.features(self.log_mel(waveform)))


__all__ = ["MelCNN", "MelCNNConfig"]
