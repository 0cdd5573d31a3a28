// The operator console (operators only; the API refuses everyone else).
import { api, downloadCsv } from './api.js';
import { fail } from './router.js';
import { chart, fmt, h, money, show, when } from './ui.js';

export function opsNav() {
  return h('p', { class: 'ops-nav' }, h('a', { href: '#/ops' }, 'Dashboard'), ' · ', h('a', { href: '#/ops/companies' }, 'Companies'), ' · ',
    h('a', { href: '#/ops/audit' }, 'Audit log'));
}
export const figure = (id, value, label) => h('div', { class: 'card-figure' }, h('b', { id }, value), label);

export async function opsDashboard() {
  const month = new Date().toISOString().slice(0, 7);
  const [m, r] = await Promise.all([api('GET', '/admin/metrics?month=' + month), api('GET', '/admin/revenue?churnMonth=' + month)]);
  const days = m.daily.map((d) => d.day.slice(8));
  const done = m.imagesByState.DONE || 0;
  show('Operator dashboard: ' + month, opsNav(),
    h('div', { class: 'cards' },
      figure('ops-companies', fmt(m.companies.total), `companies (${fmt(m.companies.new)} new, ${fmt(m.companies.active)} active)`),
      figure('ops-users', fmt(m.users), 'users'),
      figure('ops-images', fmt(done), `images done (${fmt(m.imagesByState.FAILED || 0)} failed)`),
      figure('ops-revenue', money(m.revenueCents.total), 'revenue this month'),
      figure('ops-fal', money(m.falCostCents), 'FAL cost'),
      figure('ops-profit', money(m.grossProfitCents), 'gross profit'),
      figure('ops-margin', m.marginPercent + ' %', 'margin'),
      figure('ops-free', money(m.freeCreditsAtListCents), 'free credits at list price')),
    h('div', { class: 'charts' },
      chart('line', 'Revenue per day this month', days, [{ label: 'Revenue ($)', data: m.daily.map((d) => d.revenueCents / 100) }], { x: 'Day', y: 'US dollars' }),
      chart('bar', 'Images done per day this month', days, [{ label: 'Images done', data: m.daily.map((d) => d.imagesDone) }], { x: 'Day', y: 'Images' }),
      chart('bar', 'New companies per day this month', days, [{ label: 'New companies', data: m.daily.map((d) => d.newCompanies) }], { x: 'Day', y: 'Companies' })),
    h('h2', {}, 'Subscriptions'),
    h('div', { class: 'cards' }, figure('ops-mrr', money(r.mrrCents), 'MRR'), figure('ops-arr', money(r.arrCents), 'ARR'),
      figure('ops-churn', r.churn.logoChurnPercent + ' %', `logo churn ${r.churn.month} (${r.churn.churned} of ${r.churn.subscribersAtStart})`),
      figure('ops-revenue-churn', r.churn.revenueChurnPercent + ' %', 'revenue churn')),
    h('table', { id: 'ops-plans' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Plan'), h('th', { scope: 'col' }, 'Subscribers'), h('th', { scope: 'col' }, 'MRR'))),
      h('tbody', {}, ...Object.keys(r.mrrByPlanCents).map((p) => h('tr', {}, h('td', {}, p), h('td', {}, fmt(r.subscribersByPlan[p])), h('td', {}, money(r.mrrByPlanCents[p])))))),
    chart('bar', 'Pack revenue per month, last 12 months', r.packRevenueByMonth.map((p) => p.month),
      [{ label: 'Packs ($)', data: r.packRevenueByMonth.map((p) => p.packRevenueCents / 100) }], { x: 'Month', y: 'US dollars' }),
    h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'csv-companies', onclick: () => downloadCsv('/admin/export/companies.csv', 'companies.csv').catch(fail) }, 'Companies (CSV)'), ' ',
      h('button', { type: 'button', class: 'secondary', id: 'csv-metrics', onclick: () => downloadCsv('/admin/export/metrics.csv?month=' + month, `metrics-${month}.csv`).catch(fail) }, 'This month (CSV)')));
}

export async function opsCompanies() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const query = params.get('query') || '';
  const page = await api('GET', '/admin/companies?' + new URLSearchParams({ query, ...(params.get('cursor') ? { cursor: params.get('cursor') } : {}) }));
  const search = h('input', { id: 'ops-query', type: 'search', value: query, 'aria-label': 'Name or domain starts with' });
  show('Companies', opsNav(),
    h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); location.hash = '#/ops/companies?query=' + encodeURIComponent(search.value); } },
      search, h('button', { type: 'submit', id: 'ops-search' }, 'Search')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'ops-companies-table' },
      h('thead', {}, h('tr', {}, ...['Company', 'Domain', 'Plan', 'Status', 'Members', 'Balance', 'Held', 'Images this month', 'Revenue to date', 'Created']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...page.companies.map((c) => h('tr', {}, h('td', {}, h('a', { href: '#/ops/company/' + c.companyId }, c.name)), h('td', {}, c.domain || '—'),
        h('td', {}, c.plan || '—'), h('td', {}, c.suspended ? 'Suspended' : (c.status || 'no plan')), h('td', {}, fmt(c.members)), h('td', {}, fmt(c.available)),
        h('td', {}, fmt(c.held)), h('td', {}, fmt(c.imagesThisMonth)), h('td', {}, money(c.revenueToDateCents)), h('td', {}, when(c.createdAt))))))),
    page.nextCursor ? h('p', {}, h('a', { href: '#/ops/companies?' + new URLSearchParams({ query, cursor: page.nextCursor }) }, 'Next page')) : null);
}

export async function opsCompany(id) {
  const c = await api('GET', '/admin/companies/' + encodeURIComponent(id));
  const result = h('p', { role: 'status', 'aria-live': 'polite', id: 'ops-result' });
  const amount = h('input', { id: 'adjust-amount', type: 'number', step: '1', required: true });
  const reason = h('input', { id: 'adjust-reason', type: 'text', minlength: '3', maxlength: '500', required: true });
  const confirmBox = h('p', { id: 'adjust-confirm-box', hidden: true });
  const suspendReason = h('input', { id: 'suspend-reason', type: 'text', minlength: '3', maxlength: '500' });
  const act = (fn) => async () => { try { await fn(); } catch (e) { result.textContent = e.message; } };
  const adjust = h('form', { class: 'inline', id: 'adjust-form', onsubmit: (e) => {
    e.preventDefault();
    const n = Number(amount.value);
    // One key per confirmation: a retried or doubled click adjusts once.
    const idempotencyKey = crypto.randomUUID();
    confirmBox.replaceChildren(`${n > 0 ? 'Grant' : 'Take'} ${fmt(Math.abs(n))} credits ${n > 0 ? 'to' : 'from'} ${c.name}: "${reason.value}"? `,
      h('button', { type: 'button', id: 'adjust-confirm', onclick: act(async () => {
        const answer = await api('POST', `/admin/companies/${encodeURIComponent(id)}/credits`, { amount: n, reason: reason.value },
          { 'Idempotency-Key': idempotencyKey });
        await opsCompany(id);
        document.getElementById('ops-result').textContent = `Done: ${fmt(answer.available)} credits available.`;
      }) }, 'Confirm'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
    confirmBox.hidden = false;
  } }, h('div', {}, h('label', { for: 'adjust-amount' }, 'Credits (+/-)'), amount), h('div', {}, h('label', { for: 'adjust-reason' }, 'Reason'), reason),
    h('button', { type: 'submit', id: 'adjust' }, 'Adjust'));
  // Every one of the last 30 days, used or not.
  const used = new Map(c.usageByDay.map((d) => [d.day, d]));
  const days = [];
  for (let i = 29; i >= 0; i--) {
    const day = new Date(Date.now() - i * 86400000).toISOString().slice(0, 10);
    days.push(used.get(day) || { day, images: 0, credits: 0 });
  }
  show(c.name, opsNav(),
    h('p', { id: 'ops-company-status' }, c.suspended ? `Suspended: ${c.suspended}` : 'Active', ` · ${c.domain || 'personal'} · created ${when(c.createdAt)} · plan ${c.billing.plan || 'none'}`
      + (c.billing.status ? ` (${c.billing.status})` : '')),
    result,
    h('div', { class: 'cards' }, figure('ops-available', fmt(c.balance.available), 'credits available'), figure('ops-held', fmt(c.balance.held), 'held'),
      figure('ops-captured', fmt(c.balance.captured), 'captured')),
    h('h2', {}, 'Adjust credits'), adjust, confirmBox,
    h('h2', {}, c.suspended ? 'Lift the suspension' : 'Suspend'),
    c.suspended
      ? h('p', {}, h('button', { type: 'button', id: 'unsuspend', onclick: act(async () => { await api('POST', `/admin/companies/${encodeURIComponent(id)}/unsuspend`); await opsCompany(id); }) }, 'Unsuspend'))
      : h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); act(async () => {
        if (!confirm(`Suspend ${c.name}? Its members are signed out of the API and cannot sign in.`)) return;
        await api('POST', `/admin/companies/${encodeURIComponent(id)}/suspend`, { reason: suspendReason.value });
        await opsCompany(id);
      })(); } }, h('div', {}, h('label', { for: 'suspend-reason' }, 'Reason'), suspendReason), h('button', { type: 'submit', class: 'danger', id: 'suspend' }, 'Suspend')),
    h('h2', {}, 'Members'),
    h('table', { id: 'ops-members' }, h('thead', {}, h('tr', {}, ...['Email', 'Role', 'Status', 'Last sign-in', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...c.members.map((m) => h('tr', {}, h('td', {}, m.email), h('td', {}, m.role), h('td', {}, m.disabled ? 'Disabled by an operator' : m.active ? 'Active' : 'Deactivated'),
        h('td', {}, when(m.lastSignInAt)),
        h('td', {}, h('button', { type: 'button', class: m.disabled ? 'secondary' : 'danger', onclick: act(async () => {
          const why = m.disabled ? null : prompt('Why is ' + m.email + ' disabled?');
          if (!m.disabled && !why) return;
          await api('POST', `/admin/users/${encodeURIComponent(m.id)}/${m.disabled ? 'enable' : 'disable'}`, m.disabled ? undefined : { reason: why });
          await opsCompany(id);
        }) }, m.disabled ? 'Enable' : 'Disable')))))),
    h('h2', {}, 'Usage (30 days)'),
    chart('bar', 'Images and credits per day, last 30 days', days.map((d) => d.day.slice(5)),
      [{ label: 'Credits', data: days.map((d) => d.credits) }, { label: 'Images', data: days.map((d) => d.images) }], { x: 'Day (UTC)', y: 'Credits / images' }),
    h('h2', {}, 'Ledger (latest)'),
    h('table', { id: 'ops-ledger' }, h('thead', {}, h('tr', {}, ...['#', 'Type', 'Amount', 'Reference', 'By', 'Balance after', 'When'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...c.ledger.map((e) => h('tr', {}, h('td', {}, e.sequence), h('td', {}, e.type), h('td', {}, fmt(e.amount)), h('td', {}, e.reference || ''),
        h('td', {}, e.actor), h('td', {}, fmt(e.balanceAfter)), h('td', {}, when(e.at)))))),
    h('h2', {}, 'Jobs (latest)'),
    h('table', {}, h('thead', {}, h('tr', {}, ...['Job', 'Quality', 'State', 'Files', 'Cost', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...c.jobs.map((j) => h('tr', {}, h('td', {}, j.name || j.jobId), h('td', {}, j.quality), h('td', {}, j.state), h('td', {}, j.files), h('td', {}, fmt(j.cost)), h('td', {}, when(j.createdAt)))))));
}

export async function opsAudit() {
  const cursor = new URLSearchParams(location.hash.split('?')[1] || '').get('cursor');
  const page = await api('GET', '/admin/audit' + (cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
  show('Audit log', opsNav(),
    h('div', { class: 'table-wrap' }, h('table', { id: 'ops-audit' },
      h('thead', {}, h('tr', {}, ...['When', 'Operator', 'Action', 'Company', 'Before', 'After', 'Reason'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...page.entries.map((e) => h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.operatorEmail), h('td', {}, e.action),
        h('td', {}, e.companyId ? h('a', { href: '#/ops/company/' + e.companyId }, e.companyId.slice(0, 8)) : ''), h('td', {}, e.before || ''), h('td', {}, e.after || ''), h('td', {}, e.reason || '')))))),
    page.nextCursor ? h('p', {}, h('a', { href: '#/ops/audit?cursor=' + page.nextCursor }, 'Older')) : null);
}
