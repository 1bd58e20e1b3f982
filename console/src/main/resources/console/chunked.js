// Resumable uploads (POST/PUT /api/uploads): the file is sent in 8 MiB slices read from disk by
// the browser (File.slice), so a GB file is never in memory. A failed chunk is retried with
// backoff from the offset the server then reports; the upload's id is kept in localStorage under
// the file's name, size and date, so choosing the same file after a reload resumes it.
import { currentSession } from '/api.js';

export const CHUNK = 8 * 1024 * 1024;
const RETRIES = 6;

function key(file) {
  return 'tl-upload:' + file.name + ':' + file.size + ':' + file.lastModified;
}

/** One request: {status, body} (status 0 when the network failed); onProgress(bytes sent). */
async function request(method, path, { body, headers = {}, onProgress } = {}) {
  const s = await currentSession();
  return new Promise(resolve => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    if (method !== 'GET') xhr.setRequestHeader('X-CSRF-Token', s.csrf);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = e => onProgress(e.loaded);
    xhr.onload = () => {
      let json = {};
      try { json = JSON.parse(xhr.responseText); } catch (e) { /* empty */ }
      resolve({ status: xhr.status, body: json });
    };
    xhr.onerror = () => resolve({ status: 0, body: {} });
    xhr.send(body);
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** The finished upload's id; onProgress(fraction). Throws the server's one-line error. */
export async function uploadFile(file, onProgress) {
  let id = localStorage.getItem(key(file));
  let offset = 0;
  if (id) {
    const r = await request('GET', '/api/uploads/' + encodeURIComponent(id));
    if (r.status === 200 && r.body.size === file.size) offset = r.body.offset; else id = null;
  }
  if (!id) {
    const r = await request('POST', '/api/uploads', { body: JSON.stringify({ name: file.name, size: file.size }),
      headers: { 'Content-Type': 'application/json' } });
    if (r.status !== 201) throw new Error(r.body.error || 'upload of ' + file.name + ' refused (' + r.status + ')');
    id = r.body.id;
    localStorage.setItem(key(file), id);
  }
  onProgress(offset / file.size);
  let failures = 0;
  while (offset < file.size) {
    const start = offset;
    const end = Math.min(start + CHUNK, file.size);
    const r = await request('PUT', '/api/uploads/' + id, { body: file.slice(start, end),
      headers: { 'Content-Range': 'bytes ' + start + '-' + (end - 1) + '/' + file.size },
      onProgress: n => onProgress((start + n) / file.size) });
    if (r.status === 200) {
      offset = r.body.offset;
      failures = 0;
      onProgress(offset / file.size);
      continue;
    }
    // 409 (not where the server is) and 5xx or no answer are worth a retry; the rest is final.
    if (r.status !== 0 && r.status !== 409 && r.status < 500) {
      forget(file);
      throw new Error(r.body.error || 'upload of ' + file.name + ' refused (' + r.status + ')');
    }
    if (++failures > RETRIES) {
      const e = new Error('upload of ' + file.name + ' interrupted (' + (r.body.error || 'network error')
        + '); start again or choose the file again after a reload to resume');
      e.resumable = true;
      throw e;
    }
    await sleep(Math.min(30000, 500 * 2 ** failures));
    const o = await request('GET', '/api/uploads/' + id);
    if (o.status === 200) offset = o.body.offset;
    else if (o.status === 404) { forget(file); throw new Error('upload of ' + file.name + ' expired; start it again'); }
  }
  return id;
}

/** Drops the remembered upload of this file (used, refused or gone). */
export function forget(file) {
  localStorage.removeItem(key(file));
}
