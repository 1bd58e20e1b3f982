// The Live page: the cameras of a running `tracklight run` (polled every second from
// /api/live/cameras) above the alert stream (SSE, filtered by camera, type and severity).
import { api, currentSession, el } from '/api.js';

let source = null;
const tbody = document.querySelector('#alerts tbody');
const feeds = new Map();

function follow() {
  if (source) source.close();
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(document.getElementById('filters'))) if (v) q.set(k, v);
  source = new EventSource('/api/alerts/events?' + q);
  source.addEventListener('alert', e => {
    const a = JSON.parse(e.data);
    tbody.prepend(el('tr', { class: 'sev-' + a.severity },
      el('td', {}, new Date(a.event_time_ms).toLocaleTimeString()), el('td', {}, a.camera), el('td', {}, a.rule),
      el('td', {}, a.rule_type), el('td', {}, a.severity)));
    while (tbody.rows.length > 500) tbody.deleteRow(-1);
  });
  // A source (the Kafka topic) says whether it reaches its alerts: a quiet page must not hide a lost broker.
  source.addEventListener('feed', e => {
    const f = JSON.parse(e.data);
    feeds.set(f.source, f);
    document.getElementById('feeds').replaceChildren(...[...feeds.values()].map(x =>
      el('span', { class: 'feed ' + (x.ok ? 'ok' : 'down'), 'data-source': x.source }, x.message)));
  });
}

function ago(ms) {
  const s = Math.floor(ms / 1000);
  return s < 60 ? s + ' s ago' : Math.floor(s / 60) + ' min ago';
}

async function refreshCameras() {
  let v;
  try {
    v = await api('/api/live/cameras');
  } catch (e) {
    document.getElementById('run-message').textContent = e.message;
    return;
  }
  const run = document.getElementById('run');
  run.textContent = v.run;
  run.className = 'run run-' + v.run;
  const updated = v.written_ms ? ' · updated ' + ago(v.age_ms) : '';
  document.getElementById('run-message').textContent = (v.job ? v.job + ': ' : '') + v.message + updated;
  const live = v.run === 'running';
  document.querySelector('#cameras tbody').replaceChildren(...v.cameras.map(c =>
    el('tr', { class: 'cam' + (live ? '' : ' not-live'), 'data-camera': c.id },
      el('td', {}, c.id),
      el('td', {}, el('span', { class: 'state state-' + c.state.toLowerCase() }, live ? c.state : c.state + ' (last)')),
      el('td', {}, (c.fps ?? 0).toFixed(1)),
      el('td', {}, c.lag_ms >= 0 ? c.lag_ms + ' ms' : '–'),
      el('td', {}, c.tracks ?? 0),
      el('td', {}, c.reconnects ?? 0),
      el('td', {}, c.alerts ?? 0),
      // As in run's status lines: a streaming camera's last error is history, not its health.
      el('td', { class: 'error' }, c.state !== 'STREAMING' && c.last_error ? c.last_error : ''))));
}

currentSession().then(() => {
  document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); tbody.replaceChildren(); follow(); });
  follow();
  refreshCameras();
  setInterval(refreshCameras, 1000);
});
