// Projects, one per client: the Projects page (start, rename, budget, archive), and the project
// choice the Create page and the Gallery use.
import { api, csvButton } from './api.js';
import { isAdmin } from './session.js';
import { fmt, h, show, table } from './ui.js';

/** "120 of 500 credits used", "120 credits used (no budget)". */
const usedWords = (p) =>
  p.budget == null
    ? `${fmt(p.committed)} credits used (no budget)`
    : `${fmt(p.committed)} of ${fmt(p.budget)} credits used, ${fmt(p.remaining)} left`;

export async function projectsPage(said = '') {
  const { projects } = await api('GET', '/projects');
  const result = h('p', { role: 'status', 'aria-live': 'polite', id: 'projects-status' }, said);
  const act = (fn, done) => async (e) => {
    e?.preventDefault();
    try {
      await fn();
      await projectsPage(done);
    } catch (err) {
      result.textContent = err.message;
    }
  };
  const active = projects.filter((p) => !p.archived);
  const archived = projects.filter((p) => p.archived);
  show(
    'Projects',
    h(
      'p',
      { class: 'muted' },
      'A project for each client keeps its jobs and models together and shows what it spends. ' +
        'Give it a budget and no new job can take it over.',
    ),
    newProjectForm(act),
    result,
    h('ul', { class: 'projects', id: 'projects' }, ...active.map((p) => projectCard(p, act))),
    archived.length ? h('h2', {}, 'Archived') : null,
    archived.length
      ? h('ul', { class: 'projects', id: 'projects-archived' }, ...archived.map((p) => projectCard(p, act)))
      : null,
  );
}

function newProjectForm(act) {
  const name = h('input', { id: 'project-name', required: true, maxlength: 100, autocomplete: 'off' });
  const client = h('input', { id: 'project-client', maxlength: 100, autocomplete: 'off' });
  const budget = h('input', { id: 'project-budget', type: 'number', min: 1, step: 1, inputmode: 'numeric' });
  return h(
    'form',
    {
      class: 'inline',
      id: 'new-project',
      onsubmit: act(async () => {
        const body = { name: name.value, client: client.value };
        if (budget.value) body.budget = Number(budget.value);
        await api('POST', '/projects', body);
      }, 'Project added.'),
    },
    h('div', {}, h('label', { for: 'project-name' }, 'Project name'), name),
    h('div', {}, h('label', { for: 'project-client' }, 'Client (optional)'), client),
    h('div', {}, h('label', { for: 'project-budget' }, 'Budget in credits (optional)'), budget),
    h('button', { type: 'submit' }, 'Add project'),
  );
}

function projectCard(p, act) {
  const admin = isAdmin();
  const general = p.projectId === 'general';
  const id = 'edit-' + p.projectId;
  const name = h('input', { id: id + '-name', value: p.name, maxlength: 100, disabled: general });
  const client = h('input', { id: id + '-client', value: p.client || '', maxlength: 100 });
  const budget = h('input', { id: id + '-budget', type: 'number', min: 1, step: 1, value: p.budget ?? '' });
  const edit = h(
    'form',
    {
      class: 'stack',
      hidden: true,
      onsubmit: act(async () => {
        const body = { client: client.value };
        if (!general) body.name = name.value;
        if (admin) body.budget = budget.value ? Number(budget.value) : null;
        await api('PATCH', '/projects/' + p.projectId, body);
      }, `Project "${name.value}" saved.`),
    },
    h('label', { for: id + '-name' }, 'Name'),
    name,
    h('label', { for: id + '-client' }, 'Client'),
    client,
    admin ? [h('label', { for: id + '-budget' }, 'Budget in credits (empty: no budget)'), budget] : null,
    h('p', {}, h('button', { type: 'submit' }, 'Save')),
  );
  const archive = (to) =>
    act(
      () => api('PATCH', '/projects/' + p.projectId, { archived: to }),
      to ? `"${p.name}" archived: it takes no new jobs.` : `"${p.name}" is back.`,
    );
  return h(
    'li',
    { class: 'card project', 'data-project': p.projectId },
    h('h2', {}, p.name, p.archived ? h('span', { class: 'state' }, 'Archived') : null),
    p.client ? h('p', { class: 'muted' }, 'For ' + p.client) : null,
    p.budget == null
      ? null
      : h('progress', {
          max: p.budget,
          value: Math.min(p.committed, p.budget),
          'aria-label': 'Budget used: ' + usedWords(p),
        }),
    h('p', { class: 'used' }, usedWords(p)),
    p.held ? h('p', { class: 'muted' }, `${fmt(p.held)} held for models being made`) : null,
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '#/gallery?project=' + p.projectId }, 'See its models'),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-expanded': 'false',
          onclick: (e) => {
            edit.hidden = !edit.hidden;
            e.target.setAttribute('aria-expanded', String(!edit.hidden));
          },
        },
        'Edit',
        h('span', { class: 'visually-hidden' }, ' ' + p.name),
      ),
      ' ',
      admin && !general
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: archive(!p.archived) },
            p.archived ? 'Bring back' : 'Archive',
          )
        : null,
    ),
    edit,
  );
}

/**
 * The project a new job goes to: a choice of the company's active projects (General first), and
 * what its budget says of a cost. `note(cost)` is a sentence, `fits(cost)` whether the job may start.
 */
export async function projectPicker(chosen) {
  const { projects } = await api('GET', '/projects');
  const active = projects.filter((p) => !p.archived);
  const select = h(
    'select',
    { id: 'job-project' },
    ...active.map((p) =>
      h(
        'option',
        { value: p.projectId, selected: p.projectId === chosen },
        p.client ? `${p.name} (${p.client})` : p.name,
      ),
    ),
  );
  const current = () => active.find((p) => p.projectId === select.value) || active[0];
  return {
    element: h('p', {}, h('label', { for: 'job-project' }, 'Project'), select),
    select,
    value: () => current()?.projectId,
    fits: (cost) => current()?.remaining == null || cost <= current().remaining,
    note: (cost) => {
      const p = current();
      if (!p || p.remaining == null) return '';
      return cost <= p.remaining
        ? ` The project "${p.name}" has ${fmt(p.remaining)} of its budget left.`
        : ` The project "${p.name}" has only ${fmt(p.remaining)} of its ${fmt(p.budget)}-credit budget left: ` +
            'an admin can raise it on the Projects page.';
    },
  };
}

/** The Gallery's project filter: every project, archived ones too (their models stay). */
export async function projectFilter(chosen) {
  const { projects } = await api('GET', '/projects');
  return h(
    'select',
    { id: 'gallery-project' },
    h('option', { value: '' }, 'Every project'),
    ...projects.map((p) => h('option', { value: p.projectId, selected: p.projectId === chosen }, p.name)),
  );
}

let names = { at: 0, map: new Map() };
/** A project's name by id, read again when a minute old or unknown (the job page refreshes often). */
export async function projectName(projectId) {
  if (Date.now() - names.at > 60_000 || !names.map.has(projectId)) {
    const { projects } = await api('GET', '/projects').catch(() => ({ projects: [] }));
    names = { at: Date.now(), map: new Map(projects.map((p) => [p.projectId, p.name])) };
  }
  return names.map.get(projectId) || 'General';
}

/** The Credits page's section: what each project used in the period, and its CSV for admins. */
export async function usageByProject() {
  const usage = await api('GET', '/usage?groupBy=project');
  return [
    h('h2', {}, 'Usage by project'),
    usage.rows.length
      ? table(
          'usage-projects',
          ['Project', 'Images', 'Credits'],
          usage.rows.map((r) => [r.name, fmt(r.images), fmt(r.credits)]),
        )
      : h('p', { class: 'muted' }, 'No models made in this period yet.'),
    csvButton(
      'usage-report-projects',
      '/usage/report.csv?groupBy=project',
      'usage-by-project.csv',
      'Download usage by project (CSV)',
    ),
  ];
}
