"""The host names a preview answers to: its own, so that no other site can read it (DNS rebinding).

A page on evil.example can make its own name resolve to 127.0.0.1 and then read what
``http://evil.example:8000/`` serves, unless the server checks the ``Host`` header: the browser
sends the name it used, which is evil.example.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket


def own_host_names(host: str, bound: str) -> frozenset[str]:
    """Return the host names a request may use for a preview listening on ``host`` (bound to ``bound``).

    This computer's names and loopback addresses, the address it listens on, and the name given
    with ``--host``; when it listens on every address, also this computer's host name.
    """
    names = {"localhost", "localhost.", "127.0.0.1", "[::1]"}
    for given in (host, bound):
        given = given.strip().lower()
        if given and given not in ("0.0.0.0", "::"):
            names.add(f"[{given}]" if ":" in given else given)
    if host in ("0.0.0.0", "::", ""):
        with contextlib.suppress(OSError):
            machine = socket.gethostname().lower()
            names.update({machine, f"{machine}.local", socket.getfqdn().lower()})
    return frozenset(names)


def split_host(header: str) -> tuple[str, str | None]:
    """Return (host, port or None) of a Host header: ``[::1]:8000`` -> (``[::1]``, ``8000``)."""
    if header.startswith("["):
        end = header.find("]")
        if end < 0:
            return header, None
        rest = header[end + 1:]
        return header[: end + 1], rest[1:] if rest.startswith(":") else None
    host, colon, port = header.rpartition(":")
    return (host, port) if colon else (header, None)


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]") else host)
    except ValueError:
        return False
    return True
