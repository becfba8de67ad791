"""Datasets read from files in a data directory, downloaded and checked when missing.

The data directory is the ``root`` argument, else ``$ROSENBLATT_DATA``, else
``~/.cache/rosenblatt``, laid out as::

    mnist/train-images-idx3-ubyte.gz ...      fashion-mnist/train-images-idx3-ubyte.gz ...
    tinyshakespeare/input.txt                 fsdd/recordings.tar
    movielens/ml-100k/u.data (u1.base ...)

``download=True`` (the default) fetches only missing files, to a temporary
file in the same folder, and moves it into place once its published checksum
matches.  Present files are checked once per process; a wrong one raises
``ChecksumError`` naming the file and both checksums.  With the files in place
nothing touches the network.
"""
from __future__ import annotations

from ._files import ChecksumError, data_root
from .audio import SpokenDigits, pad_collate
from .digits import Digits
from .mnist import MNIST, FashionMNIST
from .movielens import MovieLens
from .text import TinyShakespeare

__all__ = ["ChecksumError", "Digits", "FashionMNIST", "MNIST", "MovieLens", "SpokenDigits", "TinyShakespeare",
           "data_root", "pad_collate"]
