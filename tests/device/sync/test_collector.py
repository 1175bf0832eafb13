"""The collector pause around a round: counted, so overlapping rounds leave it as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from liaison.device.sync import collector


@pytest.fixture(autouse=True)
def _collector_running() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_inside_a_round_nothing_is_collected_automatically_and_after_it_the_cycles_are() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    with collector.paused():
        assert not gc.isenabled()
        for _ in range(10_000):
            Node()
        assert any(type(item) is Node for item in gc.get_objects(generation=0)), "cycles wait for the end of the round"
    assert gc.isenabled()
    assert not any(type(item) is Node for item in gc.get_objects()), "collected once the round left"


def test_overlapping_rounds_resume_the_collector_only_when_the_last_one_leaves() -> None:
    first, second = collector.paused(), collector.paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled(), "the second round is still running"
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_a_failing_round_still_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("network gone")
    assert gc.isenabled()
