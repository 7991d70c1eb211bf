// The Add, Search, Documents and Watched folders tabs.
import { get, send, upload } from './api.js';
import { el, button, say, markedText } from './dom.js';

function added(kind, name, answer) {
  const list = document.getElementById('added');
  list.prepend(el('li', {}, [
    el('span', { className: 'chip queued', text: kind }),
    ` ${name} `,
    el('code', { text: answer.job_id }),
  ]));
  say(`${kind} queued as job ${answer.job_id}.`);
}

async function addFiles(files) {
  for (const file of files) {
    try {
      added('file', file.name, await upload('/knowledge/ingest-file-async', file));
    } catch (e) {
      say(`${file.name}: ${e.message}`, true);
    }
  }
}

function initAdd() {
  const zone = document.getElementById('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    addFiles([...event.dataTransfer.files]);
  });
  const input = document.getElementById('file-input');
  input.addEventListener('change', () => {
    addFiles([...input.files]);
    input.value = '';
  });
  document.getElementById('url-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const url = document.getElementById('url').value.trim();
    try {
      added('url', url, await send('POST', '/knowledge/ingest-url-async', { url }));
      document.getElementById('url').value = '';
    } catch (e) {
      say(e.message, true);
    }
  });
  document.getElementById('text-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = document.getElementById('text').value;
    const source = document.getElementById('text-source').value.trim();
    try {
      const answer = await send('POST', '/knowledge/ingest-text-async', source ? { text, source } : { text });
      added('text', text.slice(0, 40), answer);
      document.getElementById('text').value = '';
    } catch (e) {
      say(e.message, true);
    }
  });
}

function resultItem(hit) {
  const relevance = Math.round((hit.relevance || 0) * 100);
  const where = [hit.source, hit.title, hit.heading, hit.page ? `page ${hit.page}` : null]
    .filter(Boolean).join(' · ');
  return el('li', { className: 'result' }, [
    el('div', { className: 'where' }, [
      el('meter', { className: 'relevance', min: 0, max: 1, value: hit.relevance || 0, title: `relevance ${relevance} %` }),
      ` ${where} `,
      el('span', { className: 'muted', text: `document ${hit.document_id}, ${hit.matched}` }),
    ]),
    el('p', { className: 'snippet' }, markedText(hit.snippet || hit.text, hit.snippet ? hit.snippet_highlights : hit.highlights)),
  ]);
}

function initSearch() {
  document.getElementById('search-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = document.getElementById('query').value;
    const mode = document.getElementById('mode').value;
    try {
      const answer = await send('POST', '/knowledge/search', { query, mode, k: 10 });
      const list = document.getElementById('results');
      list.replaceChildren(...answer.results.map(resultItem));
      say(answer.results.length ? `${answer.results.length} passages.` : 'Nothing relevant found.');
    } catch (e) {
      say(e.message, true);
    }
  });
}

let beforeId = null;

async function preview(documentId) {
  const article = document.getElementById('preview');
  try {
    const answer = await get(`/knowledge/documents/${documentId}/text`);
    article.replaceChildren(
      el('h3', { text: `Document ${documentId}` }),
      el('pre', { text: answer.text }),
      answer.truncated ? el('p', { className: 'muted', text: 'The text goes on.' }) : '');
  } catch (e) {
    say(e.message, true);
  }
}

async function listDocuments(more = false) {
  const body = document.querySelector('#document-table tbody');
  if (!more) {
    body.replaceChildren();
    beforeId = null;
  }
  const q = document.getElementById('documents-query').value.trim();
  const answer = await get('/knowledge/documents', { q, limit: 50, before_id: more ? beforeId : '' });
  for (const doc of answer.documents) {
    const row = el('tr', { dataset: { documentId: doc.document_id } }, [
      el('td', { className: 'name', text: doc.title || doc.filename || doc.url || `#${doc.document_id}` }),
      el('td', { text: doc.type || '' }),
      el('td', { text: doc.source || '' }),
      el('td', { text: String(doc.chunks ?? '') }),
      el('td', { className: 'actions' }, [
        button('Read', () => preview(doc.document_id)),
        button('Delete', async () => {
          if (!confirm('Delete this document and its passages?')) return;
          try {
            await send('DELETE', `/knowledge/documents/${doc.document_id}`);
            row.remove();
            say(`Document ${doc.document_id} deleted.`);
          } catch (e) {
            say(e.message, true);
          }
        }),
      ]),
    ]);
    body.append(row);
  }
  beforeId = answer.next_before_id ?? null;
  document.getElementById('more-documents').hidden = beforeId === null;
}

function initDocuments() {
  document.getElementById('documents-form').addEventListener('submit', (event) => {
    event.preventDefault();
    listDocuments().catch((e) => say(e.message, true));
  });
  document.getElementById('more-documents').addEventListener('click', () =>
    listDocuments(true).catch((e) => say(e.message, true)));
}

async function listWatches() {
  const answer = await get('/ops/watches');
  document.querySelector('#watch-table tbody').replaceChildren(...answer.watches.map((watch) => el('tr', {}, [
    el('td', { className: 'name', text: watch.path }),
    el('td', { text: watch.source || '' }),
    el('td', { text: String(watch.files_tracked ?? '') }),
    el('td', { text: watch.last_scan_at || 'not yet' }),
    el('td', { className: watch.last_error ? 'error' : '', text: watch.last_error || '' }),
    el('td', { className: 'actions' }, [button('Rescan', async () => {
      try {
        await send('POST', `/ops/watches/${watch.id}/rescan`);
        say(`Rescan of ${watch.path} queued.`);
      } catch (e) {
        say(e.message, true);
      }
    })]),
  ])));
  if (!answer.watches.length) say('No watched folders: add one with POST /ops/watches or in the desktop program.');
}

export function initKnowledge() {
  initAdd();
  initSearch();
  initDocuments();
}

export const showDocuments = () => listDocuments().catch((e) => say(e.message, true));
export const showWatches = () => listWatches().catch((e) => say(e.message, true));
