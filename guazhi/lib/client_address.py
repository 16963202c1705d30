"""The client's address: REMOTE_ADDR, or X-Forwarded-For only when the request came through a
proxy the operator named (GUAZHI_TRUSTED_PROXIES). A forged header from anyone else must not
move a lockout onto another address or hide the real one in the audit log.

>>> client_address("10.0.0.5", "", [])
'10.0.0.5'
>>> client_address("10.0.0.5", "1.2.3.4", [])
'10.0.0.5'
>>> client_address("10.0.0.1", "6.6.6.6, 1.2.3.4", ["10.0.0.1"])
'1.2.3.4'
>>> client_address("10.0.0.1", "1.2.3.4, 10.0.0.2", ["10.0.0.0/24"])
'1.2.3.4'
>>> client_address("10.0.0.1", "not-an-address", ["10.0.0.1"])
'10.0.0.1'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(t.strip(), strict=False) for t in trusted if t.strip())


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def is_trusted_proxy(remote_addr: str, trusted: Iterable[str]) -> bool:
    return _trusted(remote_addr, _networks(tuple(trusted)))


def client_address(remote_addr: str, forwarded_for: str, trusted: Iterable[str]) -> str:
    """The right-most X-Forwarded-For address that is not one of our proxies: everything left
    of it was written by the client and proves nothing."""
    networks = _networks(tuple(trusted))
    if not forwarded_for or not _trusted(remote_addr, networks):
        return remote_addr
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote_addr
        if not _trusted(hop, networks):
            return hop
    return remote_addr


def request_client_address(request: Any) -> str:
    """client_address() of a Django request, with the proxies from settings."""
    from django.conf import settings

    meta = request.META
    return client_address(
        meta.get("REMOTE_ADDR", ""),
        meta.get("HTTP_X_FORWARDED_FOR", ""),
        getattr(settings, "GUAZHI_TRUSTED_PROXIES", []),
    )
