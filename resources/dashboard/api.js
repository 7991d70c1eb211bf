// The dashboard's one way to the REST API: the key from session storage as
// x-api-key (never a cookie), JSON errors turned into exceptions, and the
// Server-Sent Events of /ops/events read through fetch, since EventSource
// cannot send a header.

const KEY = 'aether-ingest-key';

export function storedKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function storeKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(extra = {}) {
  return { 'x-api-key': storedKey(), ...extra };
}

async function answerOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    throw new ApiError(response.status, `HTTP ${response.status}`);
  }
  if (!response.ok || body.ok === false) {
    throw new ApiError(response.status, body.error || `HTTP ${response.status}`);
  }
  return body;
}

// path: "/ops/queue"; query: {status: "failed"} (empty values left out).
export async function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== '' && value !== null && value !== undefined) params.set(name, value);
  }
  const url = params.toString() ? `${path}?${params}` : path;
  return answerOf(await fetch(url, { headers: headers() }));
}

export async function send(method, path, json) {
  const init = { method, headers: headers() };
  if (json !== undefined) {
    init.headers = headers({ 'Content-Type': 'application/json' });
    init.body = JSON.stringify(json);
  }
  return answerOf(await fetch(path, init));
}

export async function upload(path, file, fields = {}) {
  const form = new FormData();
  form.append('file', file, file.name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return answerOf(await fetch(path, { method: 'POST', headers: headers(), body: form }));
}

// Answers that end the stream for good: the key was revoked or lost its role,
// or the address is banned. Trying again every 2 s would count each try as
// another wrong key and get the address (and everyone behind it) banned.
const FINAL_REFUSALS = [401, 403, 429];

// Calls onEvent(event) for each event of /ops/events until `signal` aborts;
// reconnects after a break, from the last event seen (Last-Event-ID).
// onState(true|false) tells whether the stream is connected. Resolves with
// the ApiError of a final refusal, or nothing when aborted.
export async function followEvents(onEvent, onState, signal) {
  let lastId = '';
  while (!signal.aborted) {
    try {
      const extra = lastId ? { 'Last-Event-ID': lastId } : {};
      const response = await fetch('/ops/events', { headers: headers(extra), signal });
      if (FINAL_REFUSALS.includes(response.status)) {
        onState(false);
        return answerOf(response).catch((refusal) => refusal);
      }
      if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
      onState(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value; // the server ends lines with LF alone
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) lastId = line.slice(3).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (data) onEvent(JSON.parse(data));
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    onState(false);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
