"""Leader election through a real Lease on simcluster (over HTTP, the official client), with a
clock the test moves: one replica leads, a standby takes over only once the lease has expired
by its own clock, the leader fences itself before that, and a clean stop hands the lease over."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest

from rollouts.gateway import Gateway
from rollouts.kinds import ClusterConfig
from rollouts.leader import Elector, LeaseConfig, leadership_state, run_elected

NS, NAME = "watchers", "rollouts-dashboard-watcher"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def gateway(simcluster) -> Iterator[Gateway]:
    simcluster.store.create("namespaces", {"metadata": {"name": NS}})
    gw = Gateway(ClusterConfig(kubeconfig=str(simcluster.kubeconfig), request_timeout=5.0))
    yield gw
    gw.close()


def _elector(gateway: Gateway, clock: Clock, who: str) -> Elector:
    return Elector(LeaseConfig(NAME, NS, who, duration=15, renew_deadline=10, retry=2),
                   gateway, clock=clock)


def _spec(gateway: Gateway) -> dict:
    return gateway.get_lease(NS, NAME)["spec"]


async def test_the_first_replica_creates_the_lease_and_the_second_stands_by(gateway):
    clock = Clock()
    a, b = _elector(gateway, clock, "pod-a_1"), _elector(gateway, clock, "pod-b_2")
    assert await a.attempt() and a.may_write()
    assert not await b.attempt() and not b.may_write()
    spec = _spec(gateway)
    assert spec["holderIdentity"] == "pod-a_1"
    assert spec["leaseDurationSeconds"] == 15 and spec["leaseTransitions"] == 0
    assert spec["renewTime"].endswith("Z") and len(spec["renewTime"]) == 27  # MicroTime
    assert leadership_state()["identity"] == "pod-b_2"  # the last elector made here


async def test_renewing_keeps_the_acquire_time_and_moves_the_renew_time(gateway):
    clock = Clock()
    a = _elector(gateway, clock, "pod-a_1")
    await a.attempt()
    first = _spec(gateway)
    clock.now += 2
    assert await a.attempt()
    again = _spec(gateway)
    assert again["acquireTime"] == first["acquireTime"]
    assert again["renewTime"] > first["renewTime"] and again["leaseTransitions"] == 0


async def test_the_leader_fences_itself_before_a_standby_may_take_over(gateway):
    clock = Clock()
    a, b = _elector(gateway, clock, "pod-a_1"), _elector(gateway, clock, "pod-b_2")
    await a.attempt()
    assert not await b.attempt()  # b sees the record now: its 15 s start here
    clock.now += 10  # a could not renew for its whole renew deadline
    assert not a.may_write()
    assert not await b.attempt()  # … and the lease is still a's for b
    clock.now += 5
    assert await b.attempt() and b.may_write()
    spec = _spec(gateway)
    assert spec["holderIdentity"] == "pod-b_2" and spec["leaseTransitions"] == 1


async def test_a_replica_whose_lease_was_taken_stops_leading_at_its_next_try(gateway):
    clock = Clock()
    a = _elector(gateway, clock, "pod-a_1")
    await a.attempt()
    lease = gateway.get_lease(NS, NAME)
    gateway.replace_lease(NS, NAME, {**lease, "spec": {**lease["spec"],
                                                       "holderIdentity": "pod-c_3"}})
    clock.now += 2
    assert not await a.attempt()
    assert not a.may_write() and leadership_state()["leading"] is False


async def test_standbys_racing_for_an_expired_lease_elect_exactly_one(gateway):
    clock = Clock()
    old = _elector(gateway, clock, "pod-a_1")
    await old.attempt()
    standbys = [_elector(gateway, clock, f"pod-{n}_{n}") for n in range(5)]
    assert not any(await asyncio.gather(*(s.attempt() for s in standbys)))
    clock.now += 15
    won = await asyncio.gather(*(s.attempt() for s in standbys))
    assert sum(won) == 1  # the others lost on a 409 or saw the winner's fresh record
    winner = standbys[won.index(True)].config.identity
    assert _spec(gateway)["holderIdentity"] == winner


async def test_a_clean_stop_lets_the_last_write_happen_and_releases_the_lease(gateway):
    clock = Clock()
    a, b = _elector(gateway, clock, "pod-a_1"), _elector(gateway, clock, "pod-b_2")
    stop, leading, writes = asyncio.Event(), asyncio.Event(), []

    async def lead(term_stop: asyncio.Event, may_write) -> None:
        leading.set()
        await term_stop.wait()
        writes.append(may_write())  # the mirror's last batch, after the stop

    task = asyncio.create_task(run_elected(stop, a, lead))
    try:
        await asyncio.wait_for(leading.wait(), 10)
        stop.set()
        await asyncio.wait_for(task, 10)
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await task
    assert writes == [True]
    assert _spec(gateway)["holderIdentity"] == ""
    assert await b.attempt()  # at once, not after the lease duration
    assert _spec(gateway)["holderIdentity"] == "pod-b_2"
