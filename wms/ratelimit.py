"""RATE_LIMIT_PER_MINUTE requests per client IP on the API, counted in the shared cache.

Only paths under /api/ and OAuth2's /o/ are counted, together: a client's token requests and
its API requests (with any credentials) spend one budget. Health checks and metrics never are.
django-ratelimit keeps one counter per client and fixed minute window in the ``default`` cache
(Redis in any deployment), so every worker and every instance counts together.
"""

import functools
import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django_ratelimit.core import get_usage

from wms.signals import security_event

API_PREFIX = "/api/"
LIMITED_PREFIXES = (API_PREFIX, "/o/")


def client_ip(request) -> str:
    """REMOTE_ADDR, or the client a trusted proxy names in X-Forwarded-For.

    The header is read from the nearest hop backwards and only through TRUSTED_PROXIES: the
    first address not of a trusted proxy is the client. Anyone else may write anything there.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while _is_in(address, proxies) and hops:
        candidate = hops.pop()
        if _parse(candidate) is None:
            break  # a malformed entry: the nearest proxy is the best client we know
        address = candidate
    return address


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _is_in(address: str, networks) -> bool:
    ip = _parse(address)
    return ip is not None and any(ip in network for network in networks)


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.RATE_LIMIT_PER_MINUTE
        # 0 turns limiting off (benchmarks, a trusted internal network).
        if limit and request.path.startswith(LIMITED_PREFIXES):
            usage = get_usage(request, group="api", key="ip", rate=f"{limit}/m", increment=True)
            if usage is not None and usage["should_limit"]:
                security_event.send(
                    sender=RateLimitMiddleware,
                    action="rate_limited",
                    request=request,
                    details={"limit_per_minute": limit},
                )
                return self._refuse(limit, retry_after=max(1, usage["time_left"]))
        return self.get_response(request)

    @staticmethod
    def _refuse(limit: int, retry_after: int):
        response = JsonResponse(
            {
                "detail": (
                    f"Too many requests: at most {limit} a minute per client. "
                    f"Retry in {retry_after} seconds."
                ),
                "code": "rate_limited",
            },
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response


class UntrustedProxyHeadersMiddleware:
    """Outermost but one: with TRUSTED_PROXIES set, X-Forwarded-Proto (and whatever header
    SECURE_PROXY_SSL_HEADER names) counts only on requests that come from one of them; anyone
    else could claim HTTPS. X-Forwarded-For is read the same way by ``client_ip``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
        if proxies and not _is_in(request.META.get("REMOTE_ADDR", ""), proxies):
            header = (settings.SECURE_PROXY_SSL_HEADER or ("HTTP_X_FORWARDED_PROTO",))[0]
            for name in {header, "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"}:
                request.META.pop(name, None)
        return self.get_response(request)
