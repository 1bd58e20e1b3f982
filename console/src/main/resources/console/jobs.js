import { api, currentSession, el } from '/api.js';
import { uploadFile, forget } from '/chunked.js';

const rows = new Map(); // job id -> <tr>
const tbody = document.querySelector('#jobs tbody');
const filter = document.getElementById('filter');
let chosen = [];

let saved = []; // the user's saved rule sets: {id, name, rules}

const RULE_SETS = { // examples: a start for the rules box
  'a dog appears': 'rules:\n  - {type: appearance, name: dog, classes: [dog], min_absence_seconds: 1.0}\n',
  'a dog on the right side': 'rules:\n  - {type: zone, name: right, polygon: [[0.6, 0], [1, 0], [1, 1], [0.6, 1]], classes: [dog]}\n',
  'someone at the desk': 'rules:\n  - {type: zone, name: desk, polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.9], [0.2, 0.9]], classes: [person]}\n',
  'a crowd forms': 'rules:\n  - {type: crowd, name: crowd, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], min_count: 5, min_seconds: 10}\n',
};

function render(job) {
  let tr = rows.get(job.id);
  if (!tr) {
    tr = el('tr', { 'data-id': job.id });
    rows.set(job.id, tr);
    tbody.prepend(tr);
  }
  const link = el('a', { href: '/job.html?id=' + encodeURIComponent(job.id) }, job.video);
  const status = el('td', { class: 'status ' + job.status }, job.status);
  if (job.error) status.append(el('div', { class: 'reason' }, job.error));
  const bar = el('progress', { max: '100', value: String(job.progress) });
  const actions = el('td');
  if (job.status === 'failed') actions.append(el('button', { onclick: () => act(job, 'retry') }, 'Retry'));
  if (job.status === 'queued' || job.status === 'running') actions.append(el('button', { onclick: () => act(job, 'cancel') }, 'Cancel'));
  actions.append(el('button', { onclick: () => remove(job) }, 'Delete'));
  tr.replaceChildren(el('td', {}, link), status, el('td', {}, bar, ' ' + job.progress + ' %'),
    el('td', {}, new Date(job.created).toLocaleString()), actions);
  tr.dataset.status = job.status;
  tr.hidden = filter.value !== '' && filter.value !== job.status;
}

async function act(job, what) {
  try { render(await api('/api/jobs/' + job.id + '/' + what, { method: 'POST' })); } catch (e) { alert(e.message); }
}

async function remove(job) {
  if (!confirm('Delete ' + job.video + ' and its results?')) return;
  try { await api('/api/jobs/' + job.id, { method: 'DELETE' }); rows.get(job.id)?.remove(); rows.delete(job.id); }
  catch (e) { alert(e.message); }
}

function choose(files) {
  chosen = chosen.concat(Array.from(files).map(file => ({ file, bar: el('progress', { max: '1', value: '0' }) })));
  document.getElementById('chosen').replaceChildren(...chosen.map(c =>
    el('li', {}, c.file.name + ' (' + Math.round(c.file.size / 1e6) + ' MB) ', c.bar)));
}

async function submit(ev) {
  ev.preventDefault();
  const err = document.getElementById('form-error');
  err.textContent = '';
  const submitButton = document.getElementById('submit');
  submitButton.disabled = true;
  const bar = document.getElementById('upload-progress');
  bar.hidden = chosen.length === 0;
  try {
    // Each file as a resumable upload first (chunks, retries, resumed after a reload); then one job request.
    const total = chosen.reduce((n, c) => n + c.file.size, 0) || 1;
    let before = 0;
    const ids = [];
    for (const c of chosen) {
      try {
        ids.push(await uploadFile(c.file, f => { c.bar.value = f; bar.value = (before + f * c.file.size) / total; }));
      } catch (e) {
        if (!e.resumable) chosen = chosen.filter(x => x !== c); // refused: it leaves the list
        throw e;
      }
      before += c.file.size;
    }
    const form = new FormData();
    ids.forEach(id => form.append('upload', id));
    form.append('s3', document.getElementById('s3').value);
    const rules = document.getElementById('rules').value;
    const set = savedSelected();
    // A saved set unchanged is sent by id (checked when it was saved); edited text is sent as rules.
    if (set && set.rules === rules) form.append('ruleset', set.id); else form.append('rules', rules);
    const executor = document.getElementById('executor');
    if (executor.value) form.append('executor', executor.value);
    if (document.getElementById('blur').checked) form.append('blur', 'person');
    const res = await api('/api/jobs', { method: 'POST', body: form });
    (res.jobs || [res]).forEach(render);
    chosen.forEach(c => forget(c.file));
    chosen = [];
    document.getElementById('chosen').replaceChildren();
  } catch (e) {
    err.textContent = e.message;
    choose([]); // the files still chosen (their uploads resumable: Start again goes on where they are)
  } finally {
    submitButton.disabled = false;
    bar.hidden = true;
    bar.value = 0;
  }
}

function savedSelected() {
  const v = document.getElementById('ruleset').value;
  return v.startsWith('saved:') ? saved.find(r => r.id === v.slice(6)) : undefined;
}

async function loadRuleSets(selectId) {
  saved = (await api('/api/rulesets')).rulesets;
  document.getElementById('saved-rulesets').replaceChildren(
    ...saved.map(r => el('option', { value: 'saved:' + r.id }, r.name)));
  const select = document.getElementById('ruleset');
  if (selectId) select.value = 'saved:' + selectId;
  document.getElementById('delete-ruleset').hidden = !savedSelected();
}

async function saveRuleSet() {
  const err = document.getElementById('form-error');
  err.textContent = '';
  try {
    const r = await api('/api/rulesets', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: document.getElementById('ruleset-name').value, rules: document.getElementById('rules').value }) });
    document.getElementById('ruleset-name').value = '';
    await loadRuleSets(r.id);
  } catch (e) {
    err.textContent = e.message;
  }
}

async function deleteRuleSet() {
  const set = savedSelected();
  if (!set || !confirm('Delete the rule set ' + set.name + '?')) return;
  try { await api('/api/rulesets/' + set.id, { method: 'DELETE' }); } catch (e) { alert(e.message); }
  document.getElementById('ruleset').value = '';
  document.getElementById('rules').value = '';
  await loadRuleSets();
}

async function init() {
  const s = await currentSession();
  document.getElementById('user').textContent = s.auth ? s.user : '';
  const select = document.getElementById('ruleset');
  const examples = document.getElementById('example-rulesets');
  for (const name of Object.keys(RULE_SETS)) examples.append(el('option', { value: name }, name));
  select.addEventListener('change', () => {
    const set = savedSelected();
    document.getElementById('rules').value = set ? set.rules : (RULE_SETS[select.value] || '');
    document.getElementById('delete-ruleset').hidden = !set;
  });
  document.getElementById('save-ruleset').addEventListener('click', saveRuleSet);
  document.getElementById('delete-ruleset').addEventListener('click', deleteRuleSet);
  await loadRuleSets();
  // The executor is a choice only where the console has more than one (AWS Batch configured).
  const executors = s.executors || [];
  if (executors.length > 1) {
    document.getElementById('executor').replaceChildren(...executors.map(x =>
      el('option', { value: x }, x === 'batch' ? 'AWS Batch' : x === 'local' ? 'this machine' : x)));
    document.getElementById('executor-choice').hidden = false;
  }
  const drop = document.getElementById('drop');
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); choose(e.dataTransfer.files); });
  document.getElementById('files').addEventListener('change', e => { choose(e.target.files); e.target.value = ''; });
  document.getElementById('job-form').addEventListener('submit', submit);
  filter.addEventListener('change', () => rows.forEach(tr => { tr.hidden = filter.value !== '' && filter.value !== tr.dataset.status; }));
  const list = await api('/api/jobs?limit=100');
  list.jobs.slice().reverse().forEach(render);
  new EventSource('/api/events/jobs').addEventListener('job', e => render(JSON.parse(e.data)));
}

init();
