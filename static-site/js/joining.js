// Who joins a company: the join requests admins answer, the domain's DNS proof, and the wait of a person who asked.
import { api } from './api.js';
import { render } from './router.js';
import { refresh } from './session.js';
import { h, show, when } from './ui.js';

/** People who signed up at the company's domain and wait for an admin's answer. */
export function joinRequestsSection(requests, act) {
  if (!requests.length)
    return [
      h('h2', {}, 'Asking to join'),
      h('p', { class: 'muted', id: 'join-requests-empty' }, 'No one is waiting to join.'),
    ];
  return [
    h('h2', {}, 'Asking to join'),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0 },
      h(
        'table',
        { id: 'join-requests' },
        h('thead', {}, h('tr', {}, ...['Email', 'Asked', 'Answer'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...requests.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, r.email),
              h('td', {}, when(r.requestedAt)),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'approve',
                    'aria-label': 'Let them join: ' + r.email,
                    onclick: act(
                      () => api('POST', '/company/join-requests/' + r.id + '/approve', { role: 'member' }),
                      r.email + ' joined the team.',
                    ),
                  },
                  'Let them join',
                ),
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': 'Decline ' + r.email,
                    onclick: act(
                      () => api('POST', '/company/join-requests/' + r.id + '/decline'),
                      r.email + ' was told no.',
                    ),
                  },
                  'Decline',
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

/** The company's domain: proving it with a DNS record, then letting its people join without asking. */
export function domainSection(company, domain, act) {
  const record = h(
    'dl',
    { class: 'record' },
    h('dt', {}, 'Type'),
    h('dd', {}, 'TXT'),
    h('dt', {}, 'Name'),
    h('dd', {}, h('code', {}, domain.record.name)),
    h('dt', {}, 'Value'),
    h('dd', {}, h('code', { id: 'domain-record' }, domain.record.value)),
  );
  return [
    h('h2', {}, 'Your domain: ' + domain.domain),
    domain.verified
      ? h(
          'p',
          { id: 'domain-status' },
          'Verified: ' + company.name + ' owns ' + domain.domain + '. We check the record every few hours.',
        )
      : [
          h(
            'p',
            { id: 'domain-status' },
            'Not verified yet. To prove that ' +
              domain.domain +
              ' is yours, add this record at your DNS provider, then check it here.',
          ),
          record,
          h(
            'p',
            {},
            h(
              'button',
              {
                type: 'button',
                id: 'verify-domain',
                onclick: act(() => api('POST', '/company/domain/verify'), 'Your domain is verified.'),
              },
              'Check the record now',
            ),
          ),
        ],
    h(
      'p',
      {},
      domain.verified
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              id: 'auto-join',
              onclick: act(() => api('PATCH', '/company', { autoJoin: !company.autoJoin })),
            },
            company.autoJoin
              ? 'Ask me before anyone at @' + domain.domain + ' joins'
              : 'Let anyone at @' + domain.domain + ' join without asking',
          )
        : h(
            'span',
            { class: 'muted' },
            'Once the domain is verified you can let anyone at @' + domain.domain + ' join without asking.',
          ),
    ),
  ];
}

/** A person whose request to join waits for an admin, or was declined: what they can do now. */
export async function joinWaitPage() {
  const request = await api('GET', '/account/join-request');
  if (request.status === 'approved') {
    await refresh();
    return render();
  }
  const own = h(
    'button',
    {
      type: 'button',
      id: 'own-workspace',
      class: request.status === 'pending' ? 'secondary' : null,
      onclick: async () => {
        try {
          await api('POST', '/account/workspace');
          await refresh();
          location.hash = '#/create';
          render();
        } catch (e) {
          result.textContent = e.message;
        }
      },
    },
    'Start my own workspace',
  );
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  if (request.status === 'pending') {
    return show(
      'Waiting for an admin of ' + request.companyName,
      h(
        'p',
        {},
        'You asked to join ' +
          request.companyName +
          '. One of its admins has been emailed; you will get an email as soon as they answer.',
      ),
      h(
        'p',
        {},
        h(
          'button',
          {
            type: 'button',
            id: 'check-again',
            onclick: async () => {
              await refresh();
              render();
            },
          },
          'Check again',
        ),
        ' ',
        own,
      ),
      h(
        'p',
        { class: 'muted' },
        'Working alone? Start your own workspace instead: it comes with trial credits, and your request is withdrawn.',
      ),
      result,
    );
  }
  return show(
    'Your request was declined',
    h('p', {}, request.companyName + ' declined your request to join.'),
    h('p', {}, own),
    h('p', { class: 'muted' }, 'Your own workspace comes with trial credits.'),
    result,
  );
}
