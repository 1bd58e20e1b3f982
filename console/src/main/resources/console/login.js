document.getElementById('login').addEventListener('submit', async e => {
  e.preventDefault();
  const r = await fetch('/api/login', { method: 'POST', body: new URLSearchParams(new FormData(e.target)) });
  if (r.ok) {
    const next = new URLSearchParams(location.search).get('next') || '/';
    location.href = next.startsWith('/') && !next.startsWith('//') ? next : '/';
  } else {
    document.getElementById('error').textContent = (await r.json()).error;
  }
});
