"""The test run itself proves ctviewer never connects: sockets are blocked here and in children."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


@pytest.fixture
def listener() -> socket.socket:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    srv.settimeout(0.2)
    yield srv
    srv.close()


def test_connect_is_blocked_in_process(listener: socket.socket) -> None:
    with pytest.raises(OSError, match="network access is blocked"):
        socket.create_connection(listener.getsockname(), timeout=1)
    with pytest.raises(TimeoutError):
        listener.accept()


def test_connect_is_blocked_in_subprocesses(listener: socket.socket) -> None:
    host, port = listener.getsockname()
    code = f"import socket; socket.create_connection(({host!r}, {port}), timeout=1)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "NETWORK-BLOCKED" in proc.stderr
    with pytest.raises(TimeoutError):
        listener.accept()
