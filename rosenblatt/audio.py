"""Speech features with NumPy's FFT: spectrogram, mel filter bank, log-mel, MFCC; WAV reading.

The pipeline, for a waveform ``x`` sampled at ``sample_rate``::

    frames   f_t[n] = x[t * hop_length + n]                  n < n_fft        (..., frames, n_fft)
    window   w[n]   = 0.5 - 0.5 cos(2 pi n / n_fft)          periodic Hann, as torch.hann_window
    power    P[t,k] = |sum_n w[n] f_t[n] e^{-2 pi i k n / n_fft}|^2   k <= n_fft/2   (..., n_freqs, frames)
    mel      M      = F^T P        F: (n_freqs, n_mels) triangles equally spaced on the HTK mel scale
                                   mel(f) = 2595 log10(1 + f / 700)
    log      L      = log(M + 1e-6)                           the floor keeps silence finite
    MFCC     C      = D^T L        D: (n_mels, n_mfcc) orthonormal DCT-II,
                                   D[m, k] = s_k cos(pi k (m + 1/2) / n_mels),
                                   s_0 = sqrt(1 / n_mels), s_k = sqrt(2 / n_mels) for k > 0

Names and layouts follow torchaudio (``melscale_fbanks``, ``create_dct``, features as
``(..., channels, time)``).  These are preprocessing, not graph ops: they take and return
float32 arrays (a ``Tensor`` is read through ``.data``) and carry no gradient.

Example:
    >>> import numpy
    >>> t = numpy.arange(8000) / 8000
    >>> tone = numpy.sin(2 * numpy.pi * 1000 * t).astype(numpy.float32)    # 1 s of 1 kHz
    >>> log_mel_spectrogram(tone, 8000).shape                              # (n_mels, frames)
    (40, 61)
    >>> mfcc(tone, 8000).shape
    (13, 61)
"""
from __future__ import annotations

import math
import os
import wave
from typing import Any

from ._backend import xp
from . import windows

#: added to mel power before the log; in peak-normalised FSDD recordings the loudest mel band
#: reaches 2e2 to 2e3, so this only bounds silence (and zero padding) at log(1e-6).
LOG_FLOOR = 1e-6


def _array(x: Any, op: str) -> Any:
    a = xp.asarray(getattr(x, "data", x))
    if a.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point waveform, got dtype {a.dtype}; "
                        "scale integer PCM to [-1, 1] first (read_wav does)")
    return a.astype(xp.float32, copy=False)


def read_wav(path: str | os.PathLike) -> tuple[int, Any]:
    """``(sample_rate, waveform)`` of a mono 16-bit PCM WAV file, as float32 in [-1, 1).

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not a WAV file, or not mono 16-bit PCM.
    """
    from .datasets.audio import _read_wav
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return _read_wav(path, raw)
    except (wave.Error, EOFError) as e:
        raise ValueError(f"read_wav: {path} is not a readable WAV file ({e}); "
                         "expected mono 16-bit PCM") from None


def fix_length(waveform: Any, length: int) -> Any:
    """Zero-pad ``waveform`` at the end to ``length`` samples, or keep its loudest ``length`` samples.

    The loudest window (largest ``sum x^2``) keeps the spoken word of a recording with
    long silences, where a plain crop could cut it.

    Shape: ``(T,) -> (length,)``.
    """
    x = _array(waveform, "fix_length")
    if x.ndim != 1:
        raise ValueError(f"fix_length: expected a 1-D waveform, got shape {x.shape}")
    if len(x) <= length:
        return xp.pad(x, (0, length - len(x)))
    energy = xp.concatenate([xp.zeros(1), xp.cumsum(x.astype(xp.float64) ** 2)])
    start = int(xp.argmax(energy[length:] - energy[:-length]))
    return x[start:start + length].copy()


def peak_normalize(waveform: Any) -> Any:
    """Scale each waveform (last axis) to a peak of 1: recordings differ in loudness up to 10x.

    An all-zero waveform stays zero.  Shape: ``(..., T) -> (..., T)``.
    """
    x = _array(waveform, "peak_normalize")
    peak = xp.abs(x).max(axis=-1, keepdims=True)
    return x / xp.where(peak > 0, peak, xp.float32(1))


def hann_window(window_length: int, periodic: bool = True) -> Any:
    """``w[n] = 0.5 - 0.5 cos(2 pi n / N)``, ``N = window_length`` (periodic) or ``window_length - 1``:
    ``rosenblatt.hann_window``'s array."""
    return windows.hann_window(window_length, periodic).data


def spectrogram(waveform: Any, n_fft: int = 256, hop_length: int = 128) -> Any:
    """Power spectrogram ``|rfft(hann * frame)|^2`` of frames ``n_fft`` long, ``hop_length`` apart.

    No centre padding (torch.stft's ``center=False``): frame ``t`` starts at sample
    ``t * hop_length``, and ``frames = 1 + (T - n_fft) // hop_length``.

    Shape: ``(..., T) -> (..., n_fft // 2 + 1, frames)``.
    """
    x = _array(waveform, "spectrogram")
    if x.shape[-1] < n_fft:
        raise ValueError(f"spectrogram: the waveform has {x.shape[-1]} samples, fewer than one frame "
                         f"(n_fft={n_fft}); pad it first (fix_length)")
    frames = xp.lib.stride_tricks.sliding_window_view(x, n_fft, axis=-1)[..., ::hop_length, :]
    spec = xp.fft.rfft(frames * hann_window(n_fft), axis=-1)            # (..., frames, n_freqs)
    power = spec.real ** 2 + spec.imag ** 2
    return xp.swapaxes(power, -1, -2).astype(xp.float32)               # (..., n_freqs, frames)


def hz_to_mel(f: Any) -> Any:
    """HTK mel scale: ``2595 log10(1 + f / 700)``."""
    return 2595.0 * xp.log10(1.0 + xp.asarray(f, dtype=xp.float64) / 700.0)


def mel_to_hz(m: Any) -> Any:
    """Inverse of ``hz_to_mel``: ``700 (10^(m / 2595) - 1)``."""
    return 700.0 * (10.0 ** (xp.asarray(m, dtype=xp.float64) / 2595.0) - 1.0)


def melscale_fbanks(n_freqs: int, f_min: float, f_max: float, n_mels: int, sample_rate: int) -> Any:
    """Triangular mel filters ``F`` (n_freqs, n_mels), torchaudio's ``melscale_fbanks`` (HTK, no norm).

    Centres ``c_0 < ... < c_{n_mels+1}`` are equally spaced in mel between ``f_min`` and
    ``f_max``; filter ``m`` rises linearly in Hz from 0 at ``c_m`` to 1 at ``c_{m+1}`` and
    falls back to 0 at ``c_{m+2}``.  ``n_freqs`` bins cover 0 .. sample_rate / 2.
    """
    if not 0 <= f_min < f_max <= sample_rate / 2:
        raise ValueError(f"melscale_fbanks: need 0 <= f_min < f_max <= sample_rate / 2 = {sample_rate / 2}, "
                         f"got f_min={f_min}, f_max={f_max}")
    freqs = xp.linspace(0, sample_rate / 2, n_freqs)                             # (n_freqs,)
    centres = mel_to_hz(xp.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2))
    lower, centre, upper = centres[:-2], centres[1:-1], centres[2:]              # (n_mels,) each
    rising = (freqs[:, None] - lower) / (centre - lower)
    falling = (upper - freqs[:, None]) / (upper - centre)
    return xp.maximum(0.0, xp.minimum(rising, falling)).astype(xp.float32)


def create_dct(n_mfcc: int, n_mels: int) -> Any:
    """Orthonormal DCT-II matrix ``D`` (n_mels, n_mfcc), torchaudio's ``create_dct(norm='ortho')``.

    ``D[m, k] = s_k cos(pi k (m + 1/2) / n_mels)``; ``L @ D`` keeps the first ``n_mfcc``
    coefficients of ``scipy.fft.dct(L, norm='ortho')``.
    """
    if not 1 <= n_mfcc <= n_mels:
        raise ValueError(f"create_dct: need 1 <= n_mfcc <= n_mels, got n_mfcc={n_mfcc}, n_mels={n_mels}")
    m, k = xp.arange(n_mels)[:, None], xp.arange(n_mfcc)[None, :]
    d = xp.cos(math.pi * k * (m + 0.5) / n_mels) * math.sqrt(2.0 / n_mels)
    d[:, 0] /= math.sqrt(2.0)
    return d.astype(xp.float32)


def log_mel_spectrogram(waveform: Any, sample_rate: int, n_fft: int = 256, hop_length: int = 128,
                        n_mels: int = 40, f_min: float = 20.0, f_max: float | None = None,
                        top_db: float | None = None) -> Any:
    """``log(F^T |STFT|^2 + 1e-6)``: log mel-band power per frame.

    Args:
        waveform: float array ``(..., T)``.
        sample_rate: in Hz.
        n_fft, hop_length: frame length and step in samples (default 32 ms and 16 ms at 8 kHz).
        n_mels: mel bands. f_min, f_max: their range in Hz (default 20 Hz to sample_rate / 2).
        top_db: if given, floor each spectrogram at its maximum minus ``top_db`` decibels
            (librosa's ``power_to_db(top_db=...)``), so background noise and zero padding
            look the same whatever their level.

    Shape: ``(..., T) -> (..., n_mels, frames)``.
    """
    power = spectrogram(waveform, n_fft, hop_length)                     # (..., n_freqs, frames)
    fb = melscale_fbanks(n_fft // 2 + 1, f_min, f_max or sample_rate / 2, n_mels, sample_rate)
    mel = xp.swapaxes(xp.swapaxes(power, -1, -2) @ fb, -1, -2)          # (..., n_mels, frames)
    logmel = xp.log(mel + xp.float32(LOG_FLOOR))
    if top_db is None:
        return logmel
    floor = logmel.max(axis=(-2, -1), keepdims=True) - xp.float32(top_db * math.log(10) / 10)
    return xp.maximum(logmel, floor)


def mfcc(waveform: Any, sample_rate: int, n_mfcc: int = 13, n_fft: int = 256, hop_length: int = 128,
         n_mels: int = 40, f_min: float = 20.0, f_max: float | None = None) -> Any:
    """Mel-frequency cepstral coefficients: the orthonormal DCT-II of the log-mel spectrogram.

    Arguments as ``log_mel_spectrogram``, plus ``n_mfcc`` coefficients kept (c0, the
    log energy, included).

    Shape: ``(..., T) -> (..., n_mfcc, frames)``.
    """
    logmel = log_mel_spectrogram(waveform, sample_rate, n_fft, hop_length, n_mels, f_min, f_max)
    return xp.swapaxes(xp.swapaxes(logmel, -1, -2) @ create_dct(n_mfcc, n_mels), -1, -2)


__all__ = ["create_dct", "fix_length", "hann_window", "hz_to_mel", "log_mel_spectrogram", "mel_to_hz",
           "melscale_fbanks", "mfcc", "peak_normalize", "read_wav", "spectrogram"]
