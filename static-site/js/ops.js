// The operator console (operators only; the API refuses everyone else).
import { api, downloadCsv } from './api.js';
import { fail } from './router.js';
import { chart, fmt, h, money, show } from './ui.js';

export function opsNav() {
  return h(
    'p',
    { class: 'ops-nav' },
    h('a', { href: '#/ops' }, 'Dashboard'),
    ' · ',
    h('a', { href: '#/ops/companies' }, 'Companies'),
    ' · ',
    h('a', { href: '#/ops/audit' }, 'Audit log'),
  );
}
export const figure = (id, value, label) => h('div', { class: 'card-figure' }, h('b', { id }, value), label);

export async function opsDashboard() {
  const month = new Date().toISOString().slice(0, 7);
  const [m, r] = await Promise.all([
    api('GET', '/admin/metrics?month=' + month),
    api('GET', '/admin/revenue?churnMonth=' + month),
  ]);
  const days = m.daily.map((d) => d.day.slice(8));
  const done = m.imagesByState.DONE || 0;
  show(
    'Operator dashboard: ' + month,
    opsNav(),
    h(
      'div',
      { class: 'cards' },
      figure(
        'ops-companies',
        fmt(m.companies.total),
        `companies (${fmt(m.companies.new)} new, ${fmt(m.companies.active)} active)`,
      ),
      figure('ops-users', fmt(m.users), 'users'),
      figure('ops-images', fmt(done), `images done (${fmt(m.imagesByState.FAILED || 0)} failed)`),
      figure('ops-revenue', money(m.revenueCents.total), 'revenue this month'),
      figure('ops-fal', money(m.falCostCents), 'FAL cost'),
      figure('ops-profit', money(m.grossProfitCents), 'gross profit'),
      figure('ops-margin', m.marginPercent + ' %', 'margin'),
      figure('ops-free', money(m.freeCreditsAtListCents), 'free credits at list price'),
    ),
    h(
      'div',
      { class: 'charts' },
      chart(
        'line',
        'Revenue per day this month',
        days,
        [{ label: 'Revenue ($)', data: m.daily.map((d) => d.revenueCents / 100) }],
        { x: 'Day', y: 'US dollars' },
      ),
      chart(
        'bar',
        'Images done per day this month',
        days,
        [{ label: 'Images done', data: m.daily.map((d) => d.imagesDone) }],
        { x: 'Day', y: 'Images' },
      ),
      chart(
        'bar',
        'New companies per day this month',
        days,
        [{ label: 'New companies', data: m.daily.map((d) => d.newCompanies) }],
        { x: 'Day', y: 'Companies' },
      ),
    ),
    h('h2', {}, 'Subscriptions'),
    h(
      'div',
      { class: 'cards' },
      figure('ops-mrr', money(r.mrrCents), 'MRR'),
      figure('ops-arr', money(r.arrCents), 'ARR'),
      figure(
        'ops-churn',
        r.churn.logoChurnPercent + ' %',
        `logo churn ${r.churn.month} (${r.churn.churned} of ${r.churn.subscribersAtStart})`,
      ),
      figure('ops-revenue-churn', r.churn.revenueChurnPercent + ' %', 'revenue churn'),
    ),
    Object.keys(r.mrrByPlanCents).length
      ? h(
          'table',
          { id: 'ops-plans' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Plan'),
              h('th', { scope: 'col' }, 'Subscribers'),
              h('th', { scope: 'col' }, 'MRR'),
            ),
          ),
          h(
            'tbody',
            {},
            ...Object.keys(r.mrrByPlanCents).map((p) =>
              h(
                'tr',
                {},
                h('td', {}, p),
                h('td', {}, fmt(r.subscribersByPlan[p])),
                h('td', {}, money(r.mrrByPlanCents[p])),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted', id: 'ops-plans-empty' }, 'No subscriptions yet.'),
    chart(
      'bar',
      'Pack revenue per month, last 12 months',
      r.packRevenueByMonth.map((p) => p.month),
      [{ label: 'Packs ($)', data: r.packRevenueByMonth.map((p) => p.packRevenueCents / 100) }],
      { x: 'Month', y: 'US dollars' },
    ),
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'csv-companies',
          onclick: () => downloadCsv('/admin/export/companies.csv', 'companies.csv').catch(fail),
        },
        'Companies (CSV)',
      ),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'csv-metrics',
          onclick: () => downloadCsv('/admin/export/metrics.csv?month=' + month, `metrics-${month}.csv`).catch(fail),
        },
        'This month (CSV)',
      ),
    ),
  );
}
