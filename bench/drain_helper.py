"""Helpers for bench/drain.sh (run with Debian's /usr/bin/python3, which has python3-redis and python3-rq).
  fill-ours BASE N        queue N small text jobs through aether-ingestd's API
  fill-peer REDIS_URL N   queue N of the same jobs into RQ (the reference peer's ingest_text_job)
  wait-ours REDIS_URL N   wait until N jobs finished; print seconds from first start to last end,
                          then the rates (jobs/s) of the first and the last tenth of the jobs
Each job's text is its own (a number at its end), so that every job is stored: the same text
again would be a duplicate, which Aether recognises and does not write.
"""
import json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

TEXT = "Benchmark document: customer reported an urgent issue with account 999 and asked for a callback today."


def text_of(i):
    return f"{TEXT} Ticket {i}."


def fill_ours(base, n):
    headers = {"x-api-key": "test-key", "x-role": "editor", "Content-Type": "application/json"}

    def post(i):
        body = json.dumps({"text": text_of(i), "source": "bench"}).encode()
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
    for i in range(n):
        queue.enqueue(jobs.ingest_text_job, text_of(i), "bench", "default", result_ttl=500)


def wait_ours(redis_url, n):
    from redis import Redis
    redis = Redis.from_url(redis_url)
    while redis.zcard("rq:finished:ingest") < n:
        if redis.zcard("rq:failed:ingest"):
            sys.exit("a job failed")
        time.sleep(0.01)
    ids = redis.zrange("rq:finished:ingest", 0, -1)
    pipe = redis.pipeline()
    for job_id in ids:
        pipe.hmget(b"rq:job:" + job_id, "started_at", "ended_at")
    stamps = pipe.execute()
    # RQ's format in the hash since the RQ-compatible layout; the older one before it
    # (bench/drain.sh may compare builds from either side of that change).
    def parse(raw):
        text = raw.decode()
        rq_format = "%Y-%m-%dT%H:%M:%S.%fZ" if text.endswith("Z") else "%Y-%m-%d %H:%M:%S.%f"
        return datetime.strptime(text, rq_format)
    first = min(parse(s) for s, _ in stamps)
    ends = sorted(parse(e) for _, e in stamps)
    print(f"{(ends[-1] - first).total_seconds():.3f} {tenth_rate(first, ends, 0)} {tenth_rate(first, ends, 9)}")


def tenth_rate(first, ends, tenth):
    """Jobs per second of one tenth of the jobs, in the order they ended."""
    size = len(ends) // 10
    begin = first if tenth == 0 else ends[tenth * size - 1]
    seconds = (ends[(tenth + 1) * size - 1] - begin).total_seconds()
    return f"{size / seconds:.0f}" if seconds > 0 else "0"


if __name__ == "__main__":
    command, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"fill-ours": fill_ours, "fill-peer": fill_peer, "wait-ours": wait_ours}[command](target, count)
