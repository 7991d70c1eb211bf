"""Helpers for bench/ingest.sh (standard library only).
  make-corpus DIR MB        write plain-text files of 100-500 KB, MB megabytes in all
  wait BASE N               wait until N jobs have ended; print the time (epoch seconds)
  summary BASE IDS_FILE     per-job results: "chunks failed", and why the failures failed
"""
import json, random, sys, time, urllib.request

ADMIN = {"x-admin-key": "admin-secret-123"}
FUNCTION_WORDS = ("the of and to a in is that for it as was with be by on not he this are or his from at "
                  "which but have an had they you were their one all we can her has there been if more "
                  "when will would who so no she other its may these what them than some him time into "
                  "only do also two such then first any new could our most over after made many must").split()


def make_corpus(directory, megabytes):
    rng = random.Random(20261128)
    syllables = [c + v for c in ("b c d f g h k l m n p r s t v w z br cl dr st tr sh".split())
                 for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    content = sorted({"".join(rng.choices(syllables, k=rng.randint(1, 3))) for _ in range(6000)})
    rng.shuffle(content)
    vocabulary = FUNCTION_WORDS + content[:4000]
    weights = [1.0 / rank for rank in range(1, len(vocabulary) + 1)]  # Zipf, s = 1
    total, files = int(megabytes * 1_000_000), 0
    while total > 0:
        size = min(total, rng.randint(100_000, 500_000))
        words = rng.choices(vocabulary, weights, k=size // 5)
        paragraphs, sentence, out, length = [], [], [], 0
        for word in words:
            sentence.append(word)
            if len(sentence) >= rng.randint(6, 18):
                out.append(" ".join(sentence).capitalize() + ".")
                sentence = []
                if rng.random() < 0.15:
                    paragraphs.append(" ".join(out))
                    out = []
        paragraphs.append(" ".join(out + [" ".join(sentence)]))
        text = "\n\n".join(paragraphs).encode()[:size]
        with open(f"{directory}/document-{files:04d}.txt", "wb") as file:
            file.write(text)
        total -= len(text)
        files += 1


def get(url):
    with urllib.request.urlopen(urllib.request.Request(url, headers=ADMIN), timeout=30) as reply:
        return json.load(reply)


def wait(base, n):
    while True:
        counts = get(base + "/ops/queue")["counts"]
        if counts["finished"] + counts["failed"] + counts["canceled"] >= n:
            print(f"{time.time():.3f}")
            return
        time.sleep(0.05)


def summary(base, ids_file):
    chunks, failed = 0, []
    for job_id in open(ids_file).read().split():
        job = get(f"{base}/ops/jobs/{job_id}")
        if job["status"] == "finished":
            chunks += (job.get("result") or {}).get("ingested_chunks", 0)
        else:
            failed.append(f"{job_id}: {job['status']} {job.get('error')}")
    print(chunks, len(failed))
    for line in failed[:5]:
        print("  " + line, file=sys.stderr)


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "make-corpus":
        make_corpus(arguments[0], float(arguments[1]))
    elif command == "wait":
        wait(arguments[0], int(arguments[1]))
    else:
        summary(arguments[0], arguments[1])
