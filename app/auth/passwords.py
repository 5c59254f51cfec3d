"""Password hashing with argon2id (argon2-cffi), off the event loop."""

from __future__ import annotations

import asyncio
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults (RFC 9106 low-memory profile). Tests swap in cheaper parameters;
# hashes made with other parameters are upgraded at the next successful login.
hasher = PasswordHasher()


@functools.cache
def _dummy_hash(current: PasswordHasher) -> str:
    # Verified against when the account does not exist, so a wrong username costs as long
    # as a wrong password and timing does not reveal which accounts exist.
    return current.hash("levelith-timing-equaliser")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hasher.hash, password)


def _verify(current: PasswordHasher, stored_hash: str | None, password: str) -> bool:
    try:
        return current.verify(stored_hash or _dummy_hash(current), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash (unknown account) always False, at the same cost."""
    return await asyncio.to_thread(_verify, hasher, stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the current hasher's."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
