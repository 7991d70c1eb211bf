#!/usr/bin/python3
"""RQ 1.13's own tools against a running aether-ingestd: rq info, Job.fetch,
the registries, Worker.all, RQ's housekeeping, and (--stray-worker) a Python
`rq worker` taking an Aether job. Run by tests/e2e/tst_ingestd_rq_compat.cpp
with Debian's /usr/bin/python3 (python3-rq, python3-redis). One line per check;
exit 0 when every check passed."""

import argparse
import json
import subprocess
import sys
import time
import urllib.request

from redis import Redis
from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.registry import (CanceledJobRegistry, FailedJobRegistry,
                         FinishedJobRegistry, ScheduledJobRegistry,
                         StartedJobRegistry, clean_registries)

QUEUE_NAMES = ["ingest:high", "ingest", "ingest:low"]
STATES = ["queued", "started", "scheduled", "finished", "failed", "canceled"]
FUNC_NAMES = {"aether_ingest.ingest_text_job", "aether_ingest.ingest_url_job",
              "aether_ingest.ingest_file_job"}

failures = []


def check(name, ok, detail=""):
    print("%s %s%s" % ("PASS" if ok else "FAIL", name,
                       "" if ok or not detail else ": " + str(detail)), flush=True)
    if not ok:
        failures.append(name)


class Api:
    def __init__(self, base, admin_key):
        self.base, self.admin_key = base.rstrip("/"), admin_key

    def call(self, method, path):
        request = urllib.request.Request(self.base + path, method=method,
                                         headers={"x-admin-key": self.admin_key})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read() or b"{}")

    def ids(self, status):
        """Every id GET /ops/jobs?status= lists, following next_cursor."""
        ids, before = [], ""
        for _ in range(100):
            page = self.call("GET", "/ops/jobs?limit=200&status=%s%s" % (status, before))
            ids += [job["id"] for job in page.get("jobs", [])]
            if page.get("next_cursor") is None:
                break
            before = "&before=%s" % page["next_cursor"]
        return sorted(ids)

    def snapshot(self):
        """What Aether shows: counts, queue lengths and every listing by status."""
        queue = self.call("GET", "/ops/queue")
        return {"counts": queue.get("counts"), "queues": queue.get("queues"),
                "paused": queue.get("paused"),
                "lists": {status: self.ids(status) for status in STATES}}

    def status(self, job_id):
        return self.call("GET", "/ops/jobs/" + job_id).get("status")

    def wait_for(self, job_id, wanted, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            job = self.call("GET", "/ops/jobs/" + job_id)
            if job.get("status") in wanted:
                return job
            time.sleep(0.2)
        return self.call("GET", "/ops/jobs/" + job_id)


def run(command):
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def check_rq_info(url, workers, ids):
    code, out = run(["/usr/bin/rq", "info", "--raw", "--url", url])
    check("rq info exits 0", code == 0, out)
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "queue":
            counts[parts[1]] = int(parts[2])
    check("rq info lists ingest, ingest:high, ingest:low",
          set(QUEUE_NAMES) <= set(counts), out)
    check("rq info counts the queued job in ingest", counts.get("ingest", 0) >= 1, out)
    listed = {line.split()[1] for line in out.splitlines() if line.startswith("worker ")}
    check("rq info lists Aether's workers", set(workers) <= listed and listed,
          "want %s in %s" % (workers, out))
    code, out = run(["/usr/bin/rq", "info", "--raw", "--url", url, "ingest"])
    check("rq info ingest exits 0", code == 0 and "queue ingest " in out, out)


def check_jobs(r, ids):
    want_status = {"queued": JobStatus.QUEUED, "started": JobStatus.STARTED,
                   "scheduled": JobStatus.SCHEDULED, "finished": JobStatus.FINISHED,
                   "failed": JobStatus.FAILED, "canceled": JobStatus.CANCELED}
    for state, job_id in ids.items():
        try:
            job = Job.fetch(job_id, connection=r)
        except Exception as error:  # the check's detail says what RQ could not read
            check("Job.fetch %s" % state, False, repr(error))
            continue
        check("Job.fetch %s: get_status() is %s" % (state, state),
              job.get_status() == want_status[state], job.get_status())
        try:
            decoded = (job.func_name, job.args, job.kwargs)
        except Exception as error:
            check("%s job: data decodes" % state, False, repr(error))
            continue
        check("%s job: func_name" % state, job.func_name in FUNC_NAMES, job.func_name)
        check("%s job: args is a tuple" % state, isinstance(job.args, (tuple, list)), decoded)
        check("%s job: kwargs has source and tenant" % state,
              isinstance(job.kwargs, dict) and "source" in job.kwargs
              and "tenant" in job.kwargs, job.kwargs)
        check("%s job: origin is an ingest queue" % state, job.origin in QUEUE_NAMES,
              job.origin)
        check("%s job: enqueued_at decodes" % state, job.enqueued_at is not None,
              job.enqueued_at)
    try:
        result = Job.fetch(ids["finished"], connection=r).result
    except Exception as error:
        result = error
    check("finished job: result decodes to a dict", isinstance(result, dict) and result, result)
    try:
        exc_info = Job.fetch(ids["failed"], connection=r).exc_info
    except Exception as error:
        exc_info = error
    check("failed job: exc_info names the error",
          isinstance(exc_info, str) and "404" in exc_info, exc_info)


def check_registries(r, ids):
    q = Queue("ingest", connection=r)
    registries = {"started": StartedJobRegistry, "finished": FinishedJobRegistry,
                  "failed": FailedJobRegistry, "canceled": CanceledJobRegistry,
                  "scheduled": ScheduledJobRegistry}
    for state, registry in registries.items():
        try:
            listed = registry(queue=q).get_job_ids()
        except Exception as error:
            listed = error
        check("%s of ingest lists exactly the %s job" % (registry.__name__, state),
              listed == [ids[state]], listed)


def check_workers(r, workers):
    for label, found in (("Worker.all(connection=r)", Worker.all(connection=r)),
                         ("Worker.all(queue=Queue('ingest'))",
                          Worker.all(queue=Queue("ingest", connection=r)))):
        names = sorted(worker.name for worker in found)
        check(label + " returns Aether's workers", names == sorted(workers),
              "%s != %s" % (names, sorted(workers)))
        for worker in found:
            fields = {"state": worker.get_state(), "queues": worker.queue_names(),
                      "pid": worker.pid, "hostname": worker.hostname,
                      "birth": worker.birth_date, "last_heartbeat": worker.last_heartbeat}
            check("%s %s: state, queues, pid, hostname, birth, last_heartbeat" %
                  (label, worker.name),
                  fields["state"] in ("idle", "busy") and fields["queues"] == QUEUE_NAMES
                  and fields["pid"] and fields["hostname"] and fields["birth"]
                  and fields["last_heartbeat"], fields)


def housekeeping(r, url):
    """What an operator runs with RQ's tools; none of it may change Aether."""
    q = Queue("ingest", connection=r)
    run(["/usr/bin/rq", "info", "--url", url, "ingest"])
    for name in QUEUE_NAMES:
        clean_registries(Queue(name, connection=r))
    _ = q.jobs
    _ = FailedJobRegistry(queue=q).get_job_ids()
    _ = Worker.all(connection=r)
    _ = Worker.all(queue=q)


def main_checks(args, r, api):
    ids = {state: getattr(args, state) for state in STATES}
    workers = [name for name in args.workers.split(",") if name]
    check("Aether's worker names were given", bool(workers), args.workers)
    check_rq_info(args.redis, workers, ids)
    check_jobs(r, ids)
    check_registries(r, ids)
    check_workers(r, workers)

    before = api.snapshot()
    housekeeping(r, args.redis)
    after = api.snapshot()
    check("RQ's housekeeping leaves /ops/queue counts identical",
          before["counts"] == after["counts"] and before["queues"] == after["queues"],
          "%s -> %s" % (before, after))
    for state in STATES:
        check("RQ's housekeeping leaves /ops/jobs?status=%s identical" % state,
              before["lists"][state] == after["lists"][state],
              "%s -> %s" % (before["lists"][state], after["lists"][state]))
    for state in STATES:
        check("/ops/jobs?status=%s lists the %s job" % (state, state),
              ids[state] in after["lists"][state], after["lists"][state])

    queued = [job_id.decode() for job_id in r.lrange("rq:queue:ingest", 0, -1)]
    check("Queue.jobs strands nothing: the job is still in rq:queue:ingest",
          ids["queued"] in queued, queued)
    api.call("POST", "/ops/queue/resume")
    job = api.wait_for(ids["queued"], ("finished", "failed"), 60)
    check("after POST /ops/queue/resume the queued job finishes",
          job.get("status") == "finished", job)
    return 0


def stray_worker_check(args, r, api):
    """A Python `rq worker` takes an Aether job it cannot run (no aether_ingest
    module): the job must end failed with RQ's error, and Aether's retry finish it."""
    job_id = args.queued
    check("the stray worker's job is queued", api.status(job_id) == "queued", api.status(job_id))
    failed_before = api.call("GET", "/ops/queue").get("counts", {}).get("failed", 0)
    code, out = run(["/usr/bin/rq", "worker", "--burst", "-w", "rq.worker.SimpleWorker",
                     "--url", args.redis, "ingest"])
    check("rq worker --burst ends", code is not None, out[-2000:])
    # RQ marks the job failed at once; Aether takes the failure in as its own
    # (its error, its failed listing) on its next reconciler pass.
    deadline = time.monotonic() + 30
    job = api.wait_for(job_id, ("failed", "finished"), 30)
    while not job.get("error") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = api.call("GET", "/ops/jobs/%s" % job_id)
    check("the stray worker's job ends failed in Aether, with an error, within 30 s",
          job.get("status") == "failed" and bool(job.get("error")), job)
    try:
        exc_info = Job.fetch(job_id, connection=r).exc_info
    except Exception as error:
        exc_info = repr(error)
    check("its error in /ops/jobs/{id} is RQ's (it cannot import aether_ingest)",
          "aether_ingest" in (job.get("error") or ""),
          "error %r, RQ's exc_info %r" % (job.get("error"), exc_info))
    check("/ops/jobs?status=failed lists it", job_id in api.ids("failed"), api.ids("failed"))
    # Other jobs of the run may end meanwhile (the slow started one), so the
    # count is compared with the listing that holds this job, not with before.
    counts = api.call("GET", "/ops/queue").get("counts", {})
    failed_ids = api.ids("failed")
    check("/ops/queue counts it failed", counts.get("failed", 0) > failed_before
          and counts.get("failed", 0) == len(failed_ids),
          "failed %s before, now %s; listed %s" % (failed_before, counts, failed_ids))
    api.call("POST", "/ops/jobs/%s/retry" % job_id)
    api.call("POST", "/ops/queue/resume")
    job = api.wait_for(job_id, ("finished",), 60)
    check("Aether's retry then finishes it", job.get("status") == "finished", job)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", required=True, help="redis://127.0.0.1:<port>/0")
    parser.add_argument("--api", required=True, help="http://127.0.0.1:<port>")
    parser.add_argument("--admin-key", required=True)
    parser.add_argument("--workers", default="", help="Aether's worker names, comma separated")
    for state in STATES:
        parser.add_argument("--" + state, default="", help="id of a job in this state")
    parser.add_argument("--stray-worker", action="store_true",
                        help="only: a Python rq worker takes the --queued job")
    args = parser.parse_args()
    r = Redis.from_url(args.redis)
    api = Api(args.api, args.admin_key)
    try:
        if args.stray_worker:
            stray_worker_check(args, r, api)
        else:
            main_checks(args, r, api)
    except Exception as error:  # a crash is a failed check, with its cause shown
        import traceback
        traceback.print_exc()
        check("the program runs to its end", False, repr(error))
    print("%d checks failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
