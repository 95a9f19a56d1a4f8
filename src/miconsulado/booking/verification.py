"""Verification codes for a hold's contact: drawn, stored, compared, and carried to the message.

A code is 6 digits drawn by `secrets`. The database keeps only a salted HMAC of it (keyed with
SECRET_KEY): a copy of the table does not give the codes, and without the key a 10**6 search per
row is not even possible. Comparisons are constant-time (hmac.compare_digest).

The message must carry the code itself, and it is written by notifications from booking's event,
after commit. The event carries it *sealed* (`seal`): the code plus a key stream drawn from
SECRET_KEY and the row's own salt, modulo 10**6. The event's task row (shown in the admin's task
list) therefore holds six digits that are not the code; only notifications, which has the key,
opens it (`unseal`) when it writes the message. Even a leaked row would be short-lived: a code
dies after VERIFICATION_CODE_TTL_SECONDS (10 minutes) or 5 wrong attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

CODE_DIGITS = 6
_MODULUS = 10**CODE_DIGITS
_HASH_PURPOSE = b"miconsulado.booking.verification.hash:"
_SEAL_PURPOSE = b"miconsulado.booking.verification.seal:"


def new_code() -> str:
    return f"{secrets.randbelow(_MODULUS):0{CODE_DIGITS}d}"


def new_salt() -> str:
    return secrets.token_hex(16)


def _key() -> bytes:
    return str(settings.SECRET_KEY).encode()


def hash_code(code: str, salt: str) -> str:
    return hmac.new(_key(), _HASH_PURPOSE + salt.encode() + b":" + code.encode(), hashlib.sha256).hexdigest()


def matches(code: str, *, salt: str, code_hash: str) -> bool:
    """Whether `code` (as typed) is the one hashed, in constant time for codes of the right shape."""
    typed = normalize(code)
    # A typed value of the wrong shape is compared all the same (against a hash it cannot match),
    # so that the time taken says nothing about what was typed.
    return hmac.compare_digest(hash_code(typed, salt), code_hash) and is_well_formed(typed)


def normalize(code: str) -> str:
    """What a person typed: without spaces or dashes ("123 456", "123-456")."""
    return re.sub(r"[\s\-]", "", code or "")


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def _stream(salt: str) -> int:
    digest = hmac.new(_key(), _SEAL_PURPOSE + salt.encode(), hashlib.sha256).digest()
    # 64 bits modulo 10**6: the bias is below 1e-13.
    return int.from_bytes(digest[:8], "big") % _MODULUS


def seal(code: str, salt: str) -> str:
    """The code masked with a key only the server has (a one-time pad: each salt seals one code)."""
    return f"{(int(code) + _stream(salt)) % _MODULUS:0{CODE_DIGITS}d}"


def unseal(sealed: str, salt: str) -> str:
    return f"{(int(sealed) - _stream(salt)) % _MODULUS:0{CODE_DIGITS}d}"
