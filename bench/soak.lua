-- wrk script for bench/soak.sh: POST a small, unique text to the async text endpoint,
-- count the answers by status per thread, write every accepted job_id to a file, and
-- print one machine-readable summary line in done().
--   wrk -t2 -c64 -d60s -s bench/soak.lua URL -- <phase> <id file prefix>
-- <phase> goes into every text (so a warm-up and the soak never send the same text: each
-- request is a new document, the workers do the whole pipeline, nothing is a duplicate);
-- thread N writes its accepted ids to "<prefix>.N", one per line.
-- Accepted = 2xx with a job_id in the body; anything else is an error (by status code, and
-- "nojobid" for a 2xx without an id). wrk's own socket errors come from its summary.

wrk.method = "POST"
wrk.path = "/knowledge/ingest-text-async"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = "test-key"
wrk.headers["x-role"] = "editor"

local threads = {}
local next_id = 1

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

function init(args)
    phase = args[1] or "soak"
    local prefix = args[2]
    ids = prefix and assert(io.open(prefix .. "." .. id, "w")) or nil
    sent = 0
    accepted = 0
    nojobid = 0
    codes = {}
end

function request()
    sent = sent + 1
    local body = string.format(
        '{"text":"Soak document %s-%d-%d: customer reported an urgent issue with account %d and asked for a callback today.","source":"soak"}',
        phase, id, sent, sent)
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    local key = tostring(status)
    codes[key] = (codes[key] or 0) + 1
    if status >= 200 and status < 300 then
        local job = string.match(body, '"job_id":"([^"]+)"')
        if job then
            accepted = accepted + 1
            if ids then ids:write(job, "\n") end
        else
            nojobid = nojobid + 1
        end
    end
end

function done(summary, latency, requests)
    local total_accepted, total_nojobid, total_sent = 0, 0, 0
    local all = {}
    for _, thread in ipairs(threads) do
        total_accepted = total_accepted + (thread:get("accepted") or 0)
        total_nojobid = total_nojobid + (thread:get("nojobid") or 0)
        total_sent = total_sent + (thread:get("sent") or 0)
        local c = thread:get("codes") or {}
        for code, n in pairs(c) do all[code] = (all[code] or 0) + n end
    end
    local responses, non2xx = 0, 0
    local list = {}
    for code, n in pairs(all) do
        responses = responses + n
        local c = tonumber(code)
        if c < 200 or c >= 300 then non2xx = non2xx + n end
        table.insert(list, code .. ":" .. n)
    end
    table.sort(list)
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
        "WRKSOAK requests=%d responses=%d sent=%d duration_s=%.3f rps=%.1f " ..
        "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
        "accepted=%d non2xx=%d nojobid=%d codes=%s " ..
        "sock_connect=%d sock_read=%d sock_write=%d sock_timeout=%d status_errors=%d\n",
        summary.requests, responses, total_sent, secs, summary.requests / secs,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000,
        total_accepted, non2xx, total_nojobid, (#list > 0 and table.concat(list, ",") or "none"),
        e.connect, e.read, e.write, e.timeout, e.status))
end
