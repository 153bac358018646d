from handlers.middlewares import ThrottleMiddleware


def test_throttle_allows_a_burst_then_the_rate():
    now = [0.0]
    throttle = ThrottleMiddleware(rate=2.0, burst=3, clock=lambda: now[0])
    assert [throttle.allow(1) for _ in range(4)] == [True, True, True, False]
    assert throttle.allow(2)  # another customer is not affected
    now[0] += 0.5  # one token back at 2 a second
    assert throttle.allow(1) and not throttle.allow(1)
