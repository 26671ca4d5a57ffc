"""Platform overhead per turn, with the scripted LLM at a fixed speed.

Starts the real server (embedded Redis, the websocket stack, the whole turn
pipeline) in a child process with the scripted LLM, drives N concurrent
websocket readers from this process, and reports the time each turn takes
beyond what the scripted model itself takes (its time to first token and its
token schedule), as p50/p99, plus turns per second and server CPU per turn.

Readers arrive spread over one reply's duration (as real ones do) and then
send their turns back to back.

    .venv/bin/python bench/turn_overhead.py [--levels 1,50,200] [--turns 5] [--memory off]
    .venv/bin/python bench/turn_overhead.py --url http://host:port   # a running server

Time to first visible token also includes the moderation hold-back window
(the output gate releases text once it is ``stream_holdback_chars`` behind the
model); it is printed both with and without that window.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roleplay.llm.scripted import ScriptedLLM, split_tokens  # noqa: E402
from roleplay.settings import Settings  # noqa: E402

REPLY = (
    "林清羽收剑入鞘，淡淡道：清心诀不在快，而在静。你若心浮气躁，练一百遍也是枉然。"
    "先去后山挑三天水，再来问我。"
)


@dataclass
class Level:
    first: list[float] = field(default_factory=list)  # seconds from send to first chunk
    total: list[float] = field(default_factory=list)  # seconds from send to done
    errors: list[str] = field(default_factory=list)


def serve(port: int, data_dir: str, ttft: float, rate: float, memory: bool) -> None:
    """Child process: the real app with the scripted LLM."""
    from roleplay.server import run_server
    from web.app import create_app

    settings = Settings(
        port=port,
        data_dir=Path(data_dir),
        turns_per_minute=0,
        ws_frames_per_second=1000,
        log_level="WARNING",
        memory_enabled=memory,
    )
    llm = ScriptedLLM(ttft_s=ttft, tokens_per_s=rate, default=REPLY)
    run_server(settings, app=create_app(settings, llm=llm))


async def _sign_up(http: aiohttp.ClientSession, url: str, i: int) -> tuple[dict[str, str], str]:
    async with http.post(f"{url}/api/readers", json={"name": f"bench{i}"}) as r:
        token = (await r.json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    async with http.post(f"{url}/api/chats", json={"card_id": "lin-qingyu"}, headers=auth) as r:
        chat_id = (await r.json())["chat"]["id"]
    return auth, chat_id


async def _reader(
    http: aiohttp.ClientSession, url: str, i: int, turns: int, delay: float, out: Level
) -> None:
    auth, chat_id = await _sign_up(http, url, i)
    await asyncio.sleep(delay)
    async with http.ws_connect(url.replace("http", "ws", 1) + "/ws", headers=auth) as ws:
        await ws.receive_json()  # hello
        await ws.receive_json()  # ready
        for t in range(turns):
            text = f"第{t}问：清心诀怎么练？"
            sent = time.perf_counter()
            first = None
            await ws.send_json({"type": "send", "id": str(t), "chat_id": chat_id, "text": text})
            while True:
                frame = await ws.receive_json()
                if frame["type"] == "chunk" and first is None:
                    first = time.perf_counter()
                elif frame["type"] == "done":
                    out.first.append((first or sent) - sent)
                    out.total.append(time.perf_counter() - sent)
                    break
                elif frame["type"] == "error":
                    out.errors.append(frame["message"])
                    break


async def drive(url: str, n: int, turns: int, spread: float) -> tuple[Level, float]:
    level = Level()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        start = time.perf_counter()
        await asyncio.gather(
            *(_reader(http, url, i, turns, spread * i / n, level) for i in range(n))
        )
        wall = time.perf_counter() - start - spread * (n - 1) / n
    return level, wall


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU of the server process (Linux), to report CPU per turn."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _first_visible(args: argparse.Namespace) -> float:
    """When the scripted model has produced more than the hold-back window."""
    holdback = Settings().stream_holdback_chars
    emitted = 0
    for i, token in enumerate(split_tokens(REPLY)):
        emitted += len(token)
        if emitted > holdback:
            return float(args.ttft + i / args.rate)
    return float(args.ttft)


async def run_levels(url: str, args: argparse.Namespace, pid: int | None) -> dict[str, Any]:
    nominal = ScriptedLLM(ttft_s=args.ttft, tokens_per_s=args.rate).nominal_seconds(REPLY)
    visible = _first_visible(args)
    print(
        f"scripted LLM: first token {args.ttft * 1000:.0f} ms, {args.rate:g} tokens/s, "
        f"{nominal * 1000:.0f} ms per reply; first text past the moderation window at "
        f"{visible * 1000:.0f} ms",
        file=sys.stderr,
    )
    report: dict[str, Any] = {"overhead_ms": {}, "turns_per_s": {}, "errors": 0}
    for n in (int(x) for x in args.levels.split(",")):
        cpu_before = _cpu_seconds(pid)
        level, wall = await drive(url, n, args.turns, nominal)
        turns = len(level.total)
        cpu_ms = (_cpu_seconds(pid) - cpu_before) / max(turns, 1) * 1000
        total = [(t - nominal) * 1000 for t in level.total]
        first = [(f - visible) * 1000 for f in level.first]
        report["overhead_ms"][str(n)] = {
            "p50": round(_pct(total, 0.5), 2),
            "p99": round(_pct(total, 0.99), 2),
        }
        report["turns_per_s"][str(n)] = round(turns / wall, 1)
        report["errors"] += len(level.errors)
        print(
            f"N={n:>4}: {turns} turns, {turns / wall:.1f} turns/s, server CPU {cpu_ms:.2f} ms/turn"
            f" | overhead total p50 {_pct(total, 0.5):.1f} ms p99 {_pct(total, 0.99):.1f} ms"
            f" | first text p50 {_pct(first, 0.5):.1f} ms p99 {_pct(first, 0.99):.1f} ms"
            f" beyond the window | errors {len(level.errors)}",
            file=sys.stderr,
        )
        for message in sorted(set(level.errors))[:5]:
            print(f"    error: {message}", file=sys.stderr)
    return report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,50,200", help="concurrent readers per level")
    parser.add_argument("--turns", type=int, default=5, help="turns per reader per level")
    parser.add_argument("--ttft", type=float, default=0.3, help="scripted time to first token, s")
    parser.add_argument("--rate", type=float, default=40.0, help="scripted tokens per second")
    parser.add_argument(
        "--memory",
        choices=("on", "off"),
        default="on",
        help="long-term memory (chromadb + a query embedding per turn); off = the spine alone",
    )
    parser.add_argument("--url", help="drive an already running server instead of starting one")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1], args.ttft, args.rate, args.memory == "on")
        return
    if args.url:
        print(json.dumps(asyncio.run(run_levels(args.url.rstrip("/"), args, None))))
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        cmd = [sys.executable, __file__, "--serve", str(port), data]
        cmd += ["--ttft", str(args.ttft), "--rate", str(args.rate), "--memory", args.memory]
        proc = subprocess.Popen(cmd)
        try:
            asyncio.run(_wait(url))
            report = asyncio.run(run_levels(url, args, proc.pid))
        finally:
            proc.terminate()
            proc.wait(30)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
