// The Create page: images chosen and checked, the cost, the job created and its uploads.
import { api, balanceLine, uploadHeaders } from './api.js';
import { forgetKept, initialSelection, keep } from './kept-files.js';
import { waysForward } from './ways.js';
import { fileRow } from './file-row.js';
import { projectPicker } from './projects.js';
import { fmt, h, images, show, state, view } from './ui.js';

export async function createPage() {
  const files = [];
  const input = h('input', {
    type: 'file',
    id: 'files',
    accept: 'image/jpeg,image/png,image/webp',
    multiple: true,
    class: 'visually-hidden',
    hidden: true,
  });
  const list = h('ul', { class: 'files', 'aria-label': 'Chosen images' });
  const summary = h('p', { id: 'summary', role: 'status', 'aria-live': 'polite' });
  const ways = h('div', { id: 'ways' });
  const go = h('button', { type: 'submit', id: 'generate', disabled: true }, 'Generate models');
  const batch = h('progress', {
    id: 'batch',
    max: 100,
    value: 0,
    hidden: true,
    'aria-label': 'Upload progress of the batch',
  });
  const drop = h(
    'div',
    {
      class: 'drop',
      role: 'button',
      tabindex: 0,
      'aria-controls': 'files',
      onclick: () => input.click(),
      onkeydown: (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          input.click();
        }
      },
      ondragover: (e) => {
        e.preventDefault();
        drop.classList.add('over');
      },
      ondragleave: () => drop.classList.remove('over'),
      ondrop: (e) => {
        e.preventDefault();
        drop.classList.remove('over');
        add(e.dataTransfer.files);
      },
    },
    h('strong', {}, 'Drop images here'),
    h('br'),
    'or press to choose (JPEG, PNG or WebP, up to 20 MB, 64 to 8192 pixels a side)',
  );
  input.addEventListener('change', () => add(input.files));
  const quality = h(
    'fieldset',
    {},
    h('legend', {}, 'Quality'),
    ...[
      ['low', 'Low (~1,000 faces)'],
      ['medium', 'Medium (~5,000 faces)'],
      ['high', 'High (~10,000 faces)'],
    ].map(([value, text]) =>
      h(
        'label',
        {},
        h('input', { type: 'radio', name: 'quality', value, checked: value === 'medium', onchange: estimate }),
        ' ',
        text,
      ),
    ),
  );

  async function add(chosen) {
    for (const file of chosen) {
      const entry = { file, problem: null, url: URL.createObjectURL(file) };
      if (!['image/jpeg', 'image/png', 'image/webp'].includes(file.type))
        entry.problem = 'Not a JPEG, PNG or WebP image.';
      else if (file.size > 20 * 1024 * 1024) entry.problem = 'Larger than 20 MB.';
      else {
        try {
          const bitmap = await createImageBitmap(file);
          if (Math.min(bitmap.width, bitmap.height) < 64 || Math.max(bitmap.width, bitmap.height) > 8192) {
            entry.problem = `${bitmap.width} x ${bitmap.height} pixels: each side must be 64 to 8192.`;
          }
          entry.size = `${bitmap.width} x ${bitmap.height}`;
          bitmap.close();
        } catch (e) {
          entry.problem = 'This image cannot be read.';
        }
      }
      files.push(entry);
    }
    draw();
    estimate();
  }
  function draw() {
    list.replaceChildren(
      ...files.map((entry, i) =>
        fileRow(entry, () => {
          files.splice(i, 1);
          draw();
          estimate();
        }),
      ),
    );
  }
  async function estimate() {
    const good = files.filter((f) => !f.problem);
    const q = view.querySelector('input[name=quality]:checked')?.value || 'medium';
    keep(files, q);
    if (!good.length) {
      summary.textContent = files.length ? 'No usable image yet.' : '';
      go.disabled = true;
      return;
    }
    try {
      const e = await api('POST', '/credits/estimate', { quality: q, files: good.length });
      summary.textContent =
        `${images(good.length)} at ${q}: ${fmt(e.cost)} credits. ` +
        (e.fits
          ? `Balance after: ${fmt(e.available - e.cost)} credits.`
          : `You have ${fmt(e.available)}: not enough.`) +
        project.note(e.cost);
      go.disabled = !e.fits || !project.fits(e.cost);
      ways.replaceChildren(
        ...(e.fits
          ? []
          : await waysForward(e, q, good.length, {
              keepFirst,
              useQuality: (lower) => {
                view.querySelector(`input[name=quality][value=${lower}]`).checked = true;
                estimate();
              },
            })),
      );
    } catch (e) {
      summary.textContent = e.message;
    }
  }
  function keepFirst(count) {
    let keep = count;
    for (let i = 0; i < files.length; i++) {
      if (!files[i].problem && keep-- <= 0) {
        files.splice(i, 1);
        i--;
      }
    }
    draw();
    estimate();
  }
  async function submit(event) {
    event.preventDefault();
    const good = files.filter((f) => !f.problem);
    const q = view.querySelector('input[name=quality]:checked').value;
    go.disabled = true;
    let job;
    try {
      job = await api('POST', '/jobs', {
        quality: q,
        projectId: project.value(),
        files: good.map((f) => ({ name: f.file.name, contentType: f.file.type, size: f.file.size })),
      });
    } catch (e) {
      summary.textContent = e.message;
      go.disabled = false;
      return;
    }
    forgetKept();
    state.pendingFiles.set(
      job.jobId,
      good.map((f) => f.file),
    );
    batch.hidden = false;
    const loaded = new Array(good.length).fill(0);
    await Promise.all(
      job.files.map(
        (f, i) =>
          new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open('PUT', f.upload.url);
            Object.entries(uploadHeaders(f.upload)).forEach(([name, value]) => xhr.setRequestHeader(name, value));
            xhr.upload.onprogress = (p) => {
              good[i].progress = Math.round((100 * p.loaded) / p.total);
              loaded[i] = p.loaded;
              draw();
              batch.value = Math.round(
                (100 * loaded.reduce((a, b) => a + b, 0)) / good.reduce((a, g) => a + g.file.size, 0),
              );
            };
            xhr.onloadend = () => {
              good[i].progress = 100;
              good[i].problem = xhr.status === 200 ? null : 'The upload failed (' + xhr.status + ').';
              draw();
              resolve();
            };
            xhr.send(good[i].file);
          }),
      ),
    );
    location.hash = '#/jobs/' + job.jobId;
  }
  const [credits, project] = await Promise.all([balanceLine(), projectPicker(sessionStorage.getItem('project'))]);
  project.select.addEventListener(
    'change',
    () => sessionStorage.setItem('project', project.select.value) || estimate(),
  );
  show(
    'Create 3D models',
    h(
      'form',
      { onsubmit: submit },
      credits
        ? h(
            'p',
            { class: 'muted', id: 'available' },
            `${fmt(credits.available)} credits available` + (credits.held ? `, ${fmt(credits.held)} held` : '') + '.',
          )
        : null,
      drop,
      input,
      list,
      project.element,
      quality,
      summary,
      ways,
      batch,
      go,
    ),
  );
  // The sample of the first steps, or the images chosen before a reload or a trip to Checkout.
  const start = await initialSelection();
  if (start) {
    view.querySelector(`input[name=quality][value=${start.quality || 'medium'}]`).checked = true;
    await add(start.files);
  }
}
