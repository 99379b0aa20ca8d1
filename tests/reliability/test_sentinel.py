"""Redis Sentinel: with REDIS_SENTINEL_MASTER and REDIS_SENTINELS the cache and the Celery broker
find the master through the sentinels, and follow it when it fails over to its replica.

A private Redis master, its replica and one sentinel, each on a free port; the application runs
in a fresh process with the environment a deployment would give it (the settings are read
there, from that environment, as in production).
"""

from __future__ import annotations

import json

import pytest
import redis

from tests.compose import run_python, venv_env
from tests.processes import Process, RedisServer, wait_for
from tests.test_gunicorn import free_port

pytestmark = [pytest.mark.services]

MASTER = "rodedraden"

# Writes a cache entry and queues a task (to the default queue), through the settings; prints
# where the sentinel said the master is.
CLIENT = """
import json, sys
import django
django.setup()
from django.core.cache import cache
from rodedraden.celery import app
cache.set(sys.argv[1], "ok", timeout=600)
# The cache skips what fails (IGNORE_EXCEPTIONS): say so, rather than lose the write unseen.
assert cache.get(sys.argv[1]) == "ok", "the cache did not keep the write"
app.send_task("rodedraden.sentinel_probe", kwargs={"key": sys.argv[1]}, queue="default")
client = cache.client.get_client(write=True)
print(json.dumps(client.connection_pool.get_master_address()))
"""


class Sentinel:
    """``redis-server --sentinel`` watching one master, on a free port."""

    def __init__(self, directory, cleanup, master: RedisServer):
        self.port = free_port()
        config = directory / "sentinel.conf"  # the sentinel rewrites it: a file of its own
        config.write_text(
            f"port {self.port}\nbind 127.0.0.1\ndir {directory}\n"
            f"sentinel monitor {MASTER} 127.0.0.1 {master.port} 1\n"
            f"sentinel down-after-milliseconds {MASTER} 1000\n"
            f"sentinel failover-timeout {MASTER} 5000\n",
            encoding="utf-8",
        )
        self.process = Process.start(
            "redis-sentinel",
            ["redis-server", str(config), "--sentinel"],
            log=directory / "sentinel.log",
        )
        cleanup.callback(self.process.stop)
        wait_for(self.master_port, what="the sentinel", timeout=15, watch=(self.process,))

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def master_port(self) -> int | None:
        try:
            with self.client() as client:
                address = client.sentinel_get_master_addr_by_name(MASTER)
        except redis.ConnectionError:
            return None
        return int(address[1]) if address else None


def replica_of(master: RedisServer, directory, cleanup) -> RedisServer:
    replica = RedisServer(directory, cleanup)
    replica.start()
    with replica.client() as client:
        client.replicaof("127.0.0.1", master.port)
    return replica


def promoted(server: RedisServer) -> bool:
    """The server takes writes: the sentinel may name the new master a moment before it has
    left the replica role (a cache write then is refused, and skipped: it is a cache)."""
    with server.client() as client:
        return client.info("replication").get("role") == "master"


def linked(replica: RedisServer) -> bool:
    with replica.client() as client:
        return client.info("replication").get("master_link_status") == "up"


def write_through_the_application(sentinel: Sentinel, key: str) -> list:
    """Run the application's settings in a new process; returns the master it was given."""
    env = venv_env(
        DJANGO_SETTINGS_MODULE="rodedraden.settings.local",
        ENV_FILE="/nonexistent",
        REDIS_SENTINEL_MASTER=MASTER,
        REDIS_SENTINELS=f"127.0.0.1:{sentinel.port}",
        CACHE_URL=f"redis://{MASTER}/2",
        CELERY_BROKER_URL=f"sentinel://127.0.0.1:{sentinel.port}/0",
    )
    result = run_python("-c", CLIENT, key, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def written(server: RedisServer, key: str) -> tuple[bool, list[str]]:
    """Whether the cache entry is there (django-redis: ``:1:<key>`` in database 2), and the
    keys of the tasks waiting in the default queue (database 0)."""
    cache = redis.Redis(host="127.0.0.1", port=server.port, db=2, socket_timeout=5)
    broker = redis.Redis(host="127.0.0.1", port=server.port, db=0, socket_timeout=5)
    with cache, broker:
        queued = broker.lrange("default", 0, -1)  # kombu pushes on the left: newest first
        tasks = [json.loads(message)["headers"]["kwargsrepr"] for message in queued]
        return bool(cache.exists(f":1:{key}")), tasks


def test_cache_and_broker_follow_the_master_through_a_failover(tmp_path, cleanup):
    folders = [tmp_path / name for name in ("master", "replica", "sentinel")]
    for folder in folders:
        folder.mkdir()
    master = RedisServer(folders[0], cleanup)
    master.start()
    replica = replica_of(master, folders[1], cleanup)
    wait_for(lambda: linked(replica), what="the replica in sync", timeout=15)
    sentinel = Sentinel(folders[2], cleanup, master)

    assert write_through_the_application(sentinel, "voor") == ["127.0.0.1", master.port]
    assert written(master, "voor") == (True, ["{'key': 'voor'}"])

    # The master is lost: the sentinel promotes the replica. The application, started after,
    # writes to the new master without a change to its configuration.
    with sentinel.client() as client:
        client.execute_command("SENTINEL", "FAILOVER", MASTER)
    wait_for(
        lambda: sentinel.master_port() == replica.port and promoted(replica),
        what="the failover",
        timeout=30,
    )
    master.stop()
    assert write_through_the_application(sentinel, "na") == ["127.0.0.1", replica.port]
    present, tasks = written(replica, "na")
    assert present
    # What the old master held was replicated: the first task is still queued, the second too.
    assert tasks == ["{'key': 'na'}", "{'key': 'voor'}"]
