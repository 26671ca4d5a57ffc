"""Personal data in a text: ID, social-security, phone and card numbers, e-mail addresses.

Read from the raw text, digits and separators as written. A card number must pass the Luhn
check, and bytes written in binary (01101000 …) are not one.
"""

from __future__ import annotations

import re

_PII: list[tuple[float, str, re.Pattern[str]]] = [
    (
        0.9,
        "ID card number",
        re.compile(r"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0\d|1[0-2])\d{5}[\dxX](?!\d)"),
    ),
    (0.9, "SSN", re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")),
    (
        0.7,
        "phone number",
        re.compile(
            r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}(?!\d)|"
            r"(?<!\d)07\d{3} ?\d{6}(?!\d)"  # UK mobile
        ),
    ),
    (0.6, "email address", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]{2,}\b")),
]
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){13,19}(?!\d)")


def found(raw: str) -> list[tuple[float, str]]:
    """(weight, reason) for each kind of personal data in the raw text."""
    out = []
    for weight, name, pattern in _PII:
        if pattern.search(raw):
            out.append((weight, f"contains a {name}"))
    for m in _CARD.finditer(raw):
        digits = re.sub(r"\D", "", m.group(0))
        # 01101000 01101111...: bytes written in binary, not a card
        if 13 <= len(digits) <= 19 and set(digits) - {"0", "1"} and _luhn(digits):
            out.append((0.9, "contains a payment card number"))
    return out


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
