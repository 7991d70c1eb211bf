"""Helpers for bench/drain.sh (run with Debian's /usr/bin/python3, which has python3-redis and python3-rq).
  fill-ours BASE N        queue N small text jobs through aether-ingestd's API
  fill-peer REDIS_URL N   queue N of the same jobs into RQ (the reference peer's ingest_text_job)
  wait-ours REDIS_URL N   wait until N jobs finished; print seconds from first start to last end
"""
import json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

TEXT = "Benchmark document: customer reported an urgent issue with account 999 and asked for a callback today."


def fill_ours(base, n):
    body = json.dumps({"text": TEXT, "source": "bench"}).encode()
    headers = {"x-api-key": "test-key", "x-role": "editor", "Content-Type": "application/json"}

    def post(_):
        request = urllib.request.Request(base + "/knowledge/ingest-text-async", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 200

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(post, range(n)))


def fill_peer(redis_url, n):
    sys.path.insert(0, os.environ["PEER_DIR"])
    from redis import Redis
    from rq import Queue
    import jobs
    queue = Queue("ingest", connection=Redis.from_url(redis_url))
    for _ in range(n):
        queue.enqueue(jobs.ingest_text_job, TEXT, "bench", "default", result_ttl=500)


def wait_ours(redis_url, n):
    from redis import Redis
    redis = Redis.from_url(redis_url)
    while redis.zcard("aether:finished:ingest") < n:
        if redis.zcard("aether:failed:ingest"):
            sys.exit("a job failed")
        time.sleep(0.01)
    ids = redis.zrange("aether:finished:ingest", 0, -1)
    pipe = redis.pipeline()
    for job_id in ids:
        pipe.hmget(b"rq:job:" + job_id, "started_at", "ended_at")
    stamps = pipe.execute()
    # RQ's format (2026-12-04T10:55:01.123000Z) or the older 2026-12-04 10:55:01.123
    parse = lambda raw: datetime.strptime(raw.decode().replace("T", " ").rstrip("Z"), "%Y-%m-%d %H:%M:%S.%f")
    first = min(parse(s) for s, _ in stamps)
    last = max(parse(e) for _, e in stamps)
    print(f"{(last - first).total_seconds():.3f}")


if __name__ == "__main__":
    command, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"fill-ours": fill_ours, "fill-peer": fill_peer, "wait-ours": wait_ours}[command](target, count)
