"""Who is asking: the client address behind trusted reverse proxies, and the keys the
wrong-code limit counts against (see docs/ballot-secrecy.md, "Wrong codes")."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PREFIX_CHARS = 6


class BadProxySetting(ValueError):
    """A trusted proxy that is not an IP address or network."""


def parse_trusted(entries: Iterable[str]) -> tuple[Network, ...]:
    """'10.0.0.1, 192.168.0.0/24' (or a list of such) -> networks; refuses anything else."""
    networks: list[Network] = []
    for entry in entries:
        for part in entry.split(","):
            if not part.strip():
                continue
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError as exc:
                raise BadProxySetting(
                    f"trusted proxy {part.strip()!r} is not an IP address or network "
                    "(e.g. 127.0.0.1 or 10.0.0.0/8)"
                ) from exc
    return tuple(networks)


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The peer itself unless it is a trusted proxy; then the right-most X-Forwarded-For
    entry that is not a trusted proxy (entries further left are whatever the client wrote)."""
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def code_target(typed: str) -> str:
    """The guess target a wrong code counts against: its first characters, normalised."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())
    return cleaned[:PREFIX_CHARS]
