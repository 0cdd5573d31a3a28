// A job's review links: make one for a client (how long it works, whether it offers downloads),
// copy it, see the links made and withdraw them.
import { api } from './api.js';
import { h, when } from './ui.js';

const statusWords = { open: 'Open', expired: 'Expired', revoked: 'Withdrawn' };

export function shareSection(job) {
  const list = h('ul', { class: 'shares', id: 'shares' });
  const said = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted', id: 'share-status' });
  const link = h('input', {
    id: 'review-link',
    readonly: true,
    'aria-label': 'Review link',
    placeholder: 'The link appears here',
  });
  const days = h(
    'select',
    { id: 'share-days' },
    ...[1, 7, 14, 30].map((d) => h('option', { value: d, selected: d === 7 }, `${d} day${d > 1 ? 's' : ''}`)),
  );
  const download = h('input', { type: 'checkbox', id: 'share-download' });
  const refresh = async () => {
    const shares = (await api('GET', `/jobs/${job.jobId}/shares`)).shares;
    list.replaceChildren(
      ...shares.map((s) =>
        h(
          'li',
          {},
          `${statusWords[s.status] || s.status}: made ${when(s.createdAt)}, until ${when(s.expiresAt)}` +
            (s.allowDownload ? ', with downloads' : ''),
          s.status === 'open' ? ' ' : null,
          s.status === 'open'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  onclick: async () => {
                    await api('DELETE', `/jobs/${job.jobId}/shares/${s.shareId}`);
                    said.textContent = 'The link was withdrawn: it no longer opens.';
                    refresh();
                  },
                },
                'Withdraw',
              )
            : null,
        ),
      ),
    );
  };
  refresh().catch(() => {});
  return h(
    'section',
    { id: 'sharing', 'aria-labelledby': 'sharing-title' },
    h('h2', { id: 'sharing-title' }, 'Share for review'),
    h(
      'p',
      { class: 'muted' },
      'A link for your client: they see these models in 3D, no account needed, and approve each or ask for changes.',
    ),
    h(
      'form',
      {
        class: 'inline',
        id: 'share-form',
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const made = await api('POST', `/jobs/${job.jobId}/share`, {
              expiresInDays: Number(days.value),
              allowDownload: download.checked,
            });
            link.value = made.url;
            await navigator.clipboard?.writeText(made.url).catch(() => {});
            said.textContent = `A review link, open until ${when(made.expiresAt)}, is copied.`;
            refresh();
          } catch (err) {
            said.textContent = err.message;
          }
        },
      },
      h('div', {}, h('label', { for: 'share-days' }, 'Works for'), days),
      h('div', { class: 'check' }, download, h('label', { for: 'share-download' }, 'Allow downloads')),
      h('button', { type: 'submit', class: 'secondary', id: 'share-job' }, 'Make a review link'),
    ),
    link,
    said,
    list,
  );
}
