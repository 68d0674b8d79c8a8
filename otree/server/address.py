"""Parsing `[ADDR:]PORT` arguments and checking that the port is free before uvicorn starts."""

from __future__ import annotations

import errno
import socket

from otree.errors import OtreeError


class ServerError(OtreeError):
    """The server cannot start (bad address, port in use); printed as one message, exit code 1."""


def parse_addrport(value: str | None, default_host: str, default_port: int) -> tuple[str, int]:
    """'8000' -> (default_host, 8000); '0.0.0.0:80' -> ('0.0.0.0', 80); '[::1]:8000' -> ('::1', 8000)."""
    if value is None or value == "":
        return default_host, default_port
    value = value.strip()
    host, port_text = default_host, value
    if value.startswith("["):
        end = value.find("]")
        if end == -1 or not value[end + 1:].startswith(":"):
            raise ServerError(f"Cannot read the address {value!r}: write an IPv6 address as [::1]:8000.")
        host, port_text = value[1:end], value[end + 2:]
    elif ":" in value:
        host, port_text = value.rsplit(":", 1)
        if not host:
            host = default_host
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ServerError(
            f"{port_text!r} is not a valid port number: use a number from 1 to 65535, "
            "optionally after an address (for example 8000 or 0.0.0.0:8000)."
        )
    return host, int(port_text)


def browser_url(host: str, port: int) -> str:
    """The address to type into a browser on this machine."""
    if host in ("0.0.0.0", "", "::"):
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def ensure_port_free(host: str, port: int) -> None:
    """Fail early, in one line, when another program already listens on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ServerError(f"Cannot use the address {host!r}: {exc.strerror}.") from None
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Same option uvicorn sets, so a port in TIME_WAIT after a restart counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(infos[0][4])
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServerError(
                f"Port {port} is already in use (maybe another otree server is still running). "
                f"Stop that program, or choose another port, for example: otree devserver {port + 1}"
            ) from None
        if exc.errno == errno.EACCES:
            raise ServerError(
                f"Not allowed to listen on port {port}: ports below 1024 need administrator rights. "
                "Choose a port such as 8000."
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServerError(f"{host!r} is not an address of this computer; use 127.0.0.1 or 0.0.0.0.") from None
        raise ServerError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None
    finally:
        probe.close()
