"""A real server with a slow scripted LLM, for crash tests.

python -m tests.helpers.slow_server PORT DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from roleplay.llm.scripted import ScriptedLLM
from roleplay.server import run_server
from roleplay.settings import Settings
from web.app import create_app

REPLY = "你问我的剑法？" + "一招一式，都要慢慢来，" * 20


def main() -> None:
    port, data_dir = int(sys.argv[1]), Path(sys.argv[2])
    settings = Settings(port=port, data_dir=data_dir, turn_lease_s=1.0, log_level="WARNING")
    llm = ScriptedLLM(ttft_s=0.05, tokens_per_s=20, default=REPLY)
    run_server(settings, app=create_app(settings, llm=llm))


if __name__ == "__main__":
    main()
