"""A Redis cache that treats an unreachable Redis as an empty cache.

Nothing in Rounds keeps its only copy in the cache (sessions are ``cached_db``: PostgreSQL is
the truth), so when Redis is down or slow a read is a miss, a write is dropped, and a warning is
logged; pages keep answering. Short socket timeouts keep a vanished Redis from holding a request.

    CACHES = {"default": {"BACKEND": "apps.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def _tolerant(fallback):
    """Run the RedisCache method; on a connection or timeout error log and return ``fallback``
    (called with the method's arguments, so a ``get`` can return its own default)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning("cache unavailable, %s ignored: %s", method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found")  # what incr/decr say for a key that is not cached


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    add = _tolerant(lambda *args, **kwargs: False)(RedisCache.add)
    get = _tolerant(lambda key, default=None, *args, **kwargs: default)(RedisCache.get)
    set = _tolerant(lambda *args, **kwargs: None)(RedisCache.set)
    touch = _tolerant(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _tolerant(lambda *args, **kwargs: False)(RedisCache.delete)
    get_many = _tolerant(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *args, **kwargs: False)(RedisCache.has_key)
    incr = _tolerant(_missing_key)(RedisCache.incr)
    set_many = _tolerant(lambda keys, *args, **kwargs: list(keys))(RedisCache.set_many)  # "not set"
    delete_many = _tolerant(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _tolerant(lambda *args, **kwargs: False)(RedisCache.clear)
