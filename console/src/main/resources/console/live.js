import { currentSession, el } from '/api.js';

let source = null;
const tbody = document.querySelector('#alerts tbody');

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
}

currentSession().then(() => {
  document.getElementById('filters').addEventListener('submit', e => { e.preventDefault(); tbody.replaceChildren(); follow(); });
  follow();
});
