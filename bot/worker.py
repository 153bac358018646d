"""The worker side of the composition root: the broker, the actors, what each job
does, the scheduler, and `cinebooker worker`.

Dramatiq runs async actors on one event loop thread of its own; everything the
jobs use (database engine, bot session, storage) is built lazily on that loop,
once, so it never crosses loops (in the embedded mode the bot's loop is another).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Sequence

from dramatiq import Broker, Middleware, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import AsyncIO

from bot.container import Container, build_container
from bot.settings import Settings
from domain.invoices import Invoice, InvoiceKind, Ticket
from domain.jobs import Jobs
from domain.services.customers import CustomerService
from domain.services.invoice_delivery import InvoiceDeliveryService
from domain.storage import FileStorage
from domain.services.jobs import OutboxSweeper, ReminderPolicy, ReminderService
from handlers.booking_expiry import BookingExpirySweeper
from handlers.jobs import JobHandlers
from infrastructure.i18n import Translator
from infrastructure.i18n.ticket_types import ticket_type_name
from infrastructure.tasks.actors import declare_actors
from infrastructure.tasks.broker import QUEUE, build_broker
from infrastructure.tasks.queue import DramatiqJobQueue
from infrastructure.tasks.scheduler import Every, LocalLease, RedisLease, Scheduler
from infrastructure.tasks.worker import start_worker, stop_worker

log = logging.getLogger(__name__)


class LabelledRenderer:
    """The PDF renderer with its words from the translation layer, in the
    language the buyer had when the invoice was issued: labels, ticket type
    names, and money and dates written as that language writes them."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    def labels(self, locale: str) -> dict[str, str]:
        from infrastructure.pdf import LABEL_KEYS

        return {key: self.translator.get(locale, f"pdf-{key}") for key in LABEL_KEYS}

    def render(self, invoice: Invoice, tickets: Sequence[Ticket]) -> bytes:
        from infrastructure.pdf import render_invoice

        locale = invoice.language if invoice.language in self.translator.locales else self.translator.default
        codes = {line.ticket_type for line in invoice.lines} | {ticket.ticket_type for ticket in tickets}
        names = {code: ticket_type_name(self.translator, locale, code) for code in codes}
        return render_invoice(invoice, tickets, self.labels(locale), locale=locale, ticket_types=names)


def invoice_caption(translator: Translator) -> Any:
    def caption(invoice: Invoice) -> str:
        locale = invoice.language if invoice.language in translator.locales else translator.default
        if invoice.kind is InvoiceKind.CANCELLATION:
            return translator.get(
                locale, "cancellation-caption", number=invoice.number, booking=invoice.booking_id, cancels=invoice.cancels or ""
            )
        return translator.get(locale, "invoice-caption", number=invoice.number, booking=invoice.booking_id)

    return caption


class StoredLanguages:
    """The customer's language from the database: workers have no FSM storage."""

    def __init__(self, customers: CustomerService) -> None:
        self.customers = customers

    async def get(self, user_id: int) -> str | None:
        return await self.customers.language(user_id)

    # The same question LanguageStore answers for messages nobody asked for.
    of_customer = get


def delivery_service(
    container: Container, bot: Any, translator: Translator, storage: FileStorage | None = None
) -> InvoiceDeliveryService:
    from infrastructure.telegram.documents import TelegramDocumentSender

    return InvoiceDeliveryService(
        container.deps,
        storage or container.storage,
        LabelledRenderer(translator),
        TelegramDocumentSender(bot),
        invoice_caption(translator),
    )


@dataclass
class JobContext:
    container: Container
    bot: Any
    handlers: JobHandlers
    outbox: OutboxSweeper

    async def close(self) -> None:
        await self.bot.session.close()
        await self.container.close()


class _CloseJobContext(Middleware):
    """Closes the jobs' connections once the worker's threads have finished their
    jobs, on the jobs' own loop, before the AsyncIO middleware stops that loop."""

    def __init__(self, app: WorkerApp) -> None:
        self.app = app

    def after_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        context, self.app._context = self.app._context, None
        loop_thread = get_event_loop_thread()
        if context is None or loop_thread is None:
            return
        try:
            loop_thread.run_coroutine(context.close())
        except Exception:  # noqa: BLE001 - closing is best effort at shutdown
            log.warning("could not close the worker's connections cleanly")


class WorkerApp:
    """Actors on a broker, and what they run. Built in every process that queues
    jobs (the bot) or runs them (the worker)."""

    def __init__(self, settings: Settings, broker: Broker | None = None, storage: FileStorage | None = None) -> None:
        self.settings = settings
        self._storage = storage  # tests put a failing storage in
        self.broker = broker or build_broker(settings.redis_url)
        self.actors = declare_actors(self.broker, self.run)
        # "after" signals run in reverse order: listed after AsyncIO, this one runs
        # while the event loop still does.
        self.broker.add_middleware(_CloseJobContext(self), after=AsyncIO)
        self.queue = DramatiqJobQueue(self.actors)
        self._context: JobContext | None = None
        self._building: asyncio.Lock | None = None
        self._worker: Worker | None = None

    async def run(self, job: str, payload: dict[str, Any], outbox_id: int | None) -> None:
        context = await self.context()
        await context.handlers.table()[job](**payload)
        if outbox_id is not None:
            await context.outbox.done(outbox_id)

    async def context(self) -> JobContext:
        if self._context is None:
            self._building = self._building or asyncio.Lock()
            async with self._building:
                if self._context is None:
                    self._context = await self._build()
        return self._context

    async def _build(self) -> JobContext:
        from bot.telegram import build_bot

        from infrastructure.pdf import warm_up

        container = build_container(self.settings, jobs=self.queue)
        await container.prepare_storage()
        await asyncio.to_thread(warm_up)  # the fonts, before the first invoice waits for them
        bot = build_bot(container)
        translator = Translator()
        languages = StoredLanguages(CustomerService(container.deps))
        outbox = OutboxSweeper(container.deps, self.queue)
        reminders = ReminderService(
            container.deps, ReminderPolicy(before=timedelta(minutes=self.settings.reminder_minutes))
        )
        handlers = JobHandlers(
            bot=bot,
            translator=translator,
            language_of=languages.get,
            invoices=container.invoices,
            delivery=delivery_service(container, bot, translator, self._storage),
            expiry=BookingExpirySweeper(bot, container, translator, languages),
            reminders=reminders,
            outbox=outbox,
        )
        return JobContext(container, bot, handlers, outbox)

    def schedule(self) -> list[Every]:
        jobs = [Every(Jobs.EXPIRE_BOOKINGS, 60), Every(Jobs.SWEEP_OUTBOX, 60)]
        if self.settings.reminder_minutes > 0:
            jobs.append(Every(Jobs.SEND_REMINDERS, 60))
        return jobs

    def scheduler(self, redis: Any | None) -> Scheduler:
        lease = RedisLease(redis) if redis is not None else LocalLease()
        return Scheduler(self.queue, self.schedule(), lease)

    def start(self, threads: int) -> Worker:
        self._worker = start_worker(self.broker, threads)
        return self._worker

    def stop(self) -> None:
        """Stop consuming and let running jobs finish; their connections are then
        closed (_CloseJobContext)."""
        if self._worker is None:
            return
        stop_worker(self.broker, self._worker)
        self._worker = None


class BackgroundJobs:
    """The jobs side inside a bot process. On the embedded default (no Redis) the
    bot runs the worker thread and the scheduler itself; with Redis it only
    queues, and `cinebooker worker` processes run the jobs."""

    def __init__(self, app: WorkerApp, redis: Any | None = None) -> None:
        self.app = app
        self.embedded = not app.settings.redis_url
        self.redis = redis
        self._scheduler: asyncio.Task[None] | None = None
        self._started = False

    async def start(self) -> None:
        self._started = True
        if self.embedded:
            await asyncio.to_thread(self.app.start, self.app.settings.worker_threads)
            self._scheduler = asyncio.create_task(self.app.scheduler(None).run(), name="scheduler")

    async def stop(self) -> None:
        """Idempotent, and a no-op when start() never ran (a failed start)."""
        if not self._started:
            return
        self._started = False
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler
        if self.embedded:
            await asyncio.to_thread(self.app.stop)
        else:
            self.app.broker.close()


def run_worker(settings: Settings, processes: int = 1, threads: int = 4) -> None:
    """`cinebooker worker`: N processes consuming the Redis queue; each runs a
    scheduler, of which only the lease holder queues periodic jobs."""
    import multiprocessing

    children = [
        # The settings as resolved at start (the cinema's zone and currency included).
        multiprocessing.get_context("spawn").Process(
            target=_worker_process, args=(settings, threads), name=f"worker-{i}"
        )
        for i in range(1, processes)
    ]
    for child in children:
        child.start()
    try:
        asyncio.run(_serve_jobs(settings, threads))
    finally:
        for child in children:
            child.terminate()  # SIGTERM: each stops cleanly like this one
        for child in children:
            child.join(timeout=60)


def _worker_process(settings: Settings, threads: int) -> None:
    asyncio.run(_serve_jobs(settings, threads))


async def _serve_jobs(settings: Settings, threads: int) -> None:
    from redis.asyncio import Redis

    app = WorkerApp(settings)
    redis = Redis.from_url(settings.redis_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await asyncio.to_thread(app.start, threads)
    scheduler = asyncio.create_task(app.scheduler(redis).run(), name="scheduler")
    log.info("worker started: %d threads, queue %s", threads, QUEUE)
    try:
        await stop.wait()
    finally:
        scheduler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await scheduler
        await asyncio.to_thread(app.stop)
        await redis.aclose()
