"""`cinebooker playground` as a newcomer runs it: one process, the web chat's Bot
API, the Stripe sandbox, the bot in webhook mode, the worker in process. A
customer books and pays; the PDF invoice arrives; Ctrl-C stops it cleanly and a
restart keeps the booking, and the web chat's users, transcripts and files."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import subprocess
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import aiohttp
from pypdf import PdfReader

from playground.client import PlaygroundClient
from playground.payments.client import PaymentsClient
from tests.e2e.flows import buttons, payment_ref, press, reserve_one_seat, send_and_wait

ROOT = Path(__file__).resolve().parents[2]
READY = "CineBooker playground: open"


def _two_free_ports() -> int:
    """A port P with P+1 free as well (the bot's own server listens there)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two free ports in a row")


class Playground:
    def __init__(self, cwd: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CINEBOOKER_")}
        env.update(PYTHONPATH=str(ROOT), CINEBOOKER_TIMEZONE="Europe/Berlin", CINEBOOKER_LOG_LEVEL="WARNING")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "playground", "--port", str(port)],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.append(line)
            if READY in line:
                self.ready.set()

    async def wait_ready(self) -> None:
        if not await asyncio.to_thread(self.ready.wait, 90):
            raise AssertionError("playground did not start:\n" + "".join(self.lines[-30:]))

    async def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)  # Ctrl-C
        return await asyncio.to_thread(self.proc.wait, 60)


@asynccontextmanager
async def playground_process(cwd: Path, port: int) -> AsyncIterator[Playground]:
    process = Playground(cwd, port)
    try:
        await process.wait_ready()
        yield process
    finally:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait(10)


async def test_book_pay_get_the_invoice_stop_and_restart(tmp_path):
    port = _two_free_ports()
    chat_url = f"http://127.0.0.1:{port}"
    async with playground_process(tmp_path, port) as process:
        assert f"open {chat_url}/" in "".join(process.lines)
        async with PlaygroundClient(chat_url) as chat, PaymentsClient(chat_url) as sandbox:
            ann = await chat.create_user("Ann", language_code="en")
            session_id = payment_ref(await reserve_one_seat(chat, ann))
            paid = await sandbox.pay(session_id)
            # Back to the web chat, not to t.me (there is no internet here).
            assert paid["redirect_url"].startswith(chat_url + "/t.me/") and "start=paid_1" in paid["redirect_url"]
            await chat.wait_for_text(ann["id"], "Payment received: booking #1 is paid", timeout=20)
            invoice = await chat.wait_for_message(ann["id"], lambda m: m.get("document"), timeout=30)
            pdf = PdfReader(io.BytesIO(await chat.download(invoice["document"])))
            assert len(pdf.pages) == 2 and "CB-" in pdf.pages[0].extract_text()

            # The pay page's way back: the web chat, which sends /start paid_1.
            async with aiohttp.ClientSession() as http:
                async with http.get(paid["redirect_url"], allow_redirects=False) as back:
                    assert back.status == 302 and back.headers["Location"].startswith("/?")
                    assert "start=paid_1" in back.headers["Location"]
            await send_and_wait(chat, ann, "/start paid_1", "Booking #1 — paid", timeout=15)  # its details
            await press(chat, ann, "🧾 Invoice and tickets")
            resent = await chat.wait_for(
                ann["id"], lambda t: [m for m in t if m.get("document")][1:] or None, timeout=15
            )
            assert resent[0]["document"]["file_id"] == invoice["document"]["file_id"]  # no new upload
            # Someone else's booking number leads nowhere.
            bob = await chat.create_user("Bob", language_code="en")
            await chat.send_text(bob["id"], "/start paid_1", user_id=bob["id"])
            await chat.wait_for_text(bob["id"], "does not lead anywhere", timeout=15)
        assert await process.interrupt() == 0, "".join(process.lines[-30:])
        assert "Playground stopped" in "".join(process.lines)
    assert (tmp_path / "var" / "cinebooker.db").exists()
    assert list((tmp_path / "var" / "storage" / "invoices").rglob("*.pdf"))

    # The web chat's side is kept too: users, transcripts and files.
    assert (tmp_path / "var" / "playground" / "state.json").is_file()

    async with playground_process(tmp_path, port) as again:
        assert "Loaded the sample cinema" not in "".join(again.lines)  # kept, not loaded twice
        async with PlaygroundClient(chat_url) as chat:
            assert [u["first_name"] for u in await chat.users()] == ["Ann", "Bob"]
            kept = await chat.transcript(ann["id"])
            assert any("Payment received: booking #1 is paid" in (m["text"] or "") for m in kept)
            documents = [m for m in kept if m.get("document")]
            assert [m["message_id"] for m in documents][:1] == [invoice["message_id"]]
            assert documents[0]["document"]["file_name"] == invoice["document"]["file_name"]
            again_pdf = PdfReader(io.BytesIO(await chat.download(documents[0]["document"])))
            assert "CB-" in again_pdf.pages[0].extract_text()
            await chat.send_text(ann["id"], "/mybookings", user_id=ann["id"])
            mine = await chat.wait_for_text(ann["id"], "upcoming bookings", timeout=15)
            assert any("#1" in b["text"] for b in buttons(mine))
            # Message ids go on after the kept ones: the bot may still edit those.
            assert mine["message_id"] > max(m["message_id"] for m in kept)
        assert await again.interrupt() == 0
