"""State in Redis: one state for every mock instance that names the same server and database.

Keys live under ``contractkit:mock:<namespace>:``. A bucket is a hash (key -> JSON) plus a
sorted set ordered by a per-namespace ``INCR`` sequence; counters are ``INCR``. An insert is
one Lua script (``HSETNX`` + ``ZADD``), an update is optimistic (``WATCH``/``MULTI``, retried),
so every write is atomic across instances.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from contractkit.mock.json_codec import load_object, to_text
from contractkit.mock.state.backend import (
    Change,
    JSONObject,
    StateBackend,
    StateBackendError,
    process_id,
)

PREFIX = "contractkit:mock:"
_INSERT = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
return 1
"""
_RETRIES = 50


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


class RedisBackend(StateBackend):
    """Buckets as hashes plus sorted sets, counters as ``INCR`` keys."""

    def __init__(self, url: str, masked: str) -> None:
        self.url = masked
        self._target = url
        self._lock = threading.Lock()
        self._client: Any = None
        self._insert: Any = None
        self._pid = 0

    def _redis(self) -> Any:
        with self._lock:
            if self._client is not None and self._pid == process_id():
                return self._client
            try:
                import redis
            except ModuleNotFoundError as exc:
                raise StateBackendError(
                    "Redis state needs the redis client: pip install 'contractkit-openapi[redis]'"
                ) from exc
            try:
                client = redis.Redis.from_url(self._target, decode_responses=True)
                client.ping()
            except (redis.RedisError, ValueError) as exc:
                raise StateBackendError(f"cannot use the state server {self.url}: {exc}") from exc
            self._client, self._pid = client, process_id()
            self._insert = client.register_script(_INSERT)
            return client

    def _call(self, work: Any) -> Any:
        client = self._redis()
        import redis

        try:
            return work(client)
        except redis.RedisError as exc:
            raise StateBackendError(f"the state server {self.url} failed: {exc}") from exc

    @staticmethod
    def _space(namespace: str) -> str:
        return f"{PREFIX}{quote(namespace, safe='')}:"

    def _keys(self, namespace: str, bucket: str) -> tuple[str, str]:
        space, name = self._space(namespace), quote(bucket, safe="")
        return f"{space}items:{name}", f"{space}order:{name}"

    def next_number(self, namespace: str, counter: str) -> int:
        key = f"{self._space(namespace)}counter:{quote(counter, safe='')}"
        return int(self._call(lambda client: client.incr(key)))

    def get(self, namespace: str, bucket: str, key: str) -> JSONObject | None:
        items, _ = self._keys(namespace, bucket)
        found = self._call(lambda client: client.hget(items, key))
        return load_object(found) if found is not None else None

    def contains_any(self, namespace: str, bucket: str, keys: list[str]) -> bool:
        if not keys:
            return False
        items, _ = self._keys(namespace, bucket)
        found = self._call(lambda client: client.hmget(items, keys))
        return any(value is not None for value in found)

    def insert(self, namespace: str, bucket: str, key: str, item: JSONObject) -> bool:
        items, order = self._keys(namespace, bucket)
        sequence = f"{self._space(namespace)}sequence"
        done = self._call(
            lambda client: self._insert(keys=[items, order, sequence], args=[key, to_text(item)])
        )
        return int(done) == 1

    def update(self, namespace: str, bucket: str, key: str, change: Change) -> JSONObject | None:
        import redis

        items, _ = self._keys(namespace, bucket)

        def work(client: Any) -> JSONObject | None:
            for _ in range(_RETRIES):
                with client.pipeline() as pipe:
                    try:
                        pipe.watch(items)
                        found = pipe.hget(items, key)
                        if found is None:
                            return None
                        changed = change(load_object(found))
                        pipe.multi()
                        pipe.hset(items, key, to_text(changed))
                        pipe.execute()
                        return changed
                    except redis.WatchError:
                        continue
            raise StateBackendError(f"{bucket} {key}: too many concurrent changes, try again")

        result: JSONObject | None = self._call(work)
        return result

    def delete(self, namespace: str, bucket: str, key: str) -> bool:
        items, order = self._keys(namespace, bucket)

        def work(client: Any) -> bool:
            with client.pipeline(transaction=True) as pipe:
                pipe.hdel(items, key)
                pipe.zrem(order, key)
                removed, _ = pipe.execute()
            return bool(removed)

        result: bool = self._call(work)
        return result

    def items(self, namespace: str, bucket: str) -> list[tuple[str, JSONObject]]:
        items, order = self._keys(namespace, bucket)

        def work(client: Any) -> list[tuple[str, JSONObject]]:
            with client.pipeline(transaction=True) as pipe:
                pipe.zrange(order, 0, -1)
                pipe.hgetall(items)
                keys, bodies = pipe.execute()
            return [(key, load_object(bodies[key])) for key in keys if key in bodies]

        result: list[tuple[str, JSONObject]] = self._call(work)
        return result

    def clear(self, namespace: str | None = None) -> None:
        pattern = _glob_escape(PREFIX if namespace is None else self._space(namespace)) + "*"

        def work(client: Any) -> None:
            batch: list[str] = []
            for name in client.scan_iter(match=pattern, count=500):
                batch.append(name)
                if len(batch) >= 500:
                    client.unlink(*batch)
                    batch.clear()
            if batch:
                client.unlink(*batch)

        self._call(work)

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._pid == process_id():
                self._client.close()
            self._client = None
