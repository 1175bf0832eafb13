"""Password guessing at the web sign-in, on a real server: counted atomically, per address and account, with a backoff per address.

Client addresses are set the way a TLS proxy on this host sets them
(X-Forwarded-For from loopback, which the server trusts by default).
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from hypothesis import given
from hypothesis import strategies as st

from liaison.server.embedded import EmbeddedServer
from liaison.server.web import throttle
from tests.server.test_manager_web import PASSWORD, boss, browser, sign_in  # noqa: F401  (fixtures)

ATTACKER = {"X-Forwarded-For": "203.0.113.9"}
MANAGER_OFFICE = {"X-Forwarded-For": "198.51.100.7"}


def test_parallel_wrong_guesses_reach_the_password_check_no_more_than_the_limit(server: EmbeddedServer, boss: str) -> None:
    client = httpx.Client(base_url=server.url, headers=ATTACKER, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/manager/login").text).group(1)  # type: ignore[union-attr]
    guesses = 4 * throttle.MAX_FAILURES
    start = threading.Barrier(guesses)

    def guess(number: int) -> int:
        start.wait()
        return client.post("/manager/login", data={"email": boss, "password": f"guess {number}", "csrf": token}).status_code

    with ThreadPoolExecutor(guesses) as pool:
        statuses = list(pool.map(guess, range(guesses)))
    assert statuses.count(401) == throttle.MAX_FAILURES, statuses
    assert statuses.count(429) == guesses - throttle.MAX_FAILURES, statuses
    assert sign_in(client, boss, PASSWORD).status_code == 429


def test_guesses_from_another_address_do_not_lock_the_manager_out_of_her_own(server: EmbeddedServer, boss: str) -> None:
    attacker = httpx.Client(base_url=server.url)
    for _ in range(throttle.MAX_FAILURES):
        assert sign_in(attacker, boss, "a guess", **ATTACKER).status_code == 401
    refused = sign_in(attacker, boss, PASSWORD, **ATTACKER)
    assert refused.status_code == 429 and "for this e-mail address" in refused.text
    manager = httpx.Client(base_url=server.url)
    assert sign_in(manager, boss, PASSWORD, **MANAGER_OFFICE).status_code == 303


def test_one_address_spreading_guesses_over_accounts_waits_twice_as_long_at_each_failure(server: EmbeddedServer, boss: str) -> None:
    attacker = httpx.Client(base_url=server.url)
    for number in range(throttle.ADDRESS_ALLOWANCE):
        assert sign_in(attacker, f"user{number}@example.org", "a guess", **ATTACKER).status_code == 401
    assert sign_in(attacker, "one.more@example.org", "a guess", **ATTACKER).status_code == 401, "the first one past the allowance is checked"
    waiting = sign_in(attacker, "and.another@example.org", "a guess", **ATTACKER)
    assert waiting.status_code == 429 and "from your network address; try again in 1 second." in waiting.text
    assert sign_in(httpx.Client(base_url=server.url), boss, PASSWORD, **MANAGER_OFFICE).status_code == 303, "another address is not slowed"
    time.sleep(1.1)
    assert sign_in(attacker, "and.another@example.org", "a guess", **ATTACKER).status_code == 401
    doubled = sign_in(attacker, "yet.another@example.org", "a guess", **ATTACKER)
    assert doubled.status_code == 429 and "try again in 2 seconds." in doubled.text


@given(st.integers(min_value=0, max_value=10_000))
def test_the_backoff_is_free_within_the_allowance_then_doubles_up_to_the_lockout(failures: int) -> None:
    wait, beyond = throttle.backoff(failures), failures - throttle.ADDRESS_ALLOWANCE
    if beyond <= 0:
        assert wait == timedelta(0)
    else:
        doubled = timedelta(seconds=2 ** min(beyond - 1, 20))
        assert wait == min(doubled, throttle.LOCKOUT)
        assert throttle.backoff(failures + 1) in (wait * 2, throttle.LOCKOUT)
