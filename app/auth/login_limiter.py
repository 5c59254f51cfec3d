"""Refuse logins after repeated failures, per account, for a while.

Failures are counted in a Litestar store under the account's id, whichever name (username or
e-mail, any case) was typed and from whichever client: an attacker cannot buy more guesses by
switching names or addresses. A login name that matches no account is counted under the name
itself, so unknown and known names answer alike. The count expires with the window, so a
locked account can try again `window` seconds after its first failure; a successful login
clears it. The price is that anyone can lock an account for 15 minutes by guessing wrong.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import msgspec
from litestar.stores.base import Store

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class _Failures(msgspec.Struct):
    count: int
    first_at: float


@dataclass(frozen=True)
class LoginLimiter:
    store: Store
    max_failures: int = MAX_FAILURES
    window_seconds: int = WINDOW_SECONDS

    @staticmethod
    def key(account: str) -> str:
        """`account`: the user's id, or the lower-cased login name when no account has it."""
        # Hashed so that no e-mail address sits in the store in clear.
        return hashlib.sha256(account.strip().lower().encode()).hexdigest()

    async def _read(self, key: str) -> _Failures | None:
        raw = await self.store.get(key)
        return msgspec.json.decode(raw, type=_Failures) if raw else None

    async def retry_after(self, key: str) -> int | None:
        """Seconds until the pair may try again, or None when it may try now."""
        failures = await self._read(key)
        if failures is None or failures.count < self.max_failures:
            return None
        remaining = int(failures.first_at + self.window_seconds - time.time()) + 1
        return max(remaining, 1)

    async def record_failure(self, key: str) -> None:
        now = time.time()
        failures = await self._read(key) or _Failures(count=0, first_at=now)
        failures.count += 1
        expires_in = max(int(failures.first_at + self.window_seconds - now) + 1, 1)
        await self.store.set(key, msgspec.json.encode(failures), expires_in=expires_in)

    async def clear(self, key: str) -> None:
        await self.store.delete(key)
