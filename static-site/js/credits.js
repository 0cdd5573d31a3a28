// The Credits page (balance, use, limits, ledger) and the Billing page (packs, plans, portal).
import { api, balanceLine, csvButton } from './api.js';
import { usageByProject } from './projects.js';
import { isAdmin } from './session.js';
import { chart, everyDay, fmt, h, money, show, when } from './ui.js';
import { confirmBalance } from './checkout.js';
import { invoicesSection } from './invoices.js';
import { ledgerAmount, ledgerWhat } from './words.js';

const windowWords = (seconds) => (seconds === 60 ? 'minute' : seconds === 3600 ? 'hour' : seconds + ' seconds');

export async function creditsPage() {
  const [credits, byDay, byUser, ledger, members, byProject] = await Promise.all([
    balanceLine(),
    api('GET', '/usage?groupBy=day'),
    api('GET', '/usage?groupBy=user'),
    api('GET', '/credits/ledger'),
    api('GET', '/company/members').catch(() => ({ members: [] })),
    usageByProject(),
  ]);
  const names = new Map(members.members.map((m) => [m.id, m.email]));
  const days = everyDay(byDay);
  show(
    'Credits',
    h(
      'div',
      { class: 'stats' },
      h('div', { class: 'stat' }, h('b', { id: 'credits-available' }, fmt(credits?.available)), 'available'),
      h('div', { class: 'stat' }, h('b', {}, fmt(credits?.held)), 'held for work in progress'),
      h('div', { class: 'stat' }, h('b', {}, credits?.plan || 'Pay as you go'), 'plan'),
      h('div', { class: 'stat' }, h('b', {}, fmt(credits?.usedThisMonth)), 'used this month'),
    ),
    h('h2', {}, 'Usage by day (last 30 days)'),
    // Credits and images have their own charts: on one axis the images' bars would be too small to see.
    h(
      'div',
      { class: 'charts' },
      chart(
        'bar',
        `Credits used per day from ${byDay.from} to ${byDay.to}: ${fmt(days.reduce((a, r) => a + r.credits, 0))}`,
        days.map((r) => r.day.slice(5)),
        [{ label: 'Credits', data: days.map((r) => r.credits) }],
        { x: 'Day (UTC)', y: 'Credits' },
      ),
      chart(
        'bar',
        `Images made per day from ${byDay.from} to ${byDay.to}: ${fmt(days.reduce((a, r) => a + r.images, 0))}`,
        days.map((r) => r.day.slice(5)),
        [{ label: 'Images', data: days.map((r) => r.images) }],
        { x: 'Day (UTC)', y: 'Images' },
      ),
    ),
    csvButton('usage-report', '/usage/report.csv', 'usage-report.csv', 'Download usage report (CSV)'),
    h('p', { class: 'muted' }, `${byDay.from} to ${byDay.to}`),
    h('h2', {}, 'Usage by member'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Member'),
          h('th', { scope: 'col' }, 'Images'),
          h('th', { scope: 'col' }, 'Credits'),
        ),
      ),
      h(
        'tbody',
        {},
        ...byUser.rows.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, names.get(r.user) || r.user),
            h('td', {}, fmt(r.images)),
            h('td', {}, fmt(r.credits)),
          ),
        ),
      ),
    ),
    ...byProject,
    h('h2', {}, 'Your limits'),
    h(
      'table',
      { id: 'limits' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Limit'),
          h('th', { scope: 'col' }, 'Used'),
          h('th', { scope: 'col' }, 'Left'),
          h('th', { scope: 'col' }, 'Resets'),
        ),
      ),
      h(
        'tbody',
        {},
        ...(credits?.limits || []).map((l) =>
          h(
            'tr',
            {},
            h('td', {}, `${fmt(l.max)} ${l.unit} per ${windowWords(l.windowSeconds)}`),
            h('td', {}, fmt(l.used)),
            h('td', {}, fmt(l.remaining)),
            h('td', {}, when(l.resetsAt)),
          ),
        ),
      ),
    ),
    h('h2', {}, 'Ledger'),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0 },
      h(
        'table',
        { id: 'ledger' },
        h(
          'thead',
          {},
          h('tr', {}, ...['#', 'When', 'What', 'Credits', 'Available after'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        h(
          'tbody',
          {},
          ...ledger.entries.map((e) =>
            h(
              'tr',
              { 'data-type': e.type },
              h('td', {}, e.sequence),
              h('td', {}, when(e.at)),
              h('td', {}, ...ledgerWhat(e)),
              h('td', {}, ledgerAmount(e)),
              h('td', {}, fmt(e.balanceAfter)),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function billingPage() {
  const [plans, billing, invoices] = await Promise.all([
    api('GET', '/billing/plans'),
    api('GET', '/billing'),
    invoicesSection(),
  ]);
  const note = new URLSearchParams(location.hash.split('?')[1] || '').get('checkout');
  const buy = async (item, seats) => {
    try {
      location.assign((await api('POST', '/billing/checkout', seats ? { item, seats } : { item })).url);
    } catch (e) {
      status.textContent = e.message;
    }
  };
  const status = h(
    'p',
    { role: 'status', 'aria-live': 'polite', id: 'checkout-status' },
    note === 'success'
      ? 'Thank you: the payment went through. Credits appear within seconds.'
      : note === 'cancelled'
        ? 'Checkout cancelled: nothing was charged.'
        : '',
  );
  if (note === 'success') confirmBalance(status);
  const card = (p) =>
    h(
      'div',
      { class: 'card', 'data-item': p.item },
      h('h3', {}, p.name),
      h(
        'div',
        { class: 'price' },
        money(p.priceCents) + (p.kind === 'plan' ? (p.perSeat ? ' / seat / month' : ' / month') : ''),
      ),
      h(
        'div',
        {},
        p.kind === 'pack'
          ? `${fmt(p.credits)} credits`
          : p.perSeat
            ? `${fmt(p.creditsPerSeat)} credits per seat each month`
            : `Unlimited images (fair use ${fmt(p.fairUseImagesPerMonth)} a month)`,
      ),
      isAdmin()
        ? h('button', { type: 'button', onclick: () => buy(p.item) }, p.kind === 'pack' ? 'Buy' : 'Subscribe')
        : null,
    );
  show(
    'Billing',
    status,
    h(
      'p',
      {},
      billing.plan
        ? `Plan: ${billing.plan}, ${billing.seats} seat(s), ${billing.status}` +
            (billing.cancelAtPeriodEnd ? ' (ends at period end)' : '') +
            (billing.pastDue ? '. Payment failed: update your card in the portal.' : '')
        : 'No plan: you pay as you go with credit packs.',
    ),
    isAdmin() && billing.hasBillingAccount
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async () => location.assign((await api('POST', '/billing/portal')).url),
          },
          'Manage billing (invoices, card, seats)',
        )
      : null,
    invoices,
    h('h2', {}, 'Credit packs'),
    h('div', { class: 'cards' }, ...plans.items.filter((p) => p.kind === 'pack').map(card)),
    h('h2', {}, 'Plans'),
    h('div', { class: 'cards' }, ...plans.items.filter((p) => p.kind === 'plan').map(card)),
    isAdmin() ? null : h('p', { class: 'muted' }, 'Only your company admins can buy.'),
  );
}
