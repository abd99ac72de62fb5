"""The anti-spam guards of the public forms (依申请公开, 在线申请): a small signed sum to answer,
each token good for one attempt, and a hidden field that people leave empty.

GB/T 22239-2019 8.1.4.2 c (抗重放): a used token is remembered in the shared cache until it would
expire anyway, so a replayed token cannot carry a batch of posts nor try every answer.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.core.cache import cache

CHALLENGE_SALT = "disclosure-challenge"  # the first form's salt: tokens already shown stay valid
CHALLENGE_MAX_AGE = 3600


def new_challenge() -> tuple[str, str]:
    """(question, signed token) of a small addition."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    # A nonce makes every token unique: two forms shown in the same second with the same sum
    # would otherwise get the same token, and the second submission would count as a replay.
    return f"{a} 加 {b} 等于几？", signing.dumps([a + b, secrets.token_hex(8)], salt=CHALLENGE_SALT)


def consume_challenge(token: str) -> bool:
    """Mark a signed challenge as used; False if it was used before (a replay).

    Each token answers one submission attempt, right or wrong.
    """
    return cache.add(f"challenge-used:{hashlib.sha256(token.encode()).hexdigest()}", 1, CHALLENGE_MAX_AGE + 60)


def challenge_error(token: str | None, answer: int | None) -> str:
    """Why the answer to the challenge of ``token`` is not accepted ("" when it is); uses the token up."""
    try:
        payload = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        expected = payload[0] if isinstance(payload, list) else payload  # tokens from before the nonce
    except signing.BadSignature:
        return "验证问题已过期，请回答新的问题。"
    if not consume_challenge(token or ""):
        return "验证问题已经使用过，请回答新的问题。"
    if answer is not None and answer != expected:
        return "验证问题回答不正确。"
    return ""
