"""`python -m playground.telegram [--host H] [--port P]`: the fake Bot API alone."""

from __future__ import annotations

import argparse

from playground.telegram.app import run_telegram_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Offline Telegram Bot API playground")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="cinebooker_bot")
    args = parser.parse_args(argv)
    run_telegram_server(args.host, args.port, bot_username=args.bot_username)


if __name__ == "__main__":
    main()
