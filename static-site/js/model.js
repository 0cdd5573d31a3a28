// A model: the 3D viewer (its picture shown while it loads), its quality report, and the download.
import { api } from './api.js';
import { optionsWords } from './options.js';
import { fmt, h, message, show, startDownload } from './ui.js';

export async function modelPage(jobId, fileId) {
  const job = await api('GET', '/jobs/' + jobId);
  const file = job.files.find((f) => f.fileId === fileId);
  if (!file || file.state !== 'DONE') {
    show('Model', message('This model is not ready.'));
    return;
  }
  // A big model's file is made by the worker: the API answers "converting" until it is kept (a few seconds).
  const download = async (format, expiresIn = 3600) => {
    for (let asked = 1; ; asked++) {
      const made = await api('GET', `/jobs/${jobId}/files/${fileId}/download?format=${format}&expiresIn=${expiresIn}`);
      if (made.state !== 'converting') return made;
      if (asked >= 60)
        throw new Error('The ' + format.toUpperCase() + ' file is taking long to make: try again in a minute.');
      await new Promise((done) => setTimeout(done, (made.retryAfterSeconds || 3) * 1000));
    }
  };
  const viewer = h('model-viewer', {
    src: file.result.url,
    ar: true,
    'ar-modes': 'webxr scene-viewer quick-look',
    alt: '3D model made from ' + file.name,
    'camera-controls': true,
    'touch-action': 'pan-y',
    'environment-image': 'neutral',
    'shadow-intensity': 1,
    exposure: 1,
    id: 'viewer',
    ...(file.thumbnail ? { poster: file.thumbnail.url } : {}),
  });
  // Apple's AR Quick Look opens the USDZ; it is made on the first request and kept.
  download('usdz')
    .then((usdz) => viewer.setAttribute('ios-src', usdz.url))
    .catch(() => {});
  viewer.addEventListener('load', () => viewer.setAttribute('data-loaded', 'true'));
  const wireframe = wireframeToggle(viewer, file.result.url, () => download('wireframe'));
  if (file.options?.pbr) wireframe.prepend(materialToggle(viewer), ' ');
  viewer.addEventListener('error', () => viewer.setAttribute('data-error', 'true'));
  const madeWith = file.options
    ? h('p', { class: 'muted', id: 'made-with' }, 'Made with ' + optionsWords(file.options, file.views?.length) + '.')
    : null;
  show(
    file.name,
    viewer,
    wireframe,
    madeWith,
    h(
      'div',
      { class: 'stats' },
      h('div', { class: 'stat' }, h('b', {}, fmt(file.model.faces)), 'faces'),
      h('div', { class: 'stat' }, h('b', {}, fmt(file.model.vertices)), 'vertices'),
      h('div', { class: 'stat' }, h('b', {}, fmt(Math.round(file.model.bytes / 1024)) + ' KB'), 'GLB size'),
    ),
    quality(file.model.quality),
    downloads(file, download),
    h('p', {}, h('a', { href: '#/jobs/' + jobId }, 'Back to the job')),
    h(
      'p',
      { class: 'muted' },
      'Drag to orbit, scroll or pinch to zoom. On a phone, "View in your space" opens it in AR.',
    ),
  );
}

/** The mesh's edges over a plain grey surface (a GLB made once and kept), or the textured model again. */
function wireframeToggle(viewer, modelUrl, fetchWireframe) {
  let wireUrl = null;
  const button = h(
    'button',
    { type: 'button', class: 'secondary', id: 'wireframe', 'aria-pressed': 'false' },
    'Show wireframe',
  );
  const said = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  button.onclick = async () => {
    const on = button.getAttribute('aria-pressed') !== 'true';
    try {
      if (on && !wireUrl) {
        said.textContent = ' Preparing the wireframe…';
        wireUrl = (await fetchWireframe()).url;
      }
      viewer.removeAttribute('data-loaded');
      viewer.setAttribute('src', on ? wireUrl : modelUrl);
      button.setAttribute('aria-pressed', String(on));
      button.textContent = on ? 'Show textured' : 'Show wireframe';
      said.textContent = on ? ' Edges of every face, over a plain surface.' : '';
    } catch (err) {
      said.textContent = ' ' + err.message;
    }
  };
  return h('p', { class: 'viewer-tools' }, button, said);
}

/**
 * A model with realistic materials can be seen with them (relief and shine maps) or with its colours
 * only, to judge what the maps add. The viewer's own material API swaps the maps out and back.
 */
function materialToggle(viewer) {
  const button = h(
    'button',
    { type: 'button', class: 'secondary', id: 'materials', 'aria-pressed': 'true' },
    'Show colours only',
  );
  let kept = null;
  button.onclick = () => {
    const material = viewer.model?.materials?.[0];
    if (!material) return;
    const pbr = material.pbrMetallicRoughness;
    const on = button.getAttribute('aria-pressed') !== 'true';
    if (!on) {
      kept = { normal: material.normalTexture.texture, surface: pbr.metallicRoughnessTexture.texture };
      material.normalTexture.setTexture(null);
      pbr.metallicRoughnessTexture.setTexture(null);
      // Without its map the factors alone decide: no metal, a matte surface.
      pbr.setMetallicFactor(0);
      pbr.setRoughnessFactor(0.8);
    } else if (kept) {
      material.normalTexture.setTexture(kept.normal);
      pbr.metallicRoughnessTexture.setTexture(kept.surface);
      pbr.setMetallicFactor(1);
      pbr.setRoughnessFactor(1);
    }
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Show colours only' : 'Show full materials';
  };
  return button;
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

const FORMATS = [
  ['glb', 'GLB', 'the web, Android, most 3D tools'],
  ['obj', 'OBJ', 'with its texture, zipped'],
  ['stl', 'STL', '3D printing, in millimetres'],
  ['usdz', 'USDZ', 'iPhone and iPad AR'],
  ['fbx', 'FBX', 'Blender, Maya, Unity, Unreal'],
];

/** A button per format, and a link to copy that lasts as long as the person chooses. */
function downloads(file, download) {
  const said = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted', id: 'download-status' });
  const lifetime = h(
    'select',
    { id: 'link-lifetime' },
    h('option', { value: 3600 }, '1 hour'),
    h('option', { value: 86400 }, '1 day'),
    h('option', { value: 604800 }, '7 days'),
  );
  const format = h('select', { id: 'link-format' }, ...FORMATS.map(([f, name]) => h('option', { value: f }, name)));
  const link = h('input', {
    id: 'share-link',
    readonly: true,
    'aria-label': 'Download link',
    placeholder: 'The link appears here',
  });
  const get = async (f) => {
    said.textContent = 'Preparing the ' + f.toUpperCase() + ' file…';
    try {
      const made = await download(f);
      startDownload(made.url, made.fileName);
      said.textContent = 'Downloading ' + made.fileName + '.';
    } catch (err) {
      said.textContent = err.message;
    }
  };
  return h(
    'section',
    { id: 'downloads', 'aria-labelledby': 'downloads-title' },
    h('h2', { id: 'downloads-title' }, 'Download'),
    h(
      'ul',
      { class: 'formats' },
      ...FORMATS.map(([f, name, use]) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', id: 'download-' + f, class: f === 'glb' ? '' : 'secondary', onclick: () => get(f) },
            name,
          ),
          h('span', { class: 'muted' }, ' ' + use),
        ),
      ),
    ),
    said,
    h(
      'form',
      {
        class: 'inline',
        id: 'link-form',
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const made = await download(format.value, lifetime.value);
            link.value = made.url;
            await navigator.clipboard?.writeText(made.url).catch(() => {});
            const until = new Date(made.expiresAt).toLocaleString();
            said.textContent = `A link to ${made.fileName}, valid until ${until}, is copied.`;
          } catch (err) {
            said.textContent = err.message;
          }
        },
      },
      h('div', {}, h('label', { for: 'link-format' }, 'Format'), format),
      h('div', {}, h('label', { for: 'link-lifetime' }, 'Valid for'), lifetime),
      h('button', { type: 'submit', class: 'secondary', id: 'copy-link' }, 'Copy a link'),
    ),
    link,
  );
}
