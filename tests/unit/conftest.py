import pytest

from tests.unit.world import World


@pytest.fixture
async def w() -> World:
    """A small cinema over fakes (see tests/unit/world.py)."""
    world = World()
    await world.setup()
    return world
