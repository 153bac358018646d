"""What bench/invoices.py checks after a round: every paid booking has exactly one
invoice, numbered without gaps, stored once in S3 and sent once to its chat."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from pypdf import PdfReader
from sqlalchemy import text

from infrastructure.db.engine import create_engine
from playground.client import PlaygroundClient

# moto accepts any credentials; these only have to be well-formed and the same
# on both sides (the worker gets them through its environment).
ACCESS_KEY = "AKIDCINEBOOKERBENCH"
SECRET_KEY = "cinebooker-bench-secret"
REGION = "us-east-1"


@dataclass
class Checks:
    expected: int  # paid bookings handed to the worker (warm-up included)
    problems: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return not self.problems


async def database_rows(database_url: str) -> dict[str, Any]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            invoices = (await conn.execute(text(
                "SELECT seq, series, kind, booking_id, customer_id, number, storage_key, sent_at IS NOT NULL,"
                " telegram_file_id FROM invoices ORDER BY seq"
            ))).all()
            tickets = (await conn.execute(text("SELECT count(*) FROM tickets"))).scalar_one()
            outbox = dict((await conn.execute(text(
                "SELECT done_at IS NOT NULL, count(*) FROM outbox WHERE job = 'invoices.issue' GROUP BY 1"
            ))).all())
    finally:
        await engine.dispose()
    return {"invoices": invoices, "tickets": int(tickets), "outbox": {bool(k): int(v) for k, v in outbox.items()}}


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


def s3_objects(endpoint: str, bucket: str) -> dict[str, int]:
    """Key -> size of every object in the bucket."""
    found: dict[str, int] = {}
    for page in s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"]] = int(item["Size"])
    return found


async def check_round(
    database_url: str, endpoint: str, bucket: str, client: PlaygroundClient, bot_id: int,
    customers: list[int], tickets_per_booking: int,
) -> Checks:
    n = len(customers)
    checks = Checks(expected=n)
    db = await database_rows(database_url)
    invoices = db["invoices"]
    seqs = [row[0] for row in invoices]
    checks.expect(len(invoices) == n, f"{len(invoices)} invoices for {n} paid bookings")
    checks.expect(seqs == list(range(1, n + 1)), f"invoice numbers are not 1..{n}: {seqs[:3]}..{seqs[-3:]}")
    checks.expect(len({row[1] for row in invoices}) <= 1, "more than one numbering series")
    checks.expect(all(row[2] == "invoice" for row in invoices), "an invoice of another kind")
    checks.expect(len({row[3] for row in invoices}) == len(invoices), "a booking with two invoices")
    checks.expect(all(row[7] for row in invoices), f"{sum(not r[7] for r in invoices)} invoices not marked sent")
    checks.expect(db["tickets"] == n * tickets_per_booking, f"{db['tickets']} tickets, not {n * tickets_per_booking}")
    undone = db["outbox"].get(False, 0)
    checks.expect(undone == 0 and db["outbox"].get(True, 0) == n, f"outbox jobs: {db['outbox']} (done: True)")

    objects = s3_objects(endpoint, bucket)
    keys = {row[6] for row in invoices}
    checks.expect(len(objects) == n, f"{len(objects)} S3 objects, not {n}")
    checks.expect(set(objects) == keys, "S3 keys differ from the invoices' storage keys")
    checks.expect(all(size > 0 for size in objects.values()), "an empty S3 object")
    if invoices:
        head = s3_client(endpoint).head_object(Bucket=bucket, Key=invoices[0][6])
        checks.expect(head.get("ServerSideEncryption") == "AES256", "S3 object not encrypted at rest (SSE-S3)")

    calls = await client.calls(bot=bot_id, method="sendDocument")
    sent = [c for c in calls if c["ok"]]
    per_chat = Counter(c["chat_id"] for c in sent)
    checks.expect(len(sent) == n, f"{len(sent)} documents sent, not {n}")
    checks.expect(set(per_chat) == set(customers), "documents did not reach exactly the customers' chats")
    checks.expect(all(v == 1 for v in per_chat.values()), "a chat got more than one document")
    refused = Counter(f"{c['error_code']} {c['description']}" for c in calls if not c["ok"])
    checks.expect(not refused, f"refused sendDocument calls: {dict(refused)}")

    # Open the first and the last customer's PDF: what the chat got is the
    # invoice (its number and title inside, a page per ticket), not just a file.
    for row in (invoices[0], invoices[-1]) if invoices else ():
        transcript = await client.transcript(row[4], bot=bot_id)
        docs = [m for m in transcript if m.get("document")]
        if not docs:
            checks.problems.append(f"chat {row[4]} has no document")
            continue
        document = docs[0]["document"]
        checks.expect(document.get("file_name") == f"{row[5]}.pdf", f"chat {row[4]} got {document.get('file_name')}")
        checks.expect(document.get("file_id") == row[8], f"invoice {row[5]}: file_id not recorded")
        pdf = await client.download(document)
        reader = PdfReader(io.BytesIO(pdf))
        page_text = reader.pages[0].extract_text()
        checks.expect(len(reader.pages) == 1 + tickets_per_booking, f"{row[5]}: {len(reader.pages)} pages")
        checks.expect(row[5] in page_text and "Сталкер" in page_text, f"{row[5]}: number or title missing in the PDF")
        checks.expect(objects.get(row[6]) == len(pdf), f"{row[5]}: the S3 object and the sent file differ in size")
        checks.figures["pdf_bytes"] = len(pdf)
    checks.figures.update(invoices=len(invoices), tickets=db["tickets"], s3_objects=len(objects), documents=len(sent))
    return checks
