// The jobs list, a job's page (polled) and retrying its failed files.
import { api, balanceLine } from './api.js';
import { fail } from './router.js';
import { fmt, h, images, message, show, state, thumb, view, when } from './ui.js';
import { downloadAll } from './archive.js';
import { optionsWords } from './options.js';
import { projectName } from './projects.js';
import { shareSection } from './sharing.js';
import { badge, fileState, jobState } from './words.js';

export async function jobsPage() {
  const page = await api('GET', '/jobs');
  show(
    'Jobs',
    page.jobs.length
      ? h(
          'div',
          { class: 'table-wrap', tabindex: 0 },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Preview', 'Job', 'State', 'Files', 'Quality', 'Credits', 'Created'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              ...page.jobs.map((j) =>
                h(
                  'tr',
                  {},
                  h('td', {}, thumb(j.cover, '')),
                  h('td', {}, h('a', { href: '#/jobs/' + j.jobId }, j.name || j.jobId)),
                  h('td', {}, badge(j.state, jobState(j))),
                  h(
                    'td',
                    {},
                    `${j.counts.done} done / ${j.counts.files}` +
                      (j.counts.failed ? `, ${j.counts.failed} failed` : ''),
                  ),
                  h('td', {}, j.quality),
                  h('td', {}, fmt(j.cost)),
                  h('td', {}, when(j.createdAt)),
                ),
              ),
            ),
          ),
        )
      : h('p', {}, 'No jobs yet. ', h('a', { href: '#/create' }, 'Create your first models.')),
  );
}

export async function jobPage(jobId, delay = 1000) {
  const job = await api('GET', '/jobs/' + jobId);
  const project = await projectName(job.projectId);
  const finished = ['DONE', 'PARTIAL', 'FAILED', 'CANCELLED'].includes(job.state);
  const failed = job.files.filter((f) => f.state === 'FAILED');
  const rows = job.files.map((f) =>
    h(
      'tr',
      { 'data-file': f.fileId },
      h(
        'td',
        {},
        h('span', { class: 'file-name' }, thumb(f.thumbnail, ''), f.name),
        f.views
          ? h('span', { class: 'muted' }, ` (${f.views.filter((v) => v.checked).length} of ${f.views.length} views in)`)
          : null,
      ),
      h(
        'td',
        {},
        badge(f.state, fileState(f)),
        f.state === 'SUBMITTED' || f.state === 'UPLOADED'
          ? h('progress', { 'aria-label': 'Working on ' + f.name })
          : null,
      ),
      h(
        'td',
        {},
        f.state === 'DONE'
          ? `${fmt(f.model.faces)} faces, ${fmt(Math.round(f.model.bytes / 1024))} KB` + reviewWords(f.review)
          : f.state === 'SUBMITTED'
            ? timeLeft(f, job.typicalSeconds)
            : '',
      ),
      h(
        'td',
        {},
        f.state === 'DONE'
          ? h('a', { href: `#/model/${jobId}/${f.fileId}`, class: 'button secondary' }, 'View 3D')
          : '',
      ),
    ),
  );
  const actions = h(
    'p',
    { class: 'actions' },
    !finished
      ? h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: async () => {
              await api('DELETE', '/jobs/' + jobId);
              jobPage(jobId);
            },
          },
          'Cancel job',
        )
      : null,
    finished && failed.length
      ? h(
          'button',
          {
            type: 'button',
            id: 'retry-failed',
            onclick: () => retryFailed(job, retryArea).catch((e) => retryArea.replaceChildren(message(e.message))),
          },
          `Retry the failed ${images(failed.length)}`,
        )
      : null,
  );
  const retryArea = h('div', { id: 'retry', 'aria-live': 'polite' });
  show(
    job.name || 'Job',
    h(
      'p',
      {},
      badge(job.state, jobState(job), 'job-state'),
      ` · ${job.options ? optionsWords(job.options) : job.quality + ' quality'} · ${fmt(job.cost)} credits · ` +
        `created ${when(job.createdAt)} · project `,
      h('a', { href: '#/gallery?project=' + job.projectId, id: 'job-project' }, project),
    ),
    renameForm(job),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0 },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...['File', 'State', 'Details', 'Model'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...rows),
      ),
    ),
    actions,
    retryArea,
    job.counts.done ? downloadAll(job) : null,
    job.counts.done ? shareSection(job) : null,
    h(
      'p',
      { role: 'status', 'aria-live': 'polite', class: 'muted' },
      finished ? 'Finished.' : 'Working… this page updates by itself.',
    ),
  );
  if (!finished) {
    state.pollTimer = setTimeout(() => {
      if (location.hash === '#/jobs/' + jobId) jobPage(jobId, Math.min(10000, delay * 1.5)).catch(fail);
    }, delay);
  } else {
    balanceLine();
  }
}
/** "About N s left", from the catalog's typical run time and when the file went to generation. */
function timeLeft(f, typical) {
  if (!typical || !f.times?.submittedAt) return '';
  const left = Math.round(typical - (Date.now() - new Date(f.times.submittedAt).getTime()) / 1000);
  return left > 0 ? `About ${left} s left` : 'Taking longer than usual: it is still being made';
}

/** Renames the job (the name shown in lists, the ledger's links and downloads). */
function renameForm(job) {
  const input = h('input', { id: 'job-name', value: job.name || '', maxlength: 100, required: true });
  const said = h('span', { role: 'status', 'aria-live': 'polite', class: 'muted' });
  return h(
    'form',
    {
      class: 'inline',
      id: 'rename',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const renamed = await api('PATCH', '/jobs/' + job.jobId, { name: input.value });
          document.title = renamed.name + ' - Image2Model';
          view.querySelector('h1').textContent = renamed.name;
          said.textContent = 'Renamed.';
        } catch (err) {
          said.textContent = err.message;
        }
      },
    },
    h('div', {}, h('label', { for: 'job-name' }, 'Name'), input),
    h('button', { type: 'submit', class: 'secondary', id: 'rename-job' }, 'Rename'),
    said,
  );
}

/** The estimate for retrying the failed files (their images are still kept), then the retry: a new job, no upload. */
async function retryFailed(job, area) {
  const plan = await api('GET', `/jobs/${job.jobId}/retry`);
  const skipped = plan.notRetryable.map((f) => h('li', {}, `${f.name}: ${f.why}`));
  const go = h(
    'button',
    {
      type: 'button',
      id: 'retry-now',
      disabled: !plan.files.length || !plan.fits,
      onclick: async () => {
        go.disabled = true;
        try {
          const next = await api('POST', `/jobs/${job.jobId}/retry`);
          location.hash = '#/jobs/' + next.jobId;
        } catch (err) {
          area.append(h('p', { role: 'alert' }, err.message));
          go.disabled = false;
        }
      },
    },
    'Retry now',
  );
  area.replaceChildren(
    h(
      'p',
      { id: 'retry-estimate' },
      plan.files.length
        ? `Retry ${images(plan.files.length)} at ${plan.quality} quality: ${fmt(plan.cost)} credits ` +
            `(you have ${fmt(plan.available)}).` +
            (plan.fits ? '' : ' Not enough credits: buy more first.')
        : 'None of the failed images is kept any more.',
    ),
    skipped.length ? h('ul', {}, ...skipped) : null,
    h('p', {}, go, plan.fits ? null : ' ', plan.fits ? null : h('a', { href: '#/billing' }, 'Buy credits')),
  );
}

/** A client's word on a model, as the job page shows it. */
function reviewWords(review) {
  if (!review) return '';
  const what = review.decision === 'approve' ? 'Approved by the client' : 'The client asked for changes';
  return ` · ${what}${review.comment ? ': "' + review.comment + '"' : ''}`;
}
