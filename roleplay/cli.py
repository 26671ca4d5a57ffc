"""The ``roleplay`` command: serve, card validate/convert, chat."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from roleplay.errors import RoleplayError

DESCRIPTION = """Role-play chat with characters from novels.

  roleplay serve                 start the server (embedded Redis, canon mode if no LLM is set)
  roleplay chat                  chat in the terminal with a running server
  roleplay card validate FILE    check a character card (PNG or JSON, V1/V2/V3)
  roleplay card convert IN OUT   convert a card between JSON and PNG, V1/V2/V3
  roleplay extract NOVEL.txt     build a roster, quotes, cards and a lorebook from a novel
  roleplay moderate --in F --out F   screen a JSONL batch with the moderation layer

Settings come from the environment (ROLEPLAY_*, REDIS_URL, OPENAI_BASE_URL,
OPENAI_API_KEY) or a .env file; see README.md."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roleplay", description=DESCRIPTION, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the chat server and print its URL")
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8080)")
    serve.add_argument(
        "--data-dir", type=Path, help="where Redis data and keys live (default .data)"
    )

    card = sub.add_parser("card", help="validate or convert character cards")
    card_sub = card.add_subparsers(dest="card_command", required=True, metavar="ACTION")
    validate = card_sub.add_parser("validate", help="exit 0 if FILE is a valid card")
    validate.add_argument("file", type=Path)
    convert = card_sub.add_parser("convert", help="convert IN to OUT; formats by extension")
    convert.add_argument("input", type=Path)
    convert.add_argument("output", type=Path, help="a .json or .png path")
    convert.add_argument(
        "--spec",
        choices=["v1", "v2", "v3"],
        default="v3",
        help="card spec to write (default v3; PNG always carries V2 and V3)",
    )

    chat = sub.add_parser("chat", help="chat in the terminal with a running server")
    chat.add_argument("--url", default="http://127.0.0.1:8080", help="server URL")
    chat.add_argument("--token", help="reader token or API key (default: sign up and remember)")
    chat.add_argument("--name", help="your name when signing up")
    chat.add_argument("--card", help="character card id (default: the first listed)")
    chat.add_argument("--chat", dest="chat_id", help="continue this chat id")
    chat.add_argument("--chapter", type=int, help="how far you have read (no spoilers after it)")
    chat.add_argument("--message", "-m", help="send one message, print the reply, exit")

    from characters.extract import cli as extract_cli
    from safety import cli as moderate_cli

    extract_cli.add_parser(sub)
    moderate_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "card":
            from roleplay.cli_card import run_card

            return run_card(args)
        if args.command == "extract":
            from characters.extract import cli as extract_cli

            return extract_cli.run(args)
        if args.command == "moderate":
            from safety import cli as moderate_cli

            return moderate_cli.run(args)
        from roleplay.cli_chat import run_chat

        return asyncio.run(run_chat(args))
    except RoleplayError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def serve(args: argparse.Namespace) -> int:
    from roleplay.server import run_server
    from roleplay.settings import Settings

    given = {"host": args.host, "port": args.port, "data_dir": args.data_dir}
    run_server(Settings(**{k: v for k, v in given.items() if v is not None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
