// The operators' lists: every company (search, pages, CSV) and the audit log.
import { api } from './api.js';

import { fmt, h, money, show, when } from './ui.js';
import { opsNav } from './ops.js';

export async function opsCompanies() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const query = params.get('query') || '';
  const page = await api(
    'GET',
    '/admin/companies?' +
      new URLSearchParams({ query, ...(params.get('cursor') ? { cursor: params.get('cursor') } : {}) }),
  );
  const search = h('input', {
    id: 'ops-query',
    type: 'search',
    value: query,
    'aria-label': 'Name or domain starts with',
  });
  show(
    'Companies',
    opsNav(),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = '#/ops/companies?query=' + encodeURIComponent(search.value);
        },
      },
      search,
      h('button', { type: 'submit', id: 'ops-search' }, 'Search'),
    ),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0 },
      h(
        'table',
        { id: 'ops-companies-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'Company',
              'Domain',
              'Plan',
              'Status',
              'Members',
              'Balance',
              'Held',
              'Images this month',
              'Revenue to date',
              'Created',
            ].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          ...page.companies.map((c) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: '#/ops/company/' + c.companyId }, c.name)),
              h('td', {}, c.domain || '—'),
              h('td', {}, c.plan || '—'),
              h('td', {}, c.suspended ? 'Suspended' : c.status || 'no plan'),
              h('td', {}, fmt(c.members)),
              h('td', {}, fmt(c.available)),
              h('td', {}, fmt(c.held)),
              h('td', {}, fmt(c.imagesThisMonth)),
              h('td', {}, money(c.revenueToDateCents)),
              h('td', {}, when(c.createdAt)),
            ),
          ),
        ),
      ),
    ),
    page.nextCursor
      ? h(
          'p',
          {},
          h('a', { href: '#/ops/companies?' + new URLSearchParams({ query, cursor: page.nextCursor }) }, 'Next page'),
        )
      : null,
  );
}

export async function opsAudit() {
  const cursor = new URLSearchParams(location.hash.split('?')[1] || '').get('cursor');
  const page = await api('GET', '/admin/audit' + (cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
  show(
    'Audit log',
    opsNav(),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0 },
      h(
        'table',
        { id: 'ops-audit' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['When', 'Operator', 'Action', 'Company', 'Before', 'After', 'Reason'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...page.entries.map((e) =>
            h(
              'tr',
              {},
              h('td', {}, when(e.at)),
              h('td', {}, e.operatorEmail),
              h('td', {}, e.action),
              h(
                'td',
                {},
                e.companyId
                  ? h(
                      'a',
                      { href: '#/ops/company/' + e.companyId },
                      e.companyName || 'erased company ' + e.companyId.slice(0, 8),
                    )
                  : '',
              ),
              h('td', {}, e.before || ''),
              h('td', {}, e.after || ''),
              h('td', {}, e.reason || ''),
            ),
          ),
        ),
      ),
    ),
    page.nextCursor ? h('p', {}, h('a', { href: '#/ops/audit?cursor=' + page.nextCursor }, 'Older')) : null,
  );
}

/** A company's latest jobs for the operators (an empty state when there are none). */
export function jobsTable(jobs) {
  return jobs.length
    ? h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Job', 'Quality', 'State', 'Files', 'Cost', 'Created'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          ...jobs.map((j) =>
            h(
              'tr',
              {},
              h('td', {}, j.name || j.jobId),
              h('td', {}, j.quality),
              h('td', {}, j.state),
              h('td', {}, j.files),
              h('td', {}, fmt(j.cost)),
              h('td', {}, when(j.createdAt)),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted' }, 'No jobs yet.');
}
