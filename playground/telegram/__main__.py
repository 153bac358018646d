"""`python -m playground.telegram [--host H] [--port P] [--state FILE]`: the fake Bot API alone."""

from __future__ import annotations

import argparse
from pathlib import Path

from playground.telegram.app import run_telegram_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Offline Telegram Bot API playground")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="cinebooker_bot")
    parser.add_argument("--state", type=Path, default=None,
                        help="keep users, chats and files in this JSON file across restarts")
    args = parser.parse_args(argv)
    run_telegram_server(args.host, args.port, bot_username=args.bot_username,
                        state_path=args.state)


if __name__ == "__main__":
    main()
