"""Audio features: the spectrogram against torch.stft, the DCT against scipy, the mel filter bank
by its defining properties (no mel reference installs beside our torch), WAV reading."""
from __future__ import annotations

import wave

import numpy
import pytest
import scipy.fft
import torch

from rosenblatt import audio


def tone(freq: float, seconds: float = 0.5, rate: int = 8000) -> numpy.ndarray:
    t = numpy.arange(int(seconds * rate)) / rate
    return numpy.sin(2 * numpy.pi * freq * t).astype(numpy.float32)


def write_wav(path, samples, rate=8000, channels=1, width=2):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(numpy.asarray(samples, dtype=f"<i{width}").tobytes())
    return path


@pytest.mark.parametrize("periodic", [True, False])
def test_hann_window_matches_torch(periodic):
    expected = torch.hann_window(256, periodic=periodic).numpy()
    numpy.testing.assert_allclose(audio.hann_window(256, periodic), expected, atol=1e-6)


@pytest.mark.parametrize("shape, n_fft, hop", [((1000,), 256, 128), ((3, 2, 900), 200, 80), ((2, 256), 256, 64)])
def test_spectrogram_matches_torch_stft(rng, shape, n_fft, hop):
    x = rng.standard_normal(shape).astype(numpy.float32)
    ours = audio.spectrogram(x, n_fft, hop)
    stft = torch.stft(torch.from_numpy(x.reshape(-1, shape[-1])), n_fft, hop, window=torch.hann_window(n_fft),
                      center=False, return_complex=True)
    expected = (stft.abs() ** 2).numpy().reshape(shape[:-1] + stft.shape[-2:])
    assert ours.dtype == numpy.float32 and ours.shape == expected.shape
    numpy.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-3)


def test_spectrogram_obeys_parseval(rng):
    # sum_n (w x)^2 = (|X_0|^2 + 2 sum_{0<k<N/2} |X_k|^2 + |X_{N/2}|^2) / N for one real frame
    x = rng.standard_normal(256).astype(numpy.float32)
    p = audio.spectrogram(x, 256, 256)[:, 0].astype(numpy.float64)
    energy = ((audio.hann_window(256) * x).astype(numpy.float64) ** 2).sum()
    assert (p[0] + 2 * p[1:-1].sum() + p[-1]) / 256 == pytest.approx(energy, rel=1e-5)


def test_htk_mel_scale_anchors():
    assert audio.hz_to_mel(0.0) == 0.0
    assert audio.hz_to_mel(1000.0) == pytest.approx(1000.0, abs=0.02)   # the scale's definition point
    f = numpy.array([20.0, 440.0, 3999.0])
    numpy.testing.assert_allclose(audio.mel_to_hz(audio.hz_to_mel(f)), f, rtol=1e-12)


def test_mel_filters_are_unit_triangles_between_neighbouring_centres():
    n_fft, rate, n_mels = 4096, 8000, 10                     # fine bins: the peaks land near 1
    fb = audio.melscale_fbanks(n_fft // 2 + 1, 0.0, 4000.0, n_mels, rate)
    freqs = numpy.linspace(0, 4000, n_fft // 2 + 1)
    centres = audio.mel_to_hz(numpy.linspace(0, audio.hz_to_mel(4000.0), n_mels + 2))
    assert fb.shape == (n_fft // 2 + 1, n_mels) and fb.dtype == numpy.float32
    assert fb.min() >= 0 and fb.max() <= 1 and fb.max(0).min() > 0.99
    for m in range(n_mels):
        support = freqs[fb[:, m] > 0]
        assert centres[m] <= support.min() and support.max() <= centres[m + 2]
        assert abs(freqs[fb[:, m].argmax()] - centres[m + 1]) <= 4000 / (n_fft // 2)
    # between two centres the rising and falling edges of neighbours sum to one
    inside = (freqs >= centres[1]) & (freqs <= centres[-2])
    numpy.testing.assert_allclose(fb[inside].sum(1), 1.0, atol=1e-5)


@pytest.mark.parametrize("freq", [300.0, 1000.0, 2500.0])
def test_a_pure_tone_peaks_in_the_mel_band_centred_nearest_it(freq):
    logmel = audio.log_mel_spectrogram(tone(freq), 8000, n_fft=512, hop_length=256, n_mels=40, f_min=20.0)
    centres = audio.mel_to_hz(numpy.linspace(audio.hz_to_mel(20.0), audio.hz_to_mel(4000.0), 42))[1:-1]
    assert logmel.dtype == numpy.float32
    assert logmel.mean(-1).argmax() == numpy.abs(centres - freq).argmin()


def test_log_mel_of_silence_is_the_floor():
    logmel = audio.log_mel_spectrogram(numpy.zeros(1000, dtype=numpy.float32), 8000)
    numpy.testing.assert_allclose(logmel, numpy.log(numpy.float32(audio.LOG_FLOOR)), rtol=1e-6)


def test_dct_matches_scipy_and_is_orthonormal(rng):
    d = audio.create_dct(13, 40)
    x = rng.standard_normal((5, 40)).astype(numpy.float32)
    numpy.testing.assert_allclose(x @ d, scipy.fft.dct(x, norm="ortho")[:, :13], atol=1e-5)
    numpy.testing.assert_allclose(audio.create_dct(40, 40).T @ audio.create_dct(40, 40), numpy.eye(40), atol=1e-5)


def test_mfcc_is_the_dct_of_the_log_mel_spectrogram(rng):
    x = rng.standard_normal((2, 4000)).astype(numpy.float32)
    logmel = audio.log_mel_spectrogram(x, 8000)                          # (2, 40, frames)
    coeffs = audio.mfcc(x, 8000, n_mfcc=20)
    assert coeffs.shape == (2, 20, logmel.shape[-1]) and coeffs.dtype == numpy.float32
    expected = scipy.fft.dct(logmel, axis=1, norm="ortho")[:, :20]
    numpy.testing.assert_allclose(coeffs, expected, rtol=1e-4, atol=1e-3)
    # c0 is the mean log power scaled by sqrt(n_mels)
    numpy.testing.assert_allclose(coeffs[:, 0], logmel.mean(1) * numpy.sqrt(40), rtol=1e-4)


def test_fix_length_pads_short_and_keeps_the_loudest_window_of_long():
    short = audio.fix_length(numpy.ones(3, dtype=numpy.float32), 5)
    numpy.testing.assert_array_equal(short, [1, 1, 1, 0, 0])
    x = numpy.zeros(100, dtype=numpy.float32)
    x[60:70] = 1.0
    kept = audio.fix_length(x, 20)
    assert kept.shape == (20,) and kept.sum() == 10 and kept.dtype == numpy.float32


def test_peak_normalize_scales_each_row_and_leaves_silence():
    x = numpy.array([[0.1, -0.2, 0.05], [0.0, 0.0, 0.0]], dtype=numpy.float32)
    numpy.testing.assert_allclose(audio.peak_normalize(x), [[0.5, -1.0, 0.25], [0, 0, 0]])


def test_read_wav_round_trip(tmp_path):
    samples = numpy.array([0, 16384, -32768, 32767], dtype=numpy.int16)
    rate, x = audio.read_wav(write_wav(tmp_path / "a.wav", samples, rate=16000))
    assert rate == 16000 and x.dtype == numpy.float32
    numpy.testing.assert_allclose(x, [0, 0.5, -1, 32767 / 32768])


def test_read_wav_refuses_other_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        audio.read_wav(tmp_path / "missing.wav")
    (tmp_path / "notes.txt").write_text("not audio")
    with pytest.raises(ValueError, match="not a readable WAV file"):
        audio.read_wav(tmp_path / "notes.txt")
    with pytest.raises(ValueError, match="not mono 16-bit PCM"):
        audio.read_wav(write_wav(tmp_path / "stereo.wav", numpy.zeros(8), channels=2))


def test_bad_input_names_the_op_and_the_fix():
    with pytest.raises(TypeError, match="spectrogram: expected a floating-point waveform.*read_wav"):
        audio.spectrogram(numpy.zeros(512, dtype=numpy.int16))
    with pytest.raises(ValueError, match=r"spectrogram: the waveform has 100 samples.*fix_length"):
        audio.spectrogram(numpy.zeros(100, dtype=numpy.float32), n_fft=256)
    with pytest.raises(ValueError, match="melscale_fbanks: need 0 <= f_min < f_max <= sample_rate / 2"):
        audio.melscale_fbanks(129, 0.0, 5000.0, 40, 8000)
    with pytest.raises(ValueError, match="create_dct: need 1 <= n_mfcc <= n_mels"):
        audio.create_dct(41, 40)
    with pytest.raises(ValueError, match="fix_length: expected a 1-D waveform"):
        audio.fix_length(numpy.zeros((2, 5), dtype=numpy.float32), 3)
