"""Turning untrusted card JSON into clear ``CardError``s.

Two jobs: enforce size limits before pydantic sees the data (so a 50 MB field
or a deeply nested bomb costs one cheap walk, not a full validation), and turn
pydantic's ``ValidationError`` into one message that names the field path the
way a card author sees it: ``data.alternate_greetings[2]: expected a string``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from roleplay.errors import CardError

MAX_TEXT_CHARS = 200_000
MAX_CARD_BYTES = 8 * 1024 * 1024
MAX_LORE_ENTRIES = 5_000
MAX_DEPTH = 64

M = TypeVar("M", bound=BaseModel)

_PROBLEMS = {
    "string_type": "expected a string",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected an integer",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "missing": "is required",
    "extra_forbidden": "is not a known field",
}


def join_path(prefix: str, loc: Iterable[int | str]) -> str:
    """``("data", "tags", 2)`` -> ``data.tags[2]``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else part
    return path or "(card)"


def _problem(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return _PROBLEMS.get(kind, err["msg"])


def card_error_from(exc: ValidationError, prefix: str = "") -> CardError:
    """One readable message for the first problem; every problem in ``detail``."""
    problems = [
        {"path": join_path(prefix, err["loc"]), "problem": _problem(err)}
        for err in exc.errors(include_url=False)
    ]
    first = problems[0]
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return CardError(f"{first['path']}: {first['problem']}{more}", detail=problems)


def validate_as(model: type[M], raw: object, prefix: str = "") -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise card_error_from(exc, prefix) from None


def check_limits(obj: object, prefix: str = "") -> None:
    """Reject oversized text, oversized cards and absurd nesting before validating.

    Iterative on purpose: a recursive walk over attacker-controlled nesting is
    itself a way to crash the importer.
    """
    total = 0
    stack: list[tuple[tuple[int | str, ...], object, int]] = [((), obj, 0)]
    while stack:
        loc, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CardError(
                f"{join_path(prefix, loc)}: nested more than {MAX_DEPTH} levels deep; "
                "a card is never shaped like that, check the file"
            )
        if isinstance(value, str):
            total += _check_text(value, prefix, loc)
        elif isinstance(value, Mapping):
            total += sum(len(str(k)) + 4 for k in value)
            stack.extend(((*loc, str(k)), v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*loc, i), v, depth + 1) for i, v in enumerate(value))
        else:
            total += 8
        if total > MAX_CARD_BYTES:
            raise CardError(
                f"the card is larger than {MAX_CARD_BYTES // (1024 * 1024)} MB; "
                "split long material into a lorebook or shorten it",
            )


def _check_text(text: str, prefix: str, loc: tuple[int | str, ...]) -> int:
    if len(text) > MAX_TEXT_CHARS:
        raise CardError(
            f"{join_path(prefix, loc)} is {len(text):,} characters long; the limit for one "
            f"text field is {MAX_TEXT_CHARS:,}. Shorten it or move it into lorebook entries.",
            detail={"path": join_path(prefix, loc), "length": len(text)},
        )
    # Bytes, not characters: the limit is on the JSON a client uploads.
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def drop_nulls(raw: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """``null`` for a field with a non-null default means "absent" in real cards."""
    out = dict(raw)
    for name, field in model.model_fields.items():
        key = field.alias or name
        if out.get(key, 0) is None and field.default is not None and not field.is_required():
            del out[key]
    return out
