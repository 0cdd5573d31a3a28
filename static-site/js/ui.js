// The page's building blocks: state, elements, number and date formats, pages shown, charts, messages.

export const view = document.getElementById('view');
export const state = {
  config: null,
  tokens: null,
  claims: null,
  refreshTimer: null,
  pendingFiles: new Map(),
  pollTimer: null,
};

export function h(tag, attrs = {}, ...children) {
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
export const fmt = (n) => Number(n ?? 0).toLocaleString('en-US');
/** A model's picture (signed URL from the API), or a quiet empty square while there is none. */
export const thumb = (signed, alt, size = 48) =>
  signed
    ? h('img', { src: signed.url, alt, class: 'thumb', width: size, height: size, loading: 'lazy' })
    : h('span', { class: 'thumb none', 'aria-hidden': 'true' });
/** Starts a download of a signed URL (S3 answers it as an attachment), as a link the person clicked would. */
export function startDownload(url, fileName) {
  const a = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}
/** "1 image", "3 images": a count with its word. */
export const images = (n) => `${fmt(n)} ${Number(n) === 1 ? 'image' : 'images'}`;
export const money = (cents) =>
  '$' + (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
/** A page anyone may see, signed in or not: the welcome, sign-out and error pages, an invitation, the legal pages. */
export function showPublic(title, ...content) {
  state.publicPage = true;
  try {
    show(title, ...content);
  } finally {
    state.publicPage = false;
  }
}
export function show(title, ...content) {
  // A page of a signed-in person that finishes loading after they signed out is not shown (showPublic pages are).
  if (!state.tokens && !state.publicPage) return;
  // A page that finishes loading after the user moved on must not replace the newer page.
  if (state.expectedHash !== undefined && location.hash !== state.expectedHash) return;
  clearTimeout(state.pollTimer);
  document.title = title + ' - Image2Model';
  (state.charts || []).forEach((c) => c.destroy());
  view.replaceChildren(
    h('h1', {}, title),
    ...content.flat(2).filter((c) => c !== null && c !== undefined && c !== false),
  );
  // Charts are drawn once their canvas is on the page (Chart.js sizes them from it).
  state.charts = (state.pendingCharts || [])
    .filter((p) => p.canvas.isConnected)
    .map((p) => new window.Chart(p.canvas, p.config));
  state.pendingCharts = [];
  view.focus({ preventScroll: true });
}

/**
 * A chart (Chart.js, from the site's own vendor folder): bars or a line over labelled axes, with
 * tooltips; {@code label} also describes it to screen readers.
 */
export function chart(kind, label, labels, series, axes) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const colors = ['#2f6fde', '#e07a1f', '#2a9d5b'];
  (state.pendingCharts = state.pendingCharts || []).push({
    canvas,
    config: {
      type: kind,
      data: {
        labels,
        datasets: series.map((d, i) => ({
          label: d.label,
          data: d.data,
          backgroundColor: colors[i % 3],
          borderColor: colors[i % 3],
          tension: 0.2,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { display: series.length > 1 }, tooltip: { enabled: true } },
        scales: {
          x: { title: { display: true, text: axes.x } },
          y: { beginAtZero: true, title: { display: true, text: axes.y } },
        },
      },
    },
  });
  // A visible title too: the label is also what a screen reader hears for the canvas.
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, label), h('div', { class: 'chart' }, canvas));
}
export function message(text, kind = 'bad') {
  return h('p', { class: kind, role: kind === 'bad' ? 'alert' : 'status' }, text);
}

/** A table that scrolls on its own on a phone: headings, then a row of cells (text or elements) per entry. */
export function table(id, headings, rows) {
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0 },
    h(
      'table',
      { id },
      h('thead', {}, h('tr', {}, ...headings.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))))),
    ),
  );
}

/** Every day of a usage answer ({from, to, rows}), days without use as zeros: a chart's bars. */
export function everyDay(usage) {
  const used = new Map(usage.rows.map((r) => [r.day, r]));
  const days = [];
  for (
    let d = new Date(usage.from + 'T00:00:00Z');
    d <= new Date(usage.to + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const day = d.toISOString().slice(0, 10);
    days.push(used.get(day) || { day, images: 0, credits: 0 });
  }
  return days;
}
