"""Counting attempts per client in a time window, for public forms that take no login."""

from __future__ import annotations

from django.core.cache import cache


def attempts_counted(key: str, window_seconds: int) -> int:
    """Count one more attempt under ``key`` and return how many the window holds; the window starts at
    the first attempt. Django's cache, so the count is shared between processes when the cache is."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1
