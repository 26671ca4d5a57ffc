"""Platform overhead per turn, with the scripted LLM at a fixed speed.

Starts the real server (real embedded Redis, real websocket stack) in a child
process with the scripted LLM, drives N concurrent websocket readers from this
process, and reports time-to-first-token and total time per turn minus what the
scripted model itself takes (its TTFT and token schedule), as p50/p99, plus
turns per second.

    .venv/bin/python bench/turn_overhead.py [--levels 1,50,200] [--turns 5]

Ends with one JSON line:
{"overhead_ms": {"1": {"p50": …, "p99": …}, …}, "turns_per_s": {…}, "errors": 0}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roleplay.llm.scripted import ScriptedLLM  # noqa: E402

REPLY = (
    "林清羽收剑入鞘，淡淡道：清心诀不在快，而在静。你若心浮气躁，练一百遍也是枉然。"
    "先去后山挑三天水，再来问我。"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int, data_dir: str, ttft: float, rate: float) -> None:
    """Child process: the real app with the scripted LLM."""
    from aiohttp import web

    from roleplay.logs import configure_logging
    from roleplay.settings import Settings
    from web.app import create_app

    settings = Settings(
        port=port,
        data_dir=Path(data_dir),
        turns_per_minute=0,
        ws_frames_per_second=1000,
        log_level="WARNING",
    )
    configure_logging("WARNING")
    llm = ScriptedLLM(ttft_s=ttft, tokens_per_s=rate, default=REPLY)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    web.run_app(
        create_app(settings, llm=llm), host="127.0.0.1", port=port, print=None, access_log=None
    )


async def _reader(http: aiohttp.ClientSession, url: str, i: int) -> tuple[dict[str, str], str]:
    async with http.post(f"{url}/api/readers", json={"name": f"bench{i}"}) as r:
        token = (await r.json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    async with http.post(f"{url}/api/chats", json={"card_id": "lin-qingyu"}, headers=auth) as r:
        chat_id = (await r.json())["chat"]["id"]
    return auth, chat_id


async def _one_reader(
    http: aiohttp.ClientSession,
    url: str,
    i: int,
    turns: int,
    out: list[tuple[float, float]],
    errors: list[str],
) -> None:
    auth, chat_id = await _reader(http, url, i)
    async with http.ws_connect(url.replace("http", "ws") + "/ws", headers=auth) as ws:
        await ws.receive_json()  # hello
        await ws.receive_json()  # ready
        for t in range(turns):
            sent = time.perf_counter()
            first = None
            await ws.send_json(
                {
                    "type": "send",
                    "id": str(t),
                    "chat_id": chat_id,
                    "text": f"第{t}问：清心诀怎么练？",
                }
            )
            while True:
                frame = await ws.receive_json()
                if frame["type"] == "chunk" and first is None:
                    first = time.perf_counter()
                elif frame["type"] == "done":
                    out.append(((first or sent) - sent, time.perf_counter() - sent))
                    break
                elif frame["type"] == "error":
                    errors.append(frame["message"])
                    break


async def drive(url: str, n: int, turns: int) -> tuple[list[tuple[float, float]], list[str], float]:
    results: list[tuple[float, float]] = []
    errors: list[str] = []
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn) as http:
        start = time.perf_counter()
        await asyncio.gather(*(_one_reader(http, url, i, turns, results, errors) for i in range(n)))
        wall = time.perf_counter() - start
    return results, errors, wall


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,50,200")
    parser.add_argument("--turns", type=int, default=5, help="turns per reader per level")
    parser.add_argument("--ttft", type=float, default=0.3, help="scripted time to first token, s")
    parser.add_argument("--rate", type=float, default=40.0, help="scripted tokens per second")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1], args.ttft, args.rate)
        return
    nominal = ScriptedLLM(ttft_s=args.ttft, tokens_per_s=args.rate).nominal_seconds(REPLY)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                str(port),
                data,
                "--ttft",
                str(args.ttft),
                "--rate",
                str(args.rate),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            asyncio.run(_wait(url))
            report = asyncio.run(_levels(url, args, nominal))
        finally:
            proc.terminate()
            proc.wait(30)
    print(json.dumps(report))


async def _wait(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(f"{url}/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("server did not start")


async def _levels(url: str, args: argparse.Namespace, nominal: float) -> dict[str, Any]:
    overhead: dict[str, dict[str, float]] = {}
    rates: dict[str, float] = {}
    errors_total = 0
    print(
        f"scripted LLM: ttft {args.ttft * 1000:.0f} ms, {args.rate:g} tokens/s, "
        f"{nominal * 1000:.0f} ms per reply",
        file=sys.stderr,
    )
    for n in (int(x) for x in args.levels.split(",")):
        results, errors, wall = await drive(url, n, args.turns)
        errors_total += len(errors)
        ttft_over = [(f - args.ttft) * 1000 for f, _ in results]
        total_over = [(t - nominal) * 1000 for _, t in results]
        # The JSON line carries total-turn overhead; TTFT overhead is printed alongside.
        overhead[str(n)] = {
            "p50": round(_pct(total_over, 0.5), 2),
            "p99": round(_pct(total_over, 0.99), 2),
        }
        rates[str(n)] = round(len(results) / wall, 1)
        print(
            f"N={n:>4}: {len(results)} turns in {wall:.1f} s ({rates[str(n)]} turns/s); "
            f"overhead total p50 {overhead[str(n)]['p50']} ms p99 {overhead[str(n)]['p99']} ms; "
            f"ttft p50 {_pct(ttft_over, 0.5):.2f} ms p99 {_pct(ttft_over, 0.99):.2f} ms; "
            f"errors {len(errors)}",
            file=sys.stderr,
        )
    return {"overhead_ms": overhead, "turns_per_s": rates, "errors": errors_total}


if __name__ == "__main__":
    main()
