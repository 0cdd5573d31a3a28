// Image2Model web app: one page, hash routes, the API with the signed-in user's access token.
// Tokens live in memory only (a reload asks to sign in again); they are refreshed before they expire.

const view = document.getElementById('view');
const state = { config: null, tokens: null, claims: null, refreshTimer: null, pendingFiles: new Map(), pollTimer: null };

// ------------------------------------------------------------------ little helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    // Through the CSSOM: a style attribute is inline style, which the site's CSP refuses.
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
const fmt = (n) => Number(n ?? 0).toLocaleString('en-US');
const money = (cents) => '$' + (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
function show(title, ...content) {
  // A page that finishes loading after the user moved on must not replace the newer page.
  if (state.expectedHash !== undefined && location.hash !== state.expectedHash) return;
  clearTimeout(state.pollTimer);
  document.title = title + ' - Image2Model';
  (state.charts || []).forEach((c) => c.destroy());
  view.replaceChildren(h('h1', {}, title), ...content.flat(2).filter((c) => c !== null && c !== undefined && c !== false));
  // Charts are drawn once their canvas is on the page (Chart.js sizes them from it).
  state.charts = (state.pendingCharts || []).filter((p) => p.canvas.isConnected).map((p) => new window.Chart(p.canvas, p.config));
  state.pendingCharts = [];
  view.focus({ preventScroll: true });
}

/**
 * A chart (Chart.js, from the site's own vendor folder): bars or a line over labelled axes, with
 * tooltips; {@code label} also describes it to screen readers.
 */
function chart(kind, label, labels, series, axes) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const colors = ['#2f6fde', '#e07a1f', '#2a9d5b'];
  (state.pendingCharts = state.pendingCharts || []).push({ canvas, config: {
    type: kind,
    data: { labels, datasets: series.map((d, i) => ({ label: d.label, data: d.data, backgroundColor: colors[i % 3], borderColor: colors[i % 3], tension: 0.2 })) },
    options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: 'index', intersect: false },
      plugins: { legend: { display: series.length > 1 }, tooltip: { enabled: true } },
      scales: { x: { title: { display: true, text: axes.x } }, y: { beginAtZero: true, title: { display: true, text: axes.y } } } } } });
  return h('div', { class: 'chart' }, canvas);
}
/** The headers an upload URL was signed with, but Content-Length (the browser sets it from the body). */
const uploadHeaders = (upload) => Object.fromEntries(Object.entries(upload.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
function message(text, kind = 'bad') { return h('p', { class: kind, role: kind === 'bad' ? 'alert' : 'status' }, text); }

// ------------------------------------------------------------------ sign-in (code + PKCE)

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
async function signIn(screen) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const stateValue = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state: stateValue, back: location.hash || '#/create' }));
  const params = new URLSearchParams({ response_type: 'code', client_id: state.config.clientId, redirect_uri: state.config.redirectUri,
    scope: 'openid email profile', state: stateValue, code_challenge: challenge, code_challenge_method: 'S256' });
  if (screen) params.set('screen', screen);
  location.assign(state.config.authUrl + '/oauth2/authorize?' + params);
}
async function tokenRequest(body) {
  const response = await fetch(state.config.authUrl + '/oauth2/token', {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
  if (!response.ok) throw new Error('The sign-in service answered ' + response.status);
  return response.json();
}
function keep(tokens) {
  state.tokens = { ...state.tokens, ...tokens };
  state.claims = JSON.parse(atob(state.tokens.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  clearTimeout(state.refreshTimer);
  const inMs = Math.max(5, (tokens.expires_in || 3600) - 60) * 1000;
  state.refreshTimer = setTimeout(refresh, inMs);
}
async function refresh() {
  if (!state.tokens?.refresh_token) return false;
  try {
    keep(await tokenRequest({ grant_type: 'refresh_token', client_id: state.config.clientId, refresh_token: state.tokens.refresh_token }));
    return true;
  } catch (e) {
    return false;
  }
}
async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem('pkce') || 'null');
  sessionStorage.removeItem('pkce');
  if (params.get('error')) throw new Error(params.get('error_description') || params.get('error'));
  if (!saved || saved.state !== params.get('state')) throw new Error('This sign-in link is not one this page started. Please sign in again.');
  keep(await tokenRequest({ grant_type: 'authorization_code', client_id: state.config.clientId, code: params.get('code'),
    redirect_uri: state.config.redirectUri, code_verifier: saved.verifier }));
  history.replaceState(null, '', '/' + saved.back);
}
function signOut() {
  state.tokens = null;
  state.claims = null;
  clearTimeout(state.refreshTimer);
  location.hash = '#/signed-out';
  render();
}
const isAdmin = () => state.claims?.role === 'admin';
const isOperator = () => [].concat(state.claims?.['cognito:groups'] || []).includes('operators');

// ------------------------------------------------------------------ the API

class ApiError extends Error {
  constructor(status, code, text) { super(text); this.status = status; this.code = code; }
}
async function api(method, path, body, headers = {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await fetch(state.config.apiUrl + path, {
      method, headers: { Authorization: 'Bearer ' + state.tokens?.access_token, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined });
    if (response.status === 401 && attempt === 0 && await refresh()) continue;
    if (response.status === 401) { expired(); throw new ApiError(401, 'expired', 'Your session has ended.'); }
    const json = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, json.error?.code, json.error?.message || json.message || ('Error ' + response.status));
    return json;
  }
}
function expired() {
  state.tokens = null;
  show('Your session has ended', h('p', {}, 'For your safety you were signed out. Your work is saved.'),
    h('button', { type: 'button', onclick: () => signIn() }, 'Sign in again'));
  chrome();
}
async function balanceLine() {
  try {
    const credits = await api('GET', '/credits');
    document.getElementById('balance').textContent = fmt(credits.available) + ' credits';
    const banner = document.getElementById('banner');
    banner.hidden = !credits.lowBalance;
    banner.textContent = credits.lowBalance ? `Low balance: ${fmt(credits.available)} credits left. ` : '';
    if (credits.lowBalance && isAdmin()) banner.append(h('a', { href: '#/billing' }, 'Buy credits'));
    return credits;
  } catch (e) { return null; }
}

// ------------------------------------------------------------------ pages

async function createPage() {
  const files = [];
  const input = h('input', { type: 'file', id: 'files', accept: 'image/jpeg,image/png,image/webp', multiple: true, class: 'visually-hidden', hidden: true });
  const list = h('ul', { class: 'files', 'aria-label': 'Chosen images' });
  const summary = h('p', { id: 'summary', role: 'status', 'aria-live': 'polite' });
  const go = h('button', { type: 'submit', id: 'generate', disabled: true }, 'Generate models');
  const batch = h('progress', { id: 'batch', max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress of the batch' });
  const drop = h('div', { class: 'drop', role: 'button', tabindex: 0, 'aria-controls': 'files',
    onclick: () => input.click(), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } },
    ondragover: (e) => { e.preventDefault(); drop.classList.add('over'); }, ondragleave: () => drop.classList.remove('over'),
    ondrop: (e) => { e.preventDefault(); drop.classList.remove('over'); add(e.dataTransfer.files); } },
  h('strong', {}, 'Drop images here'), h('br'), 'or press to choose (JPEG, PNG or WebP, up to 20 MB, 64 to 8192 pixels a side)');
  input.addEventListener('change', () => add(input.files));
  const quality = h('fieldset', {}, h('legend', {}, 'Quality'),
    ...[['low', 'Low (~1,000 faces)'], ['medium', 'Medium (~5,000 faces)'], ['high', 'High (~10,000 faces)']].map(([value, text]) =>
      h('label', {}, h('input', { type: 'radio', name: 'quality', value, checked: value === 'medium', onchange: estimate }), ' ', text)));

  async function add(chosen) {
    for (const file of chosen) {
      const entry = { file, problem: null, url: URL.createObjectURL(file) };
      if (!['image/jpeg', 'image/png', 'image/webp'].includes(file.type)) entry.problem = 'Not a JPEG, PNG or WebP image.';
      else if (file.size > 20 * 1024 * 1024) entry.problem = 'Larger than 20 MB.';
      else {
        try {
          const bitmap = await createImageBitmap(file);
          if (Math.min(bitmap.width, bitmap.height) < 64 || Math.max(bitmap.width, bitmap.height) > 8192) {
            entry.problem = `${bitmap.width} x ${bitmap.height} pixels: each side must be 64 to 8192.`;
          }
          entry.size = `${bitmap.width} x ${bitmap.height}`;
          bitmap.close();
        } catch (e) { entry.problem = 'This image cannot be read.'; }
      }
      files.push(entry);
    }
    draw();
    estimate();
  }
  function draw() {
    list.replaceChildren(...files.map((entry, i) => h('li', {},
      h('img', { src: entry.url, alt: '' }),
      h('div', {}, h('div', {}, entry.file.name), h('div', { class: entry.problem ? 'bad' : 'muted' },
        entry.problem || `${entry.size}, ${fmt(Math.round(entry.file.size / 1024))} KB`),
        entry.progress ? h('progress', { max: 100, value: entry.progress, 'aria-label': 'Upload of ' + entry.file.name }) : null),
      h('button', { type: 'button', class: 'secondary', onclick: () => { files.splice(i, 1); draw(); estimate(); } }, 'Remove'))));
  }
  async function estimate() {
    const good = files.filter((f) => !f.problem);
    const q = view.querySelector('input[name=quality]:checked')?.value || 'medium';
    if (!good.length) { summary.textContent = files.length ? 'No usable image yet.' : ''; go.disabled = true; return; }
    try {
      const e = await api('POST', '/credits/estimate', { quality: q, files: good.length });
      summary.textContent = `${good.length} image(s) at ${q}: ${fmt(e.cost)} credits. Balance after: ${fmt(e.available - e.cost)} credits.`
        + (e.fits ? '' : ' Not enough credits.');
      go.disabled = !e.fits;
    } catch (e) { summary.textContent = e.message; }
  }
  async function submit(event) {
    event.preventDefault();
    const good = files.filter((f) => !f.problem);
    const q = view.querySelector('input[name=quality]:checked').value;
    go.disabled = true;
    let job;
    try {
      job = await api('POST', '/jobs', { quality: q, name: good.length === 1 ? good[0].file.name : `${good.length} images`,
        files: good.map((f) => ({ name: f.file.name, contentType: f.file.type, size: f.file.size })) });
    } catch (e) { summary.textContent = e.message; go.disabled = false; return; }
    state.pendingFiles.set(job.jobId, good.map((f) => f.file));
    batch.hidden = false;
    const loaded = new Array(good.length).fill(0);
    await Promise.all(job.files.map((f, i) => new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', f.upload.url);
      Object.entries(uploadHeaders(f.upload)).forEach(([name, value]) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = (p) => { good[i].progress = Math.round(100 * p.loaded / p.total); loaded[i] = p.loaded; draw();
        batch.value = Math.round(100 * loaded.reduce((a, b) => a + b, 0) / good.reduce((a, g) => a + g.file.size, 0)); };
      xhr.onloadend = () => { good[i].progress = 100; good[i].problem = xhr.status === 200 ? null : 'The upload failed (' + xhr.status + ').'; draw(); resolve(); };
      xhr.send(good[i].file);
    })));
    location.hash = '#/jobs/' + job.jobId;
  }
  const credits = await balanceLine();
  show('Create 3D models', h('form', { onsubmit: submit },
    credits ? h('p', { class: 'muted', id: 'available' }, `${fmt(credits.available)} credits available` + (credits.held ? `, ${fmt(credits.held)} held` : '') + '.') : null,
    drop, input, list, quality, summary, batch, go));
}

async function jobsPage() {
  const page = await api('GET', '/jobs');
  show('Jobs', page.jobs.length ? h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ...['Job', 'State', 'Files', 'Quality', 'Credits', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...page.jobs.map((j) => h('tr', {},
      h('td', {}, h('a', { href: '#/jobs/' + j.jobId }, j.name || j.jobId)), h('td', {}, h('span', { class: 'state ' + j.state }, j.state)),
      h('td', {}, `${j.counts.done} done / ${j.counts.files}` + (j.counts.failed ? `, ${j.counts.failed} failed` : '')),
      h('td', {}, j.quality), h('td', {}, fmt(j.cost)), h('td', {}, when(j.createdAt)))))))
    : h('p', {}, 'No jobs yet. ', h('a', { href: '#/create' }, 'Create your first models.')));
}

async function jobPage(jobId, delay = 1000) {
  const job = await api('GET', '/jobs/' + jobId);
  const finished = ['DONE', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(job.state);
  const failed = job.files.filter((f) => f.state === 'FAILED');
  const rows = job.files.map((f) => h('tr', { 'data-file': f.fileId },
    h('td', {}, f.name), h('td', {}, h('span', { class: 'state ' + f.state }, f.state)),
    h('td', {}, f.state === 'DONE' ? `${fmt(f.model.faces)} faces, ${fmt(Math.round(f.model.bytes / 1024))} KB` : (f.reason || '')),
    h('td', {}, f.state === 'DONE' ? h('a', { href: `#/model/${jobId}/${f.fileId}`, class: 'button secondary' }, 'View 3D') : '')));
  const actions = h('p', { class: 'actions' },
    !finished ? h('button', { type: 'button', class: 'danger', onclick: async () => { await api('DELETE', '/jobs/' + jobId); jobPage(jobId); } }, 'Cancel job') : null,
    finished && failed.length ? h('button', { type: 'button', onclick: () => retry(job, failed) }, `Retry ${failed.length} failed file(s) as a new job`) : null);
  show(job.name || 'Job', h('p', {}, h('span', { class: 'state ' + job.state, id: 'job-state' }, job.state), ` · ${job.quality} quality · ${fmt(job.cost)} credits · created ${when(job.createdAt)}`),
    h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ...['File', 'State', 'Details', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows))), actions, h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' }, finished ? 'Finished.' : 'Working… this page updates by itself.'));
  if (!finished) {
    state.pollTimer = setTimeout(() => { if (location.hash === '#/jobs/' + jobId) jobPage(jobId, Math.min(10000, delay * 1.5)).catch(fail); }, delay);
  } else {
    balanceLine();
  }
}
async function retry(job, failed) {
  const kept = state.pendingFiles.get(job.jobId);
  const files = kept ? failed.map((f) => kept[Number(f.fileId.slice(1)) - 1]).filter(Boolean) : [];
  if (!files.length) {
    show('Retry', h('p', {}, 'This browser no longer holds those images. Choose them again:'), h('a', { href: '#/create', class: 'button' }, 'Choose images'));
    return;
  }
  const next = await api('POST', '/jobs', { quality: job.quality, name: 'Retry of ' + (job.name || job.jobId),
    files: files.map((f) => ({ name: f.name, contentType: f.type, size: f.size })) });
  state.pendingFiles.set(next.jobId, files);
  await Promise.all(next.files.map((f, i) => fetch(f.upload.url, { method: 'PUT', headers: uploadHeaders(f.upload), body: files[i] })));
  location.hash = '#/jobs/' + next.jobId;
}

async function modelPage(jobId, fileId) {
  const job = await api('GET', '/jobs/' + jobId);
  const file = job.files.find((f) => f.fileId === fileId);
  if (!file || file.state !== 'DONE') { show('Model', message('This model is not ready.')); return; }
  const viewer = h('model-viewer', { src: file.result.url, alt: '3D model made from ' + file.name, 'camera-controls': true, 'touch-action': 'pan-y',
    'environment-image': 'neutral', 'shadow-intensity': 1, exposure: 1, id: 'viewer' });
  viewer.addEventListener('load', () => viewer.setAttribute('data-loaded', 'true'));
  viewer.addEventListener('error', () => viewer.setAttribute('data-error', 'true'));
  show(file.name, viewer,
    h('div', { class: 'stats' }, h('div', { class: 'stat' }, h('b', {}, fmt(file.model.faces)), 'faces'), h('div', { class: 'stat' }, h('b', {}, fmt(file.model.vertices)), 'vertices'),
      h('div', { class: 'stat' }, h('b', {}, fmt(Math.round(file.model.bytes / 1024)) + ' KB'), 'GLB size')),
    h('p', {}, h('a', { class: 'button', id: 'download', href: file.result.url, download: file.name.replace(/\.[^.]+$/, '') + '.glb' }, 'Download GLB'), ' ',
      h('a', { href: '#/jobs/' + jobId }, 'Back to the job')),
    h('p', { class: 'muted' }, 'Drag to orbit, scroll or pinch to zoom. The download link is valid for 15 minutes.'));
}

async function creditsPage() {
  const [credits, byDay, byUser, ledger, members] = await Promise.all([balanceLine(), api('GET', '/usage?groupBy=day'), api('GET', '/usage?groupBy=user'),
    api('GET', '/credits/ledger'), api('GET', '/company/members').catch(() => ({ members: [] }))]);
  const names = new Map(members.members.map((m) => [m.id, m.email]));
  const used = new Map(byDay.rows.map((r) => [r.day, r]));
  const days = [];
  for (let d = new Date(byDay.from + 'T00:00:00Z'); d <= new Date(byDay.to + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + 1)) {
    const day = d.toISOString().slice(0, 10);
    days.push(used.get(day) || { day, images: 0, credits: 0 });
  }
  show('Credits',
    h('div', { class: 'stats' }, h('div', { class: 'stat' }, h('b', { id: 'credits-available' }, fmt(credits?.available)), 'available'),
      h('div', { class: 'stat' }, h('b', {}, fmt(credits?.held)), 'held for work in progress'), h('div', { class: 'stat' }, h('b', {}, credits?.plan || 'Pay as you go'), 'plan'),
      h('div', { class: 'stat' }, h('b', {}, fmt(credits?.usedThisMonth)), 'used this month')),
    h('h2', {}, 'Usage by day (last 30 days)'),
    chart('bar', `Credits used per day from ${byDay.from} to ${byDay.to}: ${fmt(days.reduce((a, r) => a + r.credits, 0))} in all`,
      days.map((r) => r.day.slice(5)), [{ label: 'Credits', data: days.map((r) => r.credits) }, { label: 'Images', data: days.map((r) => r.images) }],
      { x: 'Day (UTC)', y: 'Credits / images' }),
    isAdmin() ? h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'usage-report', onclick: () => downloadCsv('/usage/report.csv', 'usage-report.csv') }, 'Download usage report (CSV)')) : null,
    h('p', { class: 'muted' }, `${byDay.from} to ${byDay.to}`),
    h('h2', {}, 'Usage by member'),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Images'), h('th', { scope: 'col' }, 'Credits'))),
      h('tbody', {}, ...byUser.rows.map((r) => h('tr', {}, h('td', {}, names.get(r.user) || r.user), h('td', {}, fmt(r.images)), h('td', {}, fmt(r.credits)))))),
    h('h2', {}, 'Your limits'),
    h('table', { id: 'limits' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Limit'), h('th', { scope: 'col' }, 'Used'), h('th', { scope: 'col' }, 'Left'), h('th', { scope: 'col' }, 'Resets'))),
      h('tbody', {}, ...(credits?.limits || []).map((l) => h('tr', {}, h('td', {}, `${fmt(l.max)} ${l.unit} per ${l.windowSeconds === 60 ? 'minute' : l.windowSeconds === 3600 ? 'hour' : l.windowSeconds + ' s'}`),
        h('td', {}, fmt(l.used)), h('td', {}, fmt(l.remaining)), h('td', {}, when(l.resetsAt)))))),
    h('h2', {}, 'Ledger'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'ledger' }, h('thead', {}, h('tr', {}, ...['#', 'When', 'What', 'Credits', 'Balance after', 'Reference'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...ledger.entries.map((e) => h('tr', {}, h('td', {}, e.sequence), h('td', {}, when(e.at)), h('td', {}, e.type),
        h('td', {}, (['RESERVE', 'REFUND'].includes(e.type) ? '−' : e.type === 'CAPTURE' ? '' : '+') + fmt(e.amount)), h('td', {}, fmt(e.balanceAfter)), h('td', { class: 'muted' }, e.reference || '')))))));
}

async function billingPage() {
  const [plans, billing] = await Promise.all([api('GET', '/billing/plans'), api('GET', '/billing')]);
  const note = new URLSearchParams(location.hash.split('?')[1] || '').get('checkout');
  const buy = async (item, seats) => {
    try { location.assign((await api('POST', '/billing/checkout', seats ? { item, seats } : { item })).url); } catch (e) { status.textContent = e.message; }
  };
  const status = h('p', { role: 'status', 'aria-live': 'polite' }, note === 'success' ? 'Thank you: the payment went through. Credits appear within seconds.' : note === 'cancelled' ? 'Checkout cancelled: nothing was charged.' : '');
  const card = (p) => h('div', { class: 'card', 'data-item': p.item }, h('h3', {}, p.name),
    h('div', { class: 'price' }, money(p.priceCents) + (p.kind === 'plan' ? (p.perSeat ? ' / seat / month' : ' / month') : '')),
    h('div', {}, p.kind === 'pack' ? `${fmt(p.credits)} credits` : p.perSeat ? `${fmt(p.creditsPerSeat)} credits per seat each month` : `Unlimited images (fair use ${fmt(p.fairUseImagesPerMonth)} a month)`),
    isAdmin() ? h('button', { type: 'button', onclick: () => buy(p.item) }, p.kind === 'pack' ? 'Buy' : 'Subscribe') : null);
  show('Billing', status,
    h('p', {}, billing.plan ? `Plan: ${billing.plan}, ${billing.seats} seat(s), ${billing.status}` + (billing.cancelAtPeriodEnd ? ' (ends at period end)' : '') + (billing.pastDue ? '. Payment failed: update your card in the portal.' : '') : 'No plan: you pay as you go with credit packs.'),
    isAdmin() && billing.hasBillingAccount ? h('button', { type: 'button', class: 'secondary', onclick: async () => location.assign((await api('POST', '/billing/portal')).url) }, 'Manage billing (invoices, card, seats)') : null,
    h('h2', {}, 'Credit packs'), h('div', { class: 'cards' }, ...plans.items.filter((p) => p.kind === 'pack').map(card)),
    h('h2', {}, 'Plans'), h('div', { class: 'cards' }, ...plans.items.filter((p) => p.kind === 'plan').map(card)),
    isAdmin() ? null : h('p', { class: 'muted' }, 'Only your company admins can buy.'));
}

async function teamPage() {
  const company = await api('GET', '/company');
  const [members, requests, domain] = await Promise.all([api('GET', '/company/members'), isAdmin() ? api('GET', '/company/join-requests') : null,
    isAdmin() && !company.personal ? api('GET', '/company/domain') : null]);
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const email = h('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' });
  const role = h('select', { id: 'invite-role' }, h('option', { value: 'member' }, 'Member'), h('option', { value: 'admin' }, 'Admin'));
  const act = (fn, done) => async () => {
    try { await fn(); await teamPage(); if (done) view.querySelector('[role=status]').textContent = done; } catch (e) { result.textContent = e.message; }
  };
  show('Team: ' + company.name,
    isAdmin() ? h('form', { class: 'inline', onsubmit: async (e) => { e.preventDefault();
      try { await api('POST', '/company/members', { email: email.value, role: role.value }); await teamPage(); view.querySelector('[role=status]').textContent = 'Invitation sent to ' + email.value + '.'; }
      catch (err) { result.textContent = err.message; } } },
    h('div', {}, h('label', { for: 'invite-email' }, 'Email'), email), h('div', {}, h('label', { for: 'invite-role' }, 'Role'), role), h('button', { type: 'submit', id: 'invite' }, 'Invite')) : null,
    result,
    requests ? joinRequestsSection(requests.requests, act) : null,
    h('h2', {}, 'Members'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'members' }, h('thead', {}, h('tr', {}, ...['Email', 'Role', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...members.members.map((m) => h('tr', {}, h('td', {}, m.email), h('td', {}, m.role === 'admin' ? 'Admin' : 'Member'), h('td', {}, m.active ? 'Active' : 'Deactivated'),
        h('td', {}, isAdmin() && m.id !== state.claims.sub ? [
          h('button', { type: 'button', class: 'secondary', onclick: act(() => api('PATCH', '/company/members/' + m.id, { role: m.role === 'admin' ? 'member' : 'admin' })) }, m.role === 'admin' ? 'Make member' : 'Make admin'), ' ',
          h('button', { type: 'button', class: 'danger', onclick: act(() => api('PATCH', '/company/members/' + m.id, { active: !m.active })) }, m.active ? 'Deactivate' : 'Reactivate')] : '—')))))),
    domain ? domainSection(company, domain, act) : null,
    ...yourData(company, result));
}

/** People who signed up at the company's domain and wait for an admin's answer. */
function joinRequestsSection(requests, act) {
  if (!requests.length) return [h('h2', {}, 'Asking to join'), h('p', { class: 'muted', id: 'join-requests-empty' }, 'No one is waiting to join.')];
  return [h('h2', {}, 'Asking to join'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'join-requests' },
      h('thead', {}, h('tr', {}, ...['Email', 'Asked', 'Answer'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...requests.map((r) => h('tr', {}, h('td', {}, r.email), h('td', {}, when(r.requestedAt)),
        h('td', {}, h('button', { type: 'button', class: 'approve', 'aria-label': 'Let ' + r.email + ' join',
          onclick: act(() => api('POST', '/company/join-requests/' + r.id + '/approve', { role: 'member' }), r.email + ' joined the team.') }, 'Let them join'), ' ',
        h('button', { type: 'button', class: 'secondary', 'aria-label': 'Decline ' + r.email,
          onclick: act(() => api('POST', '/company/join-requests/' + r.id + '/decline'), r.email + ' was told no.') }, 'Decline'))))))) ];
}

/** The company's domain: proving it with a DNS record, then letting its people join without asking. */
function domainSection(company, domain, act) {
  const record = h('dl', { class: 'record' }, h('dt', {}, 'Type'), h('dd', {}, 'TXT'), h('dt', {}, 'Name'), h('dd', {}, h('code', {}, domain.record.name)),
    h('dt', {}, 'Value'), h('dd', {}, h('code', { id: 'domain-record' }, domain.record.value)));
  return [h('h2', {}, 'Your domain: ' + domain.domain),
    domain.verified
      ? h('p', { id: 'domain-status' }, 'Verified: ' + company.name + ' owns ' + domain.domain + '. We check the record every few hours.')
      : [h('p', { id: 'domain-status' }, 'Not verified yet. To prove that ' + domain.domain + ' is yours, add this record at your DNS provider, then check it here.'),
        record, h('p', {}, h('button', { type: 'button', id: 'verify-domain', onclick: act(() => api('POST', '/company/domain/verify'), 'Your domain is verified.') }, 'Check the record now'))],
    h('p', {}, domain.verified
      ? h('button', { type: 'button', class: 'secondary', id: 'auto-join', onclick: act(() => api('PATCH', '/company', { autoJoin: !company.autoJoin })) },
        company.autoJoin ? 'Ask me before anyone at @' + domain.domain + ' joins' : 'Let anyone at @' + domain.domain + ' join without asking')
      : h('span', { class: 'muted' }, 'Once the domain is verified you can let anyone at @' + domain.domain + ' join without asking.'))];
}

/** A person whose request to join waits for an admin, or was declined: what they can do now. */
async function joinWaitPage() {
  const request = await api('GET', '/account/join-request');
  if (request.status === 'approved') { await refresh(); return render(); }
  const own = h('button', { type: 'button', id: 'own-workspace', class: request.status === 'pending' ? 'secondary' : null, onclick: async () => {
    try { await api('POST', '/account/workspace'); await refresh(); location.hash = '#/create'; render(); } catch (e) { result.textContent = e.message; }
  } }, 'Start my own workspace');
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  if (request.status === 'pending') {
    return show('Waiting for an admin of ' + request.companyName,
      h('p', {}, 'You asked to join ' + request.companyName + '. One of its admins has been emailed; you will get an email as soon as they answer.'),
      h('p', {}, h('button', { type: 'button', id: 'check-again', onclick: async () => { await refresh(); render(); } }, 'Check again'), ' ', own),
      h('p', { class: 'muted' }, 'Working alone? Start your own workspace instead: it comes with trial credits, and your request is withdrawn.'), result);
  }
  return show('Your request was declined', h('p', {}, request.companyName + ' declined your request to join.'),
    h('p', {}, own), h('p', { class: 'muted' }, 'Your own workspace comes with trial credits.'), result);
}

/** Saves a JSON answer as a file the person downloads. */
function saveJson(name, data) {
  const link = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

function yourData(company, result) {
  const run = (fn) => async () => { try { await fn(); } catch (e) { result.textContent = e.message; } };
  return [h('h2', {}, 'Your data'),
    h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'export-account', onclick: run(async () => saveJson('image2model-my-data.json', await api('GET', '/account/export'))) }, 'Download my data'), ' ',
      isAdmin() ? h('button', { type: 'button', class: 'secondary', id: 'export-company', onclick: run(async () => saveJson('image2model-company-data.json', await api('GET', '/company/export'))) }, 'Download company data') : '', ' ',
      h('button', { type: 'button', class: 'danger', id: 'delete-account', onclick: run(async () => {
        const typed = prompt('This deletes your account and your personal data for good. Type your email address to confirm.');
        if (typed === null) return;
        await api('DELETE', '/account', { confirm: typed });
        signOut();
      }) }, 'Delete my account'), ' ',
      isAdmin() ? h('button', { type: 'button', class: 'danger', id: 'delete-company', onclick: run(async () => {
        const typed = prompt(`This deletes ${company.name}, every member's account, every image and model, for good. Type the company's name to confirm.`);
        if (typed === null) return;
        result.textContent = (await api('DELETE', '/company', { confirm: typed })).message;
      }) }, 'Delete the company') : '')];
}

function legal(kind) {
  if (kind === 'terms') {
    show('Terms of service',
      h('p', {}, 'Image2Model turns the images your company uploads into 3D models. You keep all rights to your images and to the models made from them; we use them only to make and deliver your models.'),
      h('p', {}, 'Credits are bought in packs or come with a plan. A model that fails costs nothing: its credits are released. Refunded payments take back the credits they bought.'),
      h('p', {}, 'Uploaded images and generated models are kept for 30 days, then deleted. Download what you want to keep.'));
  } else {
    show('Privacy',
      h('p', {}, 'We keep your work email, your company and your role to sign you in and to show your team. Payments are handled by Stripe; we never see card numbers.'),
      h('p', {}, 'Images you upload are sent to our generation provider (FAL) only to make your models. Inputs and results are deleted after 30 days.'),
      h('h2', {}, 'Your data'),
      h('p', {}, 'Download everything we store about you at any time (Team page, "Download my data"): your profile and membership, the jobs you created with links to their images and models (valid for one hour), your usage and the credit movements you caused. Company admins can download the same for the whole company.'),
      h('p', {}, 'Delete your account yourself (Team page, "Delete my account", confirmed by typing your email): your sign-in and your membership are deleted at once, and wherever our records named you they now hold an anonymous id that leads back to no one. The models you made stay with your company. The company\'s credit ledger keeps its entries, with you anonymised, because accounting law requires money records to be kept. The company\'s last admin hands over the admin role first; its last member deletes the company instead.'),
      h('p', {}, 'An admin can delete the whole company (confirmed by typing its name; not while a plan is active or credits are held by work in progress): every member\'s account, the Stripe customer, every image and model, and every record except the anonymised ledger are deleted, and the admins get a last email when it is done.'),
      h('p', {}, 'Trial credits come once per mailbox. For that one purpose we keep a salted hash of your normalised address (lower case, without a "+tag", and for Gmail without dots), even after your account or company is deleted: it cannot be turned back into your address, and it only tells us that a mailbox already had its trial.'));
  }
}

async function statusPage() {
  const response = await fetch(state.config.apiUrl + '/health');
  const health = await response.json();
  const degraded = Object.entries(health.components || {}).filter(([, status]) => status !== 'ok').map(([name]) => name);
  show('System status', h('p', { role: 'status' }, health.status === 'ok' ? 'All systems working.' : 'Some components are degraded: ' + degraded.join(', ')),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Component'), h('th', { scope: 'col' }, 'Status'))),
      h('tbody', {}, ...Object.entries(health.components || {}).map(([name, c]) => h('tr', {}, h('td', {}, name), h('td', { class: c === 'ok' ? 'ok' : 'down' }, c))))));
}

// ------------------------------------------------------------------ the operator console (operators only; the API refuses everyone else)

/** A CSV the API answers, saved as a file (the download needs the access token, so it is fetched first). */
async function downloadCsv(path, name) {
  const response = await fetch(state.config.apiUrl + path, { headers: { Authorization: 'Bearer ' + state.tokens?.access_token } });
  if (!response.ok) throw new ApiError(response.status, 'download_failed', 'The download answered ' + response.status);
  const link = h('a', { href: URL.createObjectURL(await response.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

function opsNav() {
  return h('p', { class: 'ops-nav' }, h('a', { href: '#/ops' }, 'Dashboard'), ' · ', h('a', { href: '#/ops/companies' }, 'Companies'), ' · ',
    h('a', { href: '#/ops/audit' }, 'Audit log'));
}
const figure = (id, value, label) => h('div', { class: 'card-figure' }, h('b', { id }, value), label);

async function opsDashboard() {
  const month = new Date().toISOString().slice(0, 7);
  const [m, r] = await Promise.all([api('GET', '/admin/metrics?month=' + month), api('GET', '/admin/revenue?churnMonth=' + month)]);
  const days = m.daily.map((d) => d.day.slice(8));
  const done = m.imagesByState.DONE || 0;
  show('Operator dashboard: ' + month, opsNav(),
    h('div', { class: 'cards' },
      figure('ops-companies', fmt(m.companies.total), `companies (${fmt(m.companies.new)} new, ${fmt(m.companies.active)} active)`),
      figure('ops-users', fmt(m.users), 'users'),
      figure('ops-images', fmt(done), `images done (${fmt(m.imagesByState.FAILED || 0)} failed)`),
      figure('ops-revenue', money(m.revenueCents.total), 'revenue this month'),
      figure('ops-fal', money(m.falCostCents), 'FAL cost'),
      figure('ops-profit', money(m.grossProfitCents), 'gross profit'),
      figure('ops-margin', m.marginPercent + ' %', 'margin'),
      figure('ops-free', money(m.freeCreditsAtListCents), 'free credits at list price')),
    h('div', { class: 'charts' },
      chart('line', 'Revenue per day this month', days, [{ label: 'Revenue ($)', data: m.daily.map((d) => d.revenueCents / 100) }], { x: 'Day', y: 'US dollars' }),
      chart('bar', 'Images done per day this month', days, [{ label: 'Images done', data: m.daily.map((d) => d.imagesDone) }], { x: 'Day', y: 'Images' }),
      chart('bar', 'New companies per day this month', days, [{ label: 'New companies', data: m.daily.map((d) => d.newCompanies) }], { x: 'Day', y: 'Companies' })),
    h('h2', {}, 'Subscriptions'),
    h('div', { class: 'cards' }, figure('ops-mrr', money(r.mrrCents), 'MRR'), figure('ops-arr', money(r.arrCents), 'ARR'),
      figure('ops-churn', r.churn.logoChurnPercent + ' %', `logo churn ${r.churn.month} (${r.churn.churned} of ${r.churn.subscribersAtStart})`),
      figure('ops-revenue-churn', r.churn.revenueChurnPercent + ' %', 'revenue churn')),
    h('table', { id: 'ops-plans' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Plan'), h('th', { scope: 'col' }, 'Subscribers'), h('th', { scope: 'col' }, 'MRR'))),
      h('tbody', {}, ...Object.keys(r.mrrByPlanCents).map((p) => h('tr', {}, h('td', {}, p), h('td', {}, fmt(r.subscribersByPlan[p])), h('td', {}, money(r.mrrByPlanCents[p])))))),
    chart('bar', 'Pack revenue per month, last 12 months', r.packRevenueByMonth.map((p) => p.month),
      [{ label: 'Packs ($)', data: r.packRevenueByMonth.map((p) => p.packRevenueCents / 100) }], { x: 'Month', y: 'US dollars' }),
    h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'csv-companies', onclick: () => downloadCsv('/admin/export/companies.csv', 'companies.csv').catch(fail) }, 'Companies (CSV)'), ' ',
      h('button', { type: 'button', class: 'secondary', id: 'csv-metrics', onclick: () => downloadCsv('/admin/export/metrics.csv?month=' + month, `metrics-${month}.csv`).catch(fail) }, 'This month (CSV)')));
}

async function opsCompanies() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const query = params.get('query') || '';
  const page = await api('GET', '/admin/companies?' + new URLSearchParams({ query, ...(params.get('cursor') ? { cursor: params.get('cursor') } : {}) }));
  const search = h('input', { id: 'ops-query', type: 'search', value: query, 'aria-label': 'Name or domain starts with' });
  show('Companies', opsNav(),
    h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); location.hash = '#/ops/companies?query=' + encodeURIComponent(search.value); } },
      search, h('button', { type: 'submit', id: 'ops-search' }, 'Search')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'ops-companies-table' },
      h('thead', {}, h('tr', {}, ...['Company', 'Domain', 'Plan', 'Status', 'Members', 'Balance', 'Held', 'Images this month', 'Revenue to date', 'Created']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...page.companies.map((c) => h('tr', {}, h('td', {}, h('a', { href: '#/ops/company/' + c.companyId }, c.name)), h('td', {}, c.domain || '—'),
        h('td', {}, c.plan || '—'), h('td', {}, c.suspended ? 'Suspended' : (c.status || 'no plan')), h('td', {}, fmt(c.members)), h('td', {}, fmt(c.available)),
        h('td', {}, fmt(c.held)), h('td', {}, fmt(c.imagesThisMonth)), h('td', {}, money(c.revenueToDateCents)), h('td', {}, when(c.createdAt))))))),
    page.nextCursor ? h('p', {}, h('a', { href: '#/ops/companies?' + new URLSearchParams({ query, cursor: page.nextCursor }) }, 'Next page')) : null);
}

async function opsCompany(id) {
  const c = await api('GET', '/admin/companies/' + encodeURIComponent(id));
  const result = h('p', { role: 'status', 'aria-live': 'polite', id: 'ops-result' });
  const amount = h('input', { id: 'adjust-amount', type: 'number', step: '1', required: true });
  const reason = h('input', { id: 'adjust-reason', type: 'text', minlength: '3', maxlength: '500', required: true });
  const confirmBox = h('p', { id: 'adjust-confirm-box', hidden: true });
  const suspendReason = h('input', { id: 'suspend-reason', type: 'text', minlength: '3', maxlength: '500' });
  const act = (fn) => async () => { try { await fn(); } catch (e) { result.textContent = e.message; } };
  const adjust = h('form', { class: 'inline', id: 'adjust-form', onsubmit: (e) => {
    e.preventDefault();
    const n = Number(amount.value);
    // One key per confirmation: a retried or doubled click adjusts once.
    const idempotencyKey = crypto.randomUUID();
    confirmBox.replaceChildren(`${n > 0 ? 'Grant' : 'Take'} ${fmt(Math.abs(n))} credits ${n > 0 ? 'to' : 'from'} ${c.name}: "${reason.value}"? `,
      h('button', { type: 'button', id: 'adjust-confirm', onclick: act(async () => {
        const answer = await api('POST', `/admin/companies/${encodeURIComponent(id)}/credits`, { amount: n, reason: reason.value },
          { 'Idempotency-Key': idempotencyKey });
        await opsCompany(id);
        document.getElementById('ops-result').textContent = `Done: ${fmt(answer.available)} credits available.`;
      }) }, 'Confirm'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
    confirmBox.hidden = false;
  } }, h('div', {}, h('label', { for: 'adjust-amount' }, 'Credits (+/-)'), amount), h('div', {}, h('label', { for: 'adjust-reason' }, 'Reason'), reason),
    h('button', { type: 'submit', id: 'adjust' }, 'Adjust'));
  // Every one of the last 30 days, used or not.
  const used = new Map(c.usageByDay.map((d) => [d.day, d]));
  const days = [];
  for (let i = 29; i >= 0; i--) {
    const day = new Date(Date.now() - i * 86400000).toISOString().slice(0, 10);
    days.push(used.get(day) || { day, images: 0, credits: 0 });
  }
  show(c.name, opsNav(),
    h('p', { id: 'ops-company-status' }, c.suspended ? `Suspended: ${c.suspended}` : 'Active', ` · ${c.domain || 'personal'} · created ${when(c.createdAt)} · plan ${c.billing.plan || 'none'}`
      + (c.billing.status ? ` (${c.billing.status})` : '')),
    result,
    h('div', { class: 'cards' }, figure('ops-available', fmt(c.balance.available), 'credits available'), figure('ops-held', fmt(c.balance.held), 'held'),
      figure('ops-captured', fmt(c.balance.captured), 'captured')),
    h('h2', {}, 'Adjust credits'), adjust, confirmBox,
    h('h2', {}, c.suspended ? 'Lift the suspension' : 'Suspend'),
    c.suspended
      ? h('p', {}, h('button', { type: 'button', id: 'unsuspend', onclick: act(async () => { await api('POST', `/admin/companies/${encodeURIComponent(id)}/unsuspend`); await opsCompany(id); }) }, 'Unsuspend'))
      : h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); act(async () => {
        if (!confirm(`Suspend ${c.name}? Its members are signed out of the API and cannot sign in.`)) return;
        await api('POST', `/admin/companies/${encodeURIComponent(id)}/suspend`, { reason: suspendReason.value });
        await opsCompany(id);
      })(); } }, h('div', {}, h('label', { for: 'suspend-reason' }, 'Reason'), suspendReason), h('button', { type: 'submit', class: 'danger', id: 'suspend' }, 'Suspend')),
    h('h2', {}, 'Members'),
    h('table', { id: 'ops-members' }, h('thead', {}, h('tr', {}, ...['Email', 'Role', 'Status', 'Last sign-in', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...c.members.map((m) => h('tr', {}, h('td', {}, m.email), h('td', {}, m.role), h('td', {}, m.disabled ? 'Disabled by an operator' : m.active ? 'Active' : 'Deactivated'),
        h('td', {}, when(m.lastSignInAt)),
        h('td', {}, h('button', { type: 'button', class: m.disabled ? 'secondary' : 'danger', onclick: act(async () => {
          const why = m.disabled ? null : prompt('Why is ' + m.email + ' disabled?');
          if (!m.disabled && !why) return;
          await api('POST', `/admin/users/${encodeURIComponent(m.id)}/${m.disabled ? 'enable' : 'disable'}`, m.disabled ? undefined : { reason: why });
          await opsCompany(id);
        }) }, m.disabled ? 'Enable' : 'Disable')))))),
    h('h2', {}, 'Usage (30 days)'),
    chart('bar', 'Images and credits per day, last 30 days', days.map((d) => d.day.slice(5)),
      [{ label: 'Credits', data: days.map((d) => d.credits) }, { label: 'Images', data: days.map((d) => d.images) }], { x: 'Day (UTC)', y: 'Credits / images' }),
    h('h2', {}, 'Ledger (latest)'),
    h('table', { id: 'ops-ledger' }, h('thead', {}, h('tr', {}, ...['#', 'Type', 'Amount', 'Reference', 'By', 'Balance after', 'When'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...c.ledger.map((e) => h('tr', {}, h('td', {}, e.sequence), h('td', {}, e.type), h('td', {}, fmt(e.amount)), h('td', {}, e.reference || ''),
        h('td', {}, e.actor), h('td', {}, fmt(e.balanceAfter)), h('td', {}, when(e.at)))))),
    h('h2', {}, 'Jobs (latest)'),
    h('table', {}, h('thead', {}, h('tr', {}, ...['Job', 'Quality', 'State', 'Files', 'Cost', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...c.jobs.map((j) => h('tr', {}, h('td', {}, j.name || j.jobId), h('td', {}, j.quality), h('td', {}, j.state), h('td', {}, j.files), h('td', {}, fmt(j.cost)), h('td', {}, when(j.createdAt)))))));
}

async function opsAudit() {
  const cursor = new URLSearchParams(location.hash.split('?')[1] || '').get('cursor');
  const page = await api('GET', '/admin/audit' + (cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
  show('Audit log', opsNav(),
    h('div', { class: 'table-wrap' }, h('table', { id: 'ops-audit' },
      h('thead', {}, h('tr', {}, ...['When', 'Operator', 'Action', 'Company', 'Before', 'After', 'Reason'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...page.entries.map((e) => h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.operatorEmail), h('td', {}, e.action),
        h('td', {}, e.companyId ? h('a', { href: '#/ops/company/' + e.companyId }, e.companyId.slice(0, 8)) : ''), h('td', {}, e.before || ''), h('td', {}, e.after || ''), h('td', {}, e.reason || '')))))),
    page.nextCursor ? h('p', {}, h('a', { href: '#/ops/audit?cursor=' + page.nextCursor }, 'Older')) : null);
}

// ------------------------------------------------------------------ routing

function chrome() {
  const signedIn = !!state.tokens;
  // Someone waiting for a join request has no company yet: no company pages to go to.
  document.getElementById('nav').hidden = !signedIn || !!(state.claims?.join_status && !state.claims.company_id);
  document.getElementById('signin').hidden = signedIn;
  document.getElementById('signout').hidden = !signedIn;
  if (!signedIn) document.getElementById('balance').textContent = '';
  document.querySelectorAll('[data-admin]').forEach((a) => { a.hidden = !isAdmin(); });
  document.querySelectorAll('[data-operator]').forEach((a) => { a.hidden = !isOperator(); });
  const route = location.hash.split('?')[0].split('/')[1] || 'create';
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.getAttribute('href') === '#/' + route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}
function fail(e) {
  if (e instanceof ApiError && e.status === 401) return;
  show('Something went wrong', message(e.message || String(e)), h('p', {}, h('a', { href: '#/create' }, 'Back to the start')));
}
async function render() {
  state.expectedHash = location.hash;
  chrome();
  const [route, a, b] = location.hash.split('?')[0].replace(/^#\//, '').split('/');
  if (route === 'terms' || route === 'privacy') return legal(route);
  if (route === 'status') return statusPage().catch(fail);
  if (!state.tokens) {
    if (route === 'signed-out') {
      return show('Signed out', h('p', {}, 'You are signed out.'), h('button', { type: 'button', onclick: () => signIn() }, 'Sign in'));
    }
    return show('Welcome to Image2Model', h('p', {}, 'Turn product and concept images into textured 3D models (GLB), for your whole team.'),
      h('p', {}, h('button', { type: 'button', id: 'welcome-signin', onclick: () => signIn() }, 'Sign in'), ' ',
        h('button', { type: 'button', class: 'secondary', id: 'welcome-signup', onclick: () => signIn('signup') }, 'Create an account')),
      h('p', { class: 'muted' }, 'New companies get 100 trial credits.'));
  }
  if (state.claims?.join_status && !state.claims.company_id) return joinWaitPage().catch(fail);
  try {
    switch (route || 'create') {
      case 'create': return await createPage();
      case 'jobs': return await (a ? jobPage(a) : jobsPage());
      case 'model': return await modelPage(a, b);
      case 'credits': return await creditsPage();
      case 'billing': return await billingPage();
      case 'team': return await teamPage();
      case 'ops': return await (!isOperator() ? createPage() : a === 'companies' ? opsCompanies() : a === 'company' ? opsCompany(b)
        : a === 'audit' ? opsAudit() : opsDashboard());
      default: return await createPage();
    }
  } catch (e) { fail(e); }
}

async function start() {
  state.config = await (await fetch('/config.json')).json();
  document.getElementById('signin').addEventListener('click', () => signIn());
  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', render);
  if (location.pathname.endsWith('/callback.html')) {
    try { await finishSignIn(); } catch (e) { history.replaceState(null, '', '/#/'); chrome(); return show('Sign-in failed', message(e.message), h('button', { type: 'button', onclick: () => signIn() }, 'Try again')); }
  }
  if (state.tokens && !state.claims?.join_status) balanceLine();
  render();
}
start();
