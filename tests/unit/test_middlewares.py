from handlers.middlewares import ThrottleMiddleware


def test_throttle_allows_a_burst_then_the_rate():
    now = [0.0]
    throttle = ThrottleMiddleware(rate=2.0, burst=3, clock=lambda: now[0])
    assert [throttle.allow(1) for _ in range(4)] == [True, True, True, False]
    assert throttle.allow(2)  # another customer is not affected
    now[0] += 0.5  # one token back at 2 a second
    assert throttle.allow(1) and not throttle.allow(1)


async def test_in_flight_bounds_the_updates_handled_at_once_and_counts_the_waiting():
    import asyncio

    from handlers.middlewares import InFlightMiddleware

    in_flight = InFlightMiddleware(limit=2)
    inside, peak = 0, 0
    release = asyncio.Event()

    async def handler(event, data):
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        await release.wait()
        inside -= 1

    tasks = [asyncio.create_task(in_flight(handler, object(), {})) for _ in range(5)]
    await asyncio.sleep(0)
    assert (inside, in_flight.running) == (2, 5)
    assert not await in_flight.drain(timeout=0.01)
    release.set()
    await asyncio.gather(*tasks)
    assert peak == 2 and in_flight.running == 0 and await in_flight.drain(timeout=0.01)


def test_bot_api_response_models_survive_a_garbage_collection():
    import gc
    import weakref

    from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
    from aiogram.methods.base import Response

    from infrastructure.telegram.responses import keep_response_types

    def model_of(method):  # built the way aiogram's session builds it, inside a call
        return weakref.ref(Response[method.__returning__])

    assert keep_response_types() >= 3
    refs = [model_of(m) for m in (SendMessage, SendDocument, AnswerCallbackQuery)]
    gc.collect()
    # Without the strong references pydantic's weak cache loses them here, and
    # the next Bot API answer pays ~3 ms to build its model again.
    assert all(ref() is not None for ref in refs)
