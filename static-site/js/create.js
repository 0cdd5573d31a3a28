// The Create page: images chosen and checked, the cost, the job created and its uploads.
import { api, balanceLine } from './api.js';
import { forgetKept, initialSelection, keep } from './kept-files.js';
import { waysForward } from './ways.js';
import { fileRow } from './file-row.js';
import { uploadAll } from './uploads.js';
import { projectPicker } from './projects.js';
import { generationChoices, modeChooser, nextRole, optionsPanel, rolePicker, viewsProblem } from './options.js';
import { fmt, h, images, show, state, view } from './ui.js';

const ROLE_ORDER = ['front', 'left', 'back', 'right'];

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
  const [generation, start] = await Promise.all([generationChoices(state.config.apiUrl), initialSelection()]);
  const mode = modeChooser(() => {
    assignRoles();
    draw();
    estimate();
  });
  const options = optionsPanel(generation, { quality: start?.quality }, () => estimate());
  /** In views mode, each usable photo shows one side; a photo without one takes the next free side. */
  function assignRoles() {
    const good = files.filter((f) => !f.problem);
    good.forEach((f) => (f.role = mode.views() && f.role && ROLE_ORDER.includes(f.role) ? f.role : null));
    if (!mode.views()) return;
    for (const f of good) {
      if (!f.role || good.filter((g) => g.role === f.role).length > 1)
        f.role = nextRole(good.filter((g) => g !== f).map((g) => g.role));
    }
  }
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
    assignRoles();
    draw();
    estimate();
  }
  function draw() {
    list.replaceChildren(
      ...files.map((entry, i) =>
        fileRow(
          entry,
          () => {
            files.splice(i, 1);
            assignRoles();
            draw();
            estimate();
          },
          mode.views() && !entry.problem ? rolePicker(entry, i, () => estimate()) : null,
        ),
      ),
    );
  }
  /** The models to make: one per photo, or one of all the photos as views. */
  function models() {
    const good = files.filter((f) => !f.problem);
    return mode.views() ? (good.length ? [good] : []) : good.map((f) => [f]);
  }
  async function estimate() {
    const good = files.filter((f) => !f.problem);
    keep(files, options.quality());
    const problem = mode.views() && good.length ? viewsProblem(good) : null;
    if (!good.length || problem) {
      summary.textContent = problem || (files.length ? 'No usable image yet.' : '');
      go.disabled = true;
      ways.replaceChildren();
      return;
    }
    const count = models().length;
    go.textContent = mode.views() ? 'Generate the model' : count === 1 ? 'Generate the model' : 'Generate models';
    const views = mode.views() ? good.length : 1;
    try {
      const e = await api('POST', '/credits/estimate', { ...options.value(), views, files: count });
      const what = mode.views() ? `1 model from ${good.length} views` : images(count);
      summary.textContent =
        `${what} at ${options.words()}: ${fmt(e.cost)} credits. ` +
        (e.fits
          ? `Balance after: ${fmt(e.available - e.cost)} credits.`
          : `You have ${fmt(e.available)}: not enough.`) +
        project.note(e.cost);
      go.disabled = !e.fits || !project.fits(e.cost);
      ways.replaceChildren(
        ...(e.fits
          ? []
          : await waysForward(e, options.quality(), count, {
              keepFirst,
              useQuality: (lower) => {
                options.useQuality(lower);
                estimate();
              },
              bodyFor: (lower) => ({ ...options.value(), polycount: undefined, quality: lower, views, files: count }),
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
    const made = models();
    go.disabled = true;
    let job;
    const image = (f) => ({ name: f.file.name, contentType: f.file.type, size: f.file.size });
    try {
      job = await api('POST', '/jobs', {
        ...options.value(),
        projectId: project.value(),
        files: made.map((model) =>
          model.length === 1 && !mode.views()
            ? image(model[0])
            : {
                name: model.find((f) => f.role === 'front').file.name.replace(/\.[A-Za-z0-9]{1,5}$/, ''),
                views: model.map((f) => ({ role: f.role, ...image(f) })),
              },
        ),
      });
    } catch (e) {
      summary.textContent = e.message;
      go.disabled = false;
      return;
    }
    forgetKept();
    // The job page offers the front photos again if an upload is lost.
    state.pendingFiles.set(
      job.jobId,
      made.map((model) => (model.find((f) => f.role === 'front') || model[0]).file),
    );
    batch.hidden = false;
    // Every upload: a model's own, or one per view of a model of views.
    const uploads = [];
    job.files.forEach((f, i) => {
      if (f.views)
        f.views.forEach((v) => uploads.push({ upload: v.upload, entry: made[i].find((e) => e.role === v.role) }));
      else uploads.push({ upload: f.upload, entry: made[i][0] });
    });
    await uploadAll(uploads, (fraction) => {
      batch.value = Math.round(100 * fraction);
      draw();
    });
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
      mode.element,
      options.element,
      summary,
      ways,
      batch,
      go,
    ),
  );
  // The sample of the first steps, or the images chosen before a reload or a trip to Checkout.
  if (start) {
    if (start.quality && start.quality !== 'custom') options.useQuality(start.quality);
    await add(start.files);
  }
}
