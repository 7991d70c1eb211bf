// Small DOM helpers. Text goes in through textContent only: names, snippets
// and documents come from anyone who can submit work, and must never become
// markup.

// el('td', {className: 'x', text: 'y', title: 'z'}, [children])
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'text') node.textContent = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node[name] = value;
  }
  for (const child of children) node.append(child);
  return node;
}

export function button(label, onClick, className = '') {
  const node = el('button', { type: 'button', text: label, className });
  node.addEventListener('click', onClick);
  return node;
}

// The line under the tabs: what just happened, or what went wrong.
export function say(message, isError = false) {
  const line = document.getElementById('status-line');
  line.textContent = message;
  line.classList.toggle('error', isError);
}

// "2026-12-05 10:30:00" (UTC, the API's form) as a Date; null when absent.
export function parseTime(text) {
  if (!text) return null;
  const date = new Date(text.replace(' ', 'T') + (text.endsWith('Z') ? '' : 'Z'));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDuration(ms) {
  if (ms === null || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

// Text with [start, end) ranges (UTF-16 offsets, as the API gives them) marked.
export function markedText(text, ranges) {
  const parts = [];
  let at = 0;
  for (const [start, end] of [...(ranges || [])].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > text.length) continue;
    parts.push(text.slice(at, start), el('mark', { text: text.slice(start, end) }));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}
