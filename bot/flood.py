"""Per-user flood control: a token bucket per user, refilled continuously.

Telegram's own limits are PTB's `AIORateLimiter`'s job; this one keeps a single
user from monopolising the engine. A user over the limit gets one polite note
(`Verdict.WARN`), then silence (`Verdict.DROP`) until a token is available
again. Other users are untouched: nothing here waits or sleeps.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit, first time since the last allowed question
    DROP = "drop"  # over the limit, already warned


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class FloodLimiter:
    """`per_minute` questions a minute per user, with bursts up to `per_minute`.

    Memory is bounded: past `max_users` the least recently seen users are
    forgotten (a forgotten user simply starts with a full bucket).
    """

    def __init__(
        self,
        per_minute: int,
        *,
        max_users: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._max_users = max_users
        self._clock = clock
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def check(self, user_id: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets[user_id] = bucket
            if len(self._buckets) > self._max_users:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(user_id)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN
