import { api, el } from '/api.js';

const id = new URLSearchParams(location.search).get('id');
const player = document.getElementById('player');
let shown = false;

async function show(job) {
  document.getElementById('title').textContent = job.video;
  document.getElementById('state').textContent = job.status + (job.status === 'running' ? ' ' + job.progress + ' %' : '')
    + (job.error ? ': ' + job.error : '');
  if (job.status !== 'done' || shown) return;
  shown = true;
  const f = job.files;
  player.src = f['annotated.mp4'];
  if (f['highlights.vtt']) {
    player.append(el('track', { kind: 'chapters', label: 'Highlights', srclang: 'en', src: f['highlights.vtt'], default: '' }));
  }
  player.hidden = false;
  const downloads = document.getElementById('downloads');
  for (const [name, url] of Object.entries(f)) {
    if (name.startsWith('thumbs/')) continue;
    downloads.append(el('li', {}, el('a', { href: url, download: name.replaceAll('/', '_') }, name)));
  }
  if (f['highlights.json']) {
    const hl = (await (await fetch(f['highlights.json'])).json()).highlights || [];
    hl.sort((a, b) => a.start_s - b.start_s);
    const strip = document.getElementById('strip');
    hl.forEach((h, i) => {
      const thumb = h.thumbnail && f[h.thumbnail];
      const button = el('button', { class: 'highlight', 'data-start': String(h.start_s), onclick: () => {
        player.currentTime = h.start_s;
        player.play();
      } }, thumb ? el('img', { src: thumb, alt: (h.reasons || []).join(', ') }) : '',
        el('span', {}, (i + 1) + '. ' + h.start_s.toFixed(1) + '–' + h.end_s.toFixed(1) + ' s ' + (h.classes || []).join(', ')));
      strip.append(el('li', {}, button));
    });
  }
  if (f['summary.json']) {
    const s = await (await fetch(f['summary.json'])).json();
    const list = document.getElementById('classes');
    for (const [cls, n] of Object.entries(s.tracks_per_class || {})) list.append(el('li', {}, cls + ': ' + n));
  }
}

async function init() {
  show(await api('/api/jobs/' + encodeURIComponent(id)));
  new EventSource('/api/jobs/' + encodeURIComponent(id) + '/events').addEventListener('job', e => show(JSON.parse(e.data)));
}

init().catch(e => { document.getElementById('state').textContent = e.message; });
