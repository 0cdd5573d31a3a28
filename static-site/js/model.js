// A model: the 3D viewer (its picture shown while it loads), its quality report, and the download.
import { api } from './api.js';
import { fmt, h, message, show } from './ui.js';

export async function modelPage(jobId, fileId) {
  const job = await api('GET', '/jobs/' + jobId);
  const file = job.files.find((f) => f.fileId === fileId);
  if (!file || file.state !== 'DONE') {
    show('Model', message('This model is not ready.'));
    return;
  }
  const viewer = h('model-viewer', {
    src: file.result.url,
    alt: '3D model made from ' + file.name,
    'camera-controls': true,
    'touch-action': 'pan-y',
    'environment-image': 'neutral',
    'shadow-intensity': 1,
    exposure: 1,
    id: 'viewer',
    ...(file.thumbnail ? { poster: file.thumbnail.url } : {}),
  });
  viewer.addEventListener('load', () => viewer.setAttribute('data-loaded', 'true'));
  viewer.addEventListener('error', () => viewer.setAttribute('data-error', 'true'));
  show(
    file.name,
    viewer,
    h(
      'div',
      { class: 'stats' },
      h('div', { class: 'stat' }, h('b', {}, fmt(file.model.faces)), 'faces'),
      h('div', { class: 'stat' }, h('b', {}, fmt(file.model.vertices)), 'vertices'),
      h('div', { class: 'stat' }, h('b', {}, fmt(Math.round(file.model.bytes / 1024)) + ' KB'), 'GLB size'),
    ),
    quality(file.model.quality),
    h(
      'p',
      {},
      h(
        'a',
        {
          class: 'button',
          id: 'download',
          href: file.result.url,
          download: file.name.replace(/\.[^.]+$/, '') + '.glb',
        },
        'Download GLB',
      ),
      ' ',
      h('a', { href: '#/jobs/' + jobId }, 'Back to the job'),
    ),
    h('p', { class: 'muted' }, 'Drag to orbit, scroll or pinch to zoom. The download link is valid for 15 minutes.'),
  );
}

/** glTF's unit is the metre: a size in centimetres up to a metre, in metres beyond. */
function dimensions([x, y, z]) {
  const round = (n) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);
  return Math.max(x, y, z) < 1
    ? `${round(x * 100)} x ${round(y * 100)} x ${round(z * 100)} cm`
    : `${round(x)} x ${round(y)} x ${round(z)} m`;
}

/** The quality report in plain words: closed or not, proportions, texture, and what to watch for. */
function quality(report) {
  if (!report) return null;
  const facts = [
    [
      'Closed (watertight)',
      report.watertight ? 'Yes: ready for 3D printing' : `No: ${fmt(report.openEdges)} open edges`,
    ],
    ['Faces point the same way', report.consistentWinding ? 'Yes' : 'No'],
    ['Size (width x height x depth)', dimensions(report.size)],
    ['Texture', report.texture ? `${fmt(report.texture.width)} x ${fmt(report.texture.height)} pixels` : 'None'],
  ];
  return h(
    'section',
    { id: 'quality', 'aria-labelledby': 'quality-title' },
    h('h2', { id: 'quality-title' }, 'Quality check'),
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    report.warnings.length
      ? h('ul', { class: 'warnings', id: 'quality-warnings' }, ...report.warnings.map((w) => h('li', {}, w)))
      : h('p', { class: 'muted', id: 'quality-warnings' }, 'Nothing to watch for.'),
  );
}
