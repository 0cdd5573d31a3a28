// The gallery: every model of the company, newest first, as pictures; filter by project, quality and dates.
import { api } from './api.js';
import { projectFilter } from './projects.js';
import { h, show, thumb, when } from './ui.js';

export async function galleryPage() {
  const grid = h('ul', { class: 'gallery', id: 'gallery' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'gallery-more', hidden: true }, 'Show more');
  const said = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted', id: 'gallery-status' });
  const quality = h(
    'select',
    { id: 'gallery-quality' },
    h('option', { value: '' }, 'Any quality'),
    ...['low', 'medium', 'high'].map((q) => h('option', { value: q }, q[0].toUpperCase() + q.slice(1))),
    h('option', { value: 'custom' }, 'An exact number of faces'),
  );
  const project = await projectFilter(new URLSearchParams(location.hash.split('?')[1] || '').get('project'));
  const from = h('input', { type: 'date', id: 'gallery-from' });
  const to = h('input', { type: 'date', id: 'gallery-to' });
  let cursor = null;

  async function load(reset) {
    if (reset) {
      grid.replaceChildren();
      cursor = null;
    }
    const query = new URLSearchParams();
    if (project.value) query.set('project', project.value);
    if (quality.value) query.set('quality', quality.value);
    if (from.value) query.set('from', from.value);
    if (to.value) query.set('to', to.value);
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await api('GET', '/models?' + query);
      grid.append(...page.models.map(card));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      const n = grid.children.length;
      said.textContent = n
        ? `${n} ${n === 1 ? 'model' : 'models'} shown${cursor ? ', newest first' : ''}.`
        : 'No models match. Models appear here as soon as they are ready.';
    } catch (err) {
      said.textContent = err.message;
    }
  }
  more.onclick = () => load(false);
  const filters = h(
    'form',
    {
      class: 'inline filters',
      id: 'gallery-filters',
      onsubmit: (e) => {
        e.preventDefault();
        load(true);
      },
    },
    h('div', {}, h('label', { for: 'gallery-project' }, 'Project'), project),
    h('div', {}, h('label', { for: 'gallery-quality' }, 'Quality'), quality),
    h('div', {}, h('label', { for: 'gallery-from' }, 'From'), from),
    h('div', {}, h('label', { for: 'gallery-to' }, 'To'), to),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'),
  );
  show('Gallery', filters, said, grid, h('p', {}, more));
  await load(true);
}

function card(m) {
  return h(
    'li',
    {},
    h(
      'a',
      { href: `#/model/${m.jobId}/${m.fileId}` },
      thumb(m.thumbnail, '', 240),
      h('span', { class: 'name' }, m.name),
      h('span', { class: 'muted' }, `${m.quality} · ${when(m.completedAt)}`),
    ),
  );
}
