"""Where webhooks may go: http(s) only, and by default only to public addresses.

A subscription's URL is checked when it is saved (a 400) and again at every delivery, after the
name is resolved, and the connection is made to the very address that was checked, so a name
that later resolves to an internal address (DNS rebinding) reaches nothing it must not.
WEBHOOK_ALLOW_PRIVATE_URLS=True lifts the address rule for development and tests.
"""

import http.client
import ipaddress
import socket
import threading
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = {"http": 80, "https": 443}


class AddressNotAllowed(ValueError):
    """The URL may not be called; the message says why."""


def resolve(url: str) -> tuple[str, int, str]:
    """(host, port, address to connect to) for ``url``, or AddressNotAllowed."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise AddressNotAllowed("Only http and https URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise AddressNotAllowed("The URL has no host.")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError as exc:
        raise AddressNotAllowed("The URL's port is not a number from 1 to 65535.") from exc
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressNotAllowed(f"The host {host} cannot be resolved.") from exc
    addresses = [info[4][0] for info in found]
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not _is_public(address):
                raise AddressNotAllowed(
                    f"{host} resolves to {address}, a loopback, private, link-local or "
                    "reserved address; webhooks go to public addresses only."
                )
    return host, port, addresses[0]


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052, and the
# deprecated IPv4-compatible form): the IPv4 address is where the packet ends up.
_EMBEDDING_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
# Local-use NAT64 (RFC 8215): translated inside someone's network, never a public receiver.
_NEVER_PUBLIC = (ipaddress.ip_network("64:ff9b:1::/48"),)


def _is_public(address: str) -> bool:
    """A global unicast address, also when an IPv4 address hides inside an IPv6 one (mapped,
    NAT64, 6to4, Teredo, IPv4-compatible): Python calls 64:ff9b::7f00:1 (127.0.0.1 through
    NAT64) and 2002:7f00:1:: (6to4) global, while the packet goes to loopback."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _NEVER_PUBLIC):
            return False
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        embedded += [
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            for network in _EMBEDDING_IPV4
            if ip in network
        ]
        if any(inner is not None and not _is_public(str(inner)) for inner in embedded):
            return False
        if ip.ipv4_mapped is not None:
            return True  # the IPv4 address decided
    return ip.is_global and not ip.is_multicast


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


# Enough of a receiver's answer to show in the delivery log; the rest is not read.
MAX_RESPONSE_BYTES = 4096


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST ``body`` to ``url``; the response's status. Redirects are answers, not followed.

    ``timeout`` bounds each wait on the network, and twice it the whole exchange: a receiver
    that trickles its answer byte by byte is cut off (a delivery's lease must outlast it).
    Raises AddressNotAllowed, or OSError / http.client.HTTPException when the receiver cannot
    be reached or answers nonsense.
    """
    host, port, address = resolve(url)
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout)
    expired = threading.Event()
    deadline = threading.Timer(2 * timeout, _cut_off, args=[connection, expired])
    deadline.start()
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
    finally:
        deadline.cancel()
        connection.close()
    if expired.is_set():
        # Cut off mid-answer, whatever of it arrived (a status line, say) does not count.
        raise TimeoutError(f"The receiver took more than {2 * timeout:g} s to answer.")
    return response.status


def _cut_off(connection, expired: threading.Event) -> None:
    # Shutting the socket down wakes the blocked read in the delivering thread.
    expired.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed
