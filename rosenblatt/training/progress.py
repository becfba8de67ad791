"""Progress bars with the live loss and samples/second: tqdm when installed, plain lines otherwise.

tqdm is an optional dependency.  Without it, with ``plain=True`` or when the
stream is not a terminal, a line is
printed about every ``every`` seconds (the trainer prints the epoch summary),
which also reads well in log files and CI output where a redrawn bar does not.
"""
from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def _has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


class ProgressBar:
    """One epoch's progress: ``update(batch_size, loss)`` after every batch, ``close()`` at the end.

    Args:
        total: number of batches in the epoch (None if unknown).
        desc: label in front, e.g. ``"epoch 3/10"``.
        file: stream to write to. Default ``sys.stderr``.
        plain: print plain lines even when tqdm is installed. Default False.
        every: seconds between plain lines. Default 5.0.

    Example:
        >>> bar = ProgressBar(2, "epoch 1/1", plain=True, file=sys.stdout, every=0.0)
        >>> bar.update(32, 0.5)  # doctest: +ELLIPSIS
        epoch 1/1 [1/2] loss 0.5000 ... samples/s
        >>> bar.close()
    """

    def __init__(self, total: int | None, desc: str = "", file: TextIO | None = None,
                 plain: bool = False, every: float = 5.0) -> None:
        self.total, self.desc, self.every = total, desc, every
        self.file = file if file is not None else sys.stderr
        self.batches = self.samples = 0
        self.loss_sum = 0.0
        self.start = self._last_print = time.perf_counter()
        self._tqdm = None
        # a redrawn bar is noise in a log file or CI output: tqdm only on a terminal
        if not plain and _has_tqdm() and getattr(self.file, "isatty", lambda: False)():
            from tqdm.auto import tqdm
            self._tqdm = tqdm(total=total, desc=desc, file=self.file, unit="batch",
                              leave=False, dynamic_ncols=True)

    @property
    def loss(self) -> float:
        """Mean loss over the batches so far."""
        return self.loss_sum / self.batches if self.batches else float("nan")

    @property
    def rate(self) -> float:
        """Samples per second since the start of the epoch."""
        return self.samples / max(time.perf_counter() - self.start, 1e-9)

    def update(self, batch_size: int, loss: float) -> None:
        self.batches += 1
        self.samples += batch_size
        self.loss_sum += loss
        if self._tqdm is not None:
            self._tqdm.update(1)
            self._tqdm.set_postfix_str(f"loss {self.loss:.4f}, {self.rate:,.0f} samples/s", refresh=False)
        elif time.perf_counter() - self._last_print >= self.every:
            self._print()

    def _print(self) -> None:
        self._last_print = time.perf_counter()
        count = f"[{self.batches}/{self.total}]" if self.total else f"[{self.batches}]"
        print(f"{self.desc} {count} loss {self.loss:.4f}  {self.rate:,.0f} samples/s",
              file=self.file, flush=True)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
