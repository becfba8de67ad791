"""The real data directory, and a local HTTP server standing in for the download mirrors."""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``$ROSENBLATT_DATA`` (set by ``.ci/run``), else ``shared/data`` beside the repository.

    A missing directory fails the test: these tests exist to read the real files.
    """
    env = os.environ.get("ROSENBLATT_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    assert path.is_dir(), (f"dataset directory {path} not found; set ROSENBLATT_DATA to the folder holding "
                           "mnist/, fashion-mnist/, tinyshakespeare/ and fsdd/")
    return path.resolve()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path):
    """``(folder, base_url)``: files written into ``folder`` are served at ``base_url`` on 127.0.0.1."""
    folder = tmp_path / "served"
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
