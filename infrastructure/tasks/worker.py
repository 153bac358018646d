"""Running Dramatiq workers: in a thread of the bot's process (embedded mode) or
as `cinebooker worker` processes."""

from __future__ import annotations

from dramatiq import Broker, Worker


def start_worker(broker: Broker, threads: int = 2) -> Worker:
    """Start consuming in background threads (the AsyncIO middleware gives the
    async actors their own event loop thread)."""
    broker.emit_after("process_boot")
    worker = Worker(broker, worker_threads=threads, worker_timeout=250)
    worker.start()
    return worker


def stop_worker(broker: Broker, worker: Worker, timeout_ms: int = 30_000) -> None:
    worker.stop(timeout=timeout_ms)
    broker.close()
