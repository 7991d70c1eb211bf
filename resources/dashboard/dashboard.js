// The dashboard's entry: sign in with a key, learn its role and tenant
// (GET /auth/whoami), show the tabs that role may use, switch between them.
import { get, storedKey, storeKey, forgetKey } from './api.js';
import { say } from './dom.js';
import { initJobs, showJobs, stopJobs } from './jobs.js';
import { initKnowledge, showDocuments, showWatches } from './knowledge.js';

const RANK = { viewer: 1, editor: 2, admin: 3 };
const SHOW = { jobs: showJobs, documents: showDocuments, watches: showWatches };

function tabs() {
  return [...document.querySelectorAll('#tabs button')];
}

function openTab(name) {
  for (const tab of tabs()) {
    const active = tab.dataset.tab === name;
    tab.classList.toggle('active', active);
    document.getElementById(tab.dataset.tab).hidden = !active;
  }
  if (name !== 'jobs') stopJobs();
  say('');
  if (SHOW[name]) SHOW[name]();
}

function signedIn(who) {
  document.getElementById('sign-in').hidden = true;
  document.getElementById('sign-out').hidden = false;
  document.getElementById('tabs').hidden = false;
  document.getElementById('who').textContent =
    `${who.role} · tenant ${who.any_tenant ? 'any' : who.tenant}`;
  const allowed = tabs().filter((tab) => RANK[who.role] >= RANK[tab.dataset.role]);
  for (const tab of tabs()) tab.hidden = !allowed.includes(tab);
  openTab(allowed[0].dataset.tab);
}

function signedOut(message = '') {
  stopJobs();
  forgetKey();
  for (const tab of tabs()) document.getElementById(tab.dataset.tab).hidden = true;
  document.getElementById('tabs').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('who').textContent = '';
  document.getElementById('sign-in').hidden = false;
  document.getElementById('sign-in-error').textContent = message;
  say('');
}

async function signIn() {
  try {
    signedIn(await get('/auth/whoami'));
  } catch (e) {
    signedOut(
      e.status === 401
        ? 'This key is not known to the server (the dashboard takes a key of API_KEYS; ADMIN_KEY alone is for /ops/* only).'
        : e.message,
    );
  }
}

function start() {
  initJobs();
  initKnowledge();
  for (const tab of tabs()) tab.addEventListener('click', () => openTab(tab.dataset.tab));
  document.getElementById('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    storeKey(document.getElementById('key').value.trim());
    document.getElementById('key').value = '';
    signIn();
  });
  // Signing out starts the page afresh: nothing the last key could see (job
  // rows, search results, document text) stays in it for the next key.
  document.getElementById('sign-out').addEventListener('click', () => {
    stopJobs();
    forgetKey();
    location.reload();
  });
  if (storedKey()) signIn();
}

start();
