// The Jobs tab (admin): queue counts, workers, pause and resume, the bulk
// operations, and the job table, kept live by /ops/events.
import { get, send, followEvents } from './api.js';
import { el, button, say, parseTime, formatDuration } from './dom.js';

const ENDED = new Set(['finished', 'failed', 'canceled']);
const rows = new Map(); // job id -> { job, row }
let nextCursor = null;
let events = null; // AbortController of the event stream
let queueTimer = null;

function filters() {
  return {
    status: document.getElementById('filter-status').value,
    type: document.getElementById('filter-type').value,
  };
}

function nameFilter() {
  return document.getElementById('filter-name').value.trim().toLowerCase();
}

function matchesFilters(job) {
  const { status, type } = filters();
  const name = nameFilter();
  return (!status || job.status === status) && (!type || job.type === type) &&
    (!name || (job.name || '').toLowerCase().includes(name));
}

function durationOf(job) {
  const started = parseTime(job.started_at);
  if (!started) return '';
  const ended = parseTime(job.ended_at) || (ENDED.has(job.status) ? started : new Date());
  return formatDuration(ended - started);
}

function progressCell(job) {
  if (job.status === 'failed') return el('td', { className: 'error', text: job.error || 'failed' });
  if (job.status === 'finished') {
    const chunks = job.result && job.result.ingested_chunks;
    return el('td', { text: chunks === undefined ? 'done' : `${chunks} chunks stored` });
  }
  if (job.status !== 'started') return el('td', { text: ENDED.has(job.status) ? '' : job.stage || '' });
  const progress = Math.max(0, Math.min(100, job.progress || 0));
  return el('td', {}, [
    el('progress', { max: 100, value: progress, title: `${progress} %` }),
    el('span', { className: 'stage', text: ` ${job.stage || ''}` }),
  ]);
}

function actionsCell(job) {
  const cell = el('td', { className: 'actions' });
  if (job.status === 'failed' || job.status === 'canceled') {
    cell.append(button('Retry', () => act('POST', `/ops/jobs/${job.id}/retry`, 'retried')));
  }
  if (!ENDED.has(job.status)) {
    cell.append(button('Cancel', () => act('POST', `/ops/jobs/${job.id}/cancel`, 'cancel asked')));
  }
  if (job.status !== 'started') {
    cell.append(button('Delete', () => act('DELETE', `/ops/jobs/${job.id}`, 'deleted', job.id)));
  }
  return cell;
}

function renderRow(job) {
  const row = el('tr', { dataset: { jobId: job.id, status: job.status } }, [
    el('td', {}, [el('span', { className: `chip ${job.status}`, text: job.status })]),
    el('td', { className: 'name', text: job.name || job.id, title: job.id }),
    el('td', { text: job.type || '' }),
    progressCell(job),
    el('td', { text: durationOf(job) }),
    el('td', { text: job.enqueued_at || '' }),
    actionsCell(job),
  ]);
  row.hidden = !matchesFilters(job);
  return row;
}

function show(job, atTop) {
  const body = document.querySelector('#job-table tbody');
  const known = rows.get(job.id);
  const row = renderRow(job);
  if (known) known.row.replaceWith(row);
  else if (atTop) body.prepend(row);
  else body.append(row);
  rows.set(job.id, { job, row });
}

async function act(method, path, done, deletedId) {
  try {
    await send(method, path);
    say(`Job ${done}.`);
    if (deletedId && rows.has(deletedId)) {
      rows.get(deletedId).row.remove();
      rows.delete(deletedId);
    }
  } catch (e) {
    say(e.message, true);
  }
}

async function loadJobs(more = false) {
  if (!more) {
    rows.clear();
    document.querySelector('#job-table tbody').replaceChildren();
    nextCursor = null;
  }
  const answer = await get('/ops/jobs', { ...filters(), limit: 50, before: more ? nextCursor : '' });
  for (const job of answer.jobs) show(job, false);
  nextCursor = answer.next_cursor;
  document.getElementById('older').hidden = nextCursor === null;
}

function renderQueue(queue) {
  const counts = document.getElementById('queue-counts');
  counts.replaceChildren(...Object.entries(queue.counts).map(([status, count]) =>
    el('span', { className: `count ${status}` }, [el('b', { text: String(count) }), ` ${status}`])));
  counts.append(el('span', { className: 'count', text: `${queue.jobs_per_minute} jobs/min` }));
  const state = document.getElementById('queue-state');
  state.textContent = queue.paused ? 'paused' : 'running';
  state.className = `chip ${queue.paused ? 'paused' : 'running'}`;
  document.getElementById('pause').disabled = queue.paused;
  document.getElementById('resume').disabled = !queue.paused;
  const workers = document.querySelector('#workers tbody');
  workers.replaceChildren(...queue.workers.map((worker) => el('tr', {}, [
    el('td', { text: worker.name }),
    el('td', { text: formatDuration(worker.heartbeat_age_ms) + ' ago' }),
    el('td', { text: worker.current_job || 'idle' }),
  ])));
}

async function loadQueue() {
  try {
    renderQueue(await get('/ops/queue'));
  } catch (e) {
    say(e.message, true);
  }
}

// A busy queue sends thousands of events a second: the queue counts and the
// newest jobs are read again at most once a second, never once per event;
// and not at all once the tab closed (the key may have changed since).
function throttled(action) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (events) action();
    }, 1000);
  };
}

const refreshQueueSoon = throttled(() => loadQueue());

// New jobs come in at the top, from one read of the newest page.
const showNewJobsSoon = throttled(async () => {
  try {
    const answer = await get('/ops/jobs', { ...filters(), limit: 50 });
    for (const job of [...answer.jobs].reverse()) show(job, !rows.has(job.id));
    trimRows();
  } catch (e) {
    say(e.message, true);
  }
});

// The table keeps at most this many rows (older pages stay reachable).
const MAX_ROWS = 500;
function trimRows() {
  const body = document.querySelector('#job-table tbody');
  while (rows.size > MAX_ROWS && body.lastElementChild) {
    rows.delete(body.lastElementChild.dataset.jobId);
    body.lastElementChild.remove();
  }
}

function onEvent(event) {
  if (!event.job_id) {
    if (event.status === 'batch_finished') say(`Batch ${event.batch_id} finished.`);
    return;
  }
  const known = rows.get(event.job_id);
  if (known) {
    const job = { ...known.job, status: event.status };
    if (event.stage !== undefined) job.stage = event.stage;
    if (event.progress !== undefined) job.progress = event.progress;
    if (event.status === 'started' && !job.started_at) job.started_at = event.at;
    if (ENDED.has(event.status)) {
      job.ended_at = event.at;
      if (event.error) job.error = event.error;
    }
    show(job, false);
  } else if (event.status === 'queued' || event.status === 'scheduled') {
    showNewJobsSoon();
  }
  if (ENDED.has(event.status) || event.status === 'queued') refreshQueueSoon();
}

function setLive(connected) {
  const live = document.getElementById('live');
  live.textContent = connected ? 'live' : 'reconnecting';
  live.className = `chip ${connected ? 'running' : 'paused'}`;
}

async function bulk(method, path, describe) {
  try {
    say(describe(await send(method, path)));
    await loadQueue();
    await loadJobs();
  } catch (e) {
    say(e.message, true);
  }
}

async function pauseOrResume(verb, done) {
  try {
    await send('POST', `/ops/queue/${verb}`);
    await loadQueue();
    say(done);
  } catch (e) {
    say(e.message, true);
  }
}

export function initJobs() {
  document.getElementById('pause').addEventListener('click', () =>
    pauseOrResume('pause', 'Queue paused: running jobs finish, no new job starts.'));
  document.getElementById('resume').addEventListener('click', () =>
    pauseOrResume('resume', 'Queue resumed.'));
  document.getElementById('older').addEventListener('click', () => loadJobs(true).catch((e) => say(e.message, true)));
  for (const id of ['filter-status', 'filter-type']) {
    document.getElementById(id).addEventListener('change', () => loadJobs().catch((e) => say(e.message, true)));
  }
  document.getElementById('filter-name').addEventListener('input', () => {
    for (const { job, row } of rows.values()) row.hidden = !matchesFilters(job);
  });
  document.getElementById('bulk-retry').addEventListener('click', () =>
    bulk('POST', '/ops/jobs/retry?status=failed', (a) => `${a.retried} of ${a.matched} failed jobs queued again.`));
  document.getElementById('bulk-delete').addEventListener('click', () =>
    bulk('DELETE', '/ops/jobs?status=finished', (a) => `${a.deleted} finished jobs deleted.`));
  document.getElementById('bulk-empty').addEventListener('click', () => {
    if (confirm('Cancel every job waiting in the queue?')) {
      bulk('POST', '/ops/queue/empty', (a) => `${a.canceled} waiting jobs canceled.`);
    }
  });
}

export async function showJobs() {
  if (events) return;
  events = new AbortController();
  followEvents(onEvent, setLive, events.signal).then((refusal) => {
    if (refusal) say(`Live updates stopped: ${refusal.message}. Sign in again.`, true);
  });
  queueTimer = setInterval(loadQueue, 5000);
  await Promise.all([loadQueue(), loadJobs()]);
}

export function stopJobs() {
  if (events) events.abort();
  events = null;
  clearInterval(queueTimer);
}
