"""A Redis cache that treats an unreachable Redis as an empty cache.

Nothing in Rounds keeps its only copy in the cache (sessions are ``cached_db``: PostgreSQL is
the truth), so when Redis is down or slow a read is a miss, a write is dropped, and a warning is
logged; pages keep answering. Short socket timeouts keep a vanished Redis from holding a request.

    CACHES = {"default": {"BACKEND": "apps.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
"""

import functools
import logging
import uuid

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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


class _ReusedClients(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` (and its table of response callbacks) for
    every cache call — three per page. A ``redis.Redis`` over a connection pool is thread-safe,
    so one per pool is kept and reused."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_rounds_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _ReusedClients

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


# --- Values cached until the data under them changes (token-versioned) ---------------------
# A reader gets the value and its scope's token in one round trip; the value counts only when it
# was stored under the current token. A writer replaces the token once its transaction commits,
# so a reader that computed from the old rows stored its value under a token nobody asks for any
# more: no race leaves a stale value behind, and an evicted token cannot bring an old value back
# (tokens are random, never counters). Redis down: every read computes, nothing is stored.
TOKEN_SECONDS = 24 * 3600


def cached_until_changed(key: str, token_key: str, compute, *, timeout: int = 600):
    """``compute()``, or the value stored for ``key`` since ``token_key`` last changed."""
    from django.core.cache import cache

    found = cache.get_many([key, token_key])
    token = found.get(token_key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(token_key, token, TOKEN_SECONDS):
            token = cache.get(token_key) or token
    stored = found.get(key)
    if stored is not None and stored[0] == token:
        return stored[1]
    value = compute()
    cache.set(key, (token, value), timeout)
    return value


def mark_changed(*token_keys: str) -> None:
    """The data under these tokens changed: their cached values stop counting now (the writer's
    own transaction reads its new rows) and again once that transaction commits (another request
    may have cached the old rows in between)."""
    from django.core.cache import cache
    from django.db import transaction

    def replace():
        cache.set_many({token_key: uuid.uuid4().hex for token_key in token_keys}, TOKEN_SECONDS)

    if token_keys:
        replace()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(replace)


class CompanyPageCache:
    """A page's costly part (its HTML, what it names) cached per key until the company's data under it
    changes: ``cached_until_changed`` under one token per company, replaced by ``changed`` — which the
    model signals connected with ``connect`` call on any save or delete (and m2m change) of what the
    page shows. A bulk write (``QuerySet.update``, ``bulk_create``) sends no signal: its caller calls
    ``changed`` itself. Used by the day view (apps.scheduling.book_cache) and the ward MAR
    (apps.hospital.mar_cache); the page checks access before it asks, and keeps per request what
    depends on the reader or the time."""

    def __init__(self, name: str, *, seconds: int = 600):
        self.name, self.seconds = name, seconds

    def token(self, company_id) -> str:
        return f"{self.name}-token:{company_id}"

    def changed(self, *, company_id) -> None:
        """The company's data under this page changed: every value cached for it stops counting."""
        if company_id is not None:
            mark_changed(self.token(company_id))

    def get(self, *, company_id, key: str, compute):
        """``compute()``, or what it returned for ``key`` since the company's last change."""
        return cached_until_changed(f"{self.name}:{company_id}:{key}", self.token(company_id), compute,
                                    timeout=self.seconds)

    def connect(self, models, *, m2m=()) -> None:
        """Any save or delete of ``models``' rows (a service, the admin, a factory), and any change of
        the ``m2m`` through tables, replaces the token of the row's company."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        for model in models:
            label = model._meta.label_lower
            post_save.connect(self._row_changed, sender=model, weak=False, dispatch_uid=f"{self.name}-save-{label}")
            post_delete.connect(self._row_changed, sender=model, weak=False, dispatch_uid=f"{self.name}-delete-{label}")
        for through in m2m:
            m2m_changed.connect(self._row_changed, sender=through, weak=False,
                                dispatch_uid=f"{self.name}-m2m-{through._meta.label_lower}")

    def _row_changed(self, sender, instance, action=None, **kwargs):
        if action is None or action.startswith("post_"):  # m2m_changed: once, after the change
            self.changed(company_id=getattr(instance, "company_id", None))
