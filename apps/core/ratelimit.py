"""Fixed-window counters in the cache: how often a key (an address, an e-mail hash, a site) was
used in the current window. The password-reset throttle and the public booking page count with it.

The cache is Redis in production (shared by every worker; an unreachable Redis counts nothing and
lets the request through, see apps.core.cache) and locmem in tests.

    if not rate_allowed([("booking:ip:203.0.113.5", 20), ("booking:site:<uuid>", 200)], window=3600):
        ...  # over a limit: refuse, write nothing
"""

from django.core.cache import cache

HOUR = 3600


def rate_count(key: str, *, window: int = HOUR) -> int:
    """Count one use of ``key`` in its window (which starts with the first use) and return the count so far."""
    key = f"rounds:rate:{key}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def rate_allowed(limits, *, window: int = HOUR) -> bool:
    """Count one use against each ``(key, limit)`` of ``limits``; False when any is over its limit.
    Every key is counted (an address over its limit still counts against the site)."""
    allowed = True
    for key, limit in limits:
        allowed = rate_count(key, window=window) <= limit and allowed
    return allowed
