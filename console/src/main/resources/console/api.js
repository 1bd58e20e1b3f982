// The console's API from the pages: the session (user + CSRF token) and requests that carry it.
let session = null;

export async function currentSession() {
  if (session) return session;
  const r = await fetch('/api/session');
  if (r.status === 401) {
    location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
    throw new Error('not logged in');
  }
  session = await r.json();
  return session;
}

/** fetch() with the CSRF header on state-changing requests; throws the API's one-line error. */
export async function api(path, options = {}) {
  const s = await currentSession();
  const headers = Object.assign({}, options.headers || {});
  if (options.method && options.method !== 'GET') headers['X-CSRF-Token'] = s.csrf;
  const r = await fetch(path, Object.assign({}, options, { headers }));
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.status === 204 ? null : r.json();
}

/** Uploads with a progress callback (XMLHttpRequest: fetch() has no upload progress). */
export async function upload(form, onProgress) {
  const s = await currentSession();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/jobs');
    xhr.setRequestHeader('X-CSRF-Token', s.csrf);
    xhr.upload.onprogress = e => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* empty */ }
      xhr.status === 201 ? resolve(body) : reject(new Error(body.error || xhr.status + ' ' + xhr.statusText));
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(form);
  });
}

/** A text node's worth of escaping for building small bits of markup. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
