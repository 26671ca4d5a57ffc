"""``roleplay card validate|convert``."""

from __future__ import annotations

import argparse
import sys

from characters.cardfile import read_card_file, write_card_file


def run_card(args: argparse.Namespace) -> int:
    if args.card_command == "validate":
        card = read_card_file(args.file)
        book = card.data.character_book
        print(
            f"ok: {args.file}: {card.data.name!r}, {len(card.canon_lines())} canon lines, "
            f"lorebook entries: {len(book.entries) if book else 0}"
        )
        return 0
    card = read_card_file(args.input)
    write_card_file(card, args.output, spec=args.spec)
    print(f"wrote {args.output} ({args.spec}, {card.data.name!r})", file=sys.stderr)
    return 0
