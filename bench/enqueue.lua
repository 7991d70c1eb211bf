-- wrk script: POST a ~120-byte text to the async text endpoint, as the seed's clients do.
wrk.method = "POST"
wrk.path = "/knowledge/ingest-text-async"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = "test-key"
wrk.headers["x-role"] = "editor"
wrk.body = '{"text":"Benchmark document: customer reported an urgent issue with account 999 and asked for a callback today.","source":"bench"}'
