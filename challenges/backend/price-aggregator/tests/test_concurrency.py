"""Slow suppliers, many clients: the service must wait for all of them at once.

What is measured is what the suppliers see: how many of their calls were in flight at the
same moment. A service that blocks its event loop (a synchronous HTTP client or ``time.sleep``
inside ``async def``) makes one call at a time, however its code looks.
"""

import threading
import time

import pytest
from conftest import Answer, Api
from fakes import SUPPLIERS, Suppliers
from grader_harness import record_fact

pytestmark = pytest.mark.category("concurrency")

CLIENTS = 8


def test_one_quote_asks_every_supplier_at_once(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset({(name, "desk"): 100.0 + n for n, name in enumerate(SUPPLIERS)})
    started = time.monotonic()
    answer = api.get("/quotes/desk")
    seconds = time.monotonic() - started
    assert answer.status == 200, answer.body
    assert suppliers.peak >= len(SUPPLIERS), (
        f"the {len(SUPPLIERS)} suppliers were asked one after another (at most {suppliers.peak} "
        f"at the same time): one quote took {seconds:.1f} s for {suppliers.latency} s suppliers"
    )


def test_many_clients_are_served_at_the_same_time(api: Api, suppliers: Suppliers) -> None:
    suppliers.reset({(name, "chair"): 50.0 + n for n, name in enumerate(SUPPLIERS)})
    answers: list[Answer] = []
    gate = threading.Barrier(CLIENTS)

    def client() -> None:
        gate.wait()
        answers.append(api.get("/quotes/chair", timeout=60))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    record_fact(
        "concurrency",
        f"{CLIENTS} clients at once took {seconds:.1f} s; at most {suppliers.peak} supplier "
        f"calls were in flight together",
    )
    assert [a.status for a in answers] == [200] * CLIENTS, [a.body for a in answers]
    assert suppliers.peak >= CLIENTS, (
        f"{CLIENTS} clients asking at once were served one after another: at most "
        f"{suppliers.peak} supplier calls in flight, and they took {seconds:.1f} s together"
    )
