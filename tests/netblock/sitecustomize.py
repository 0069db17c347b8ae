"""Loaded by every Python process the tests start (via PYTHONPATH): no network, ever.

Any attempt to connect an internet socket raises and is recorded on stderr, so a test
that spawns ctviewer as a subprocess still proves the code never reaches out.
"""

from __future__ import annotations

import socket
import sys

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(OSError):
    pass


def _guard(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        sys.stderr.write(f"NETWORK-BLOCKED: connect to {address!r}\n")
        raise NetworkBlocked(f"network access is blocked in tests (tried {address!r})")


def _connect(self: socket.socket, address: object) -> None:
    _guard(self, address)
    _real_connect(self, address)


def _connect_ex(self: socket.socket, address: object) -> int:
    _guard(self, address)
    return _real_connect_ex(self, address)


socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
