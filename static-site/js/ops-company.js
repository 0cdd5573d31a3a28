// The operators' page of one company: its figures, members, jobs, ledger, and what an operator may do to it.
import { api } from './api.js';

import { chart, everyDay, fmt, h, show, when } from './ui.js';
import { jobsTable } from './ops-lists.js';
import { figure, opsNav } from './ops.js';
import { actorWords, ledgerAmount } from './words.js';

export async function opsCompany(id) {
  const c = await api('GET', '/admin/companies/' + encodeURIComponent(id));
  // Ledger entries name people by their user id: the company's members by their email.
  const names = new Map(c.members.map((m) => [m.id, m.email]));
  const result = h('p', { role: 'status', 'aria-live': 'polite', id: 'ops-result' });
  const amount = h('input', { id: 'adjust-amount', type: 'number', step: '1', required: true });
  const reason = h('input', { id: 'adjust-reason', type: 'text', minlength: '3', maxlength: '500', required: true });
  const confirmBox = h('p', { id: 'adjust-confirm-box', hidden: true });
  const suspendReason = h('input', { id: 'suspend-reason', type: 'text', minlength: '3', maxlength: '500' });
  const act = (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      result.textContent = e.message;
    }
  };
  const adjust = h(
    'form',
    {
      class: 'inline',
      id: 'adjust-form',
      onsubmit: (e) => {
        e.preventDefault();
        const n = Number(amount.value);
        // One key per confirmation: a retried or doubled click adjusts once.
        const idempotencyKey = crypto.randomUUID();
        confirmBox.replaceChildren(
          `${n > 0 ? 'Grant' : 'Take'} ${fmt(Math.abs(n))} credits ${n > 0 ? 'to' : 'from'} ` +
            `${c.name}: "${reason.value}"? `,
          h(
            'button',
            {
              type: 'button',
              id: 'adjust-confirm',
              onclick: act(async () => {
                const answer = await api(
                  'POST',
                  `/admin/companies/${encodeURIComponent(id)}/credits`,
                  { amount: n, reason: reason.value },
                  { 'Idempotency-Key': idempotencyKey },
                );
                await opsCompany(id);
                document.getElementById('ops-result').textContent = `Done: ${fmt(answer.available)} credits available.`;
              }),
            },
            'Confirm',
          ),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () => {
                confirmBox.hidden = true;
              },
            },
            'Cancel',
          ),
        );
        confirmBox.hidden = false;
      },
    },
    h('div', {}, h('label', { for: 'adjust-amount' }, 'Credits (+/-)'), amount),
    h('div', {}, h('label', { for: 'adjust-reason' }, 'Reason'), reason),
    h('button', { type: 'submit', id: 'adjust' }, 'Adjust'),
  );
  // Every one of the last 30 days, used or not.
  const dayOf = (daysAgo) => new Date(Date.now() - daysAgo * 86400000).toISOString().slice(0, 10);
  const days = everyDay({ rows: c.usageByDay, from: dayOf(29), to: dayOf(0) });
  show(
    c.name,
    opsNav(),
    h(
      'p',
      { id: 'ops-company-status' },
      c.suspended ? `Suspended: ${c.suspended}` : 'Active',
      ` · ${c.domain || 'personal'} · created ${when(c.createdAt)} · plan ${c.billing.plan || 'none'}` +
        (c.billing.status ? ` (${c.billing.status})` : ''),
    ),
    result,
    h(
      'div',
      { class: 'cards' },
      figure('ops-available', fmt(c.balance.available), 'credits available'),
      figure('ops-held', fmt(c.balance.held), 'held'),
      figure('ops-captured', fmt(c.balance.captured), 'captured'),
    ),
    h('h2', {}, 'Adjust credits'),
    adjust,
    confirmBox,
    h('h2', {}, c.suspended ? 'Lift the suspension' : 'Suspend'),
    c.suspended
      ? h(
          'p',
          {},
          h(
            'button',
            {
              type: 'button',
              id: 'unsuspend',
              onclick: act(async () => {
                await api('POST', `/admin/companies/${encodeURIComponent(id)}/unsuspend`);
                await opsCompany(id);
              }),
            },
            'Unsuspend',
          ),
        )
      : h(
          'form',
          {
            class: 'inline',
            onsubmit: (e) => {
              e.preventDefault();
              act(async () => {
                if (!confirm(`Suspend ${c.name}? Its members are signed out of the API and cannot sign in.`)) return;
                await api('POST', `/admin/companies/${encodeURIComponent(id)}/suspend`, {
                  reason: suspendReason.value,
                });
                await opsCompany(id);
              })();
            },
          },
          h('div', {}, h('label', { for: 'suspend-reason' }, 'Reason'), suspendReason),
          h('button', { type: 'submit', class: 'danger', id: 'suspend' }, 'Suspend'),
        ),
    h('h2', {}, 'Members'),
    h(
      'table',
      { id: 'ops-members' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Email', 'Role', 'Status', 'Last sign-in', 'Actions'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      h(
        'tbody',
        {},
        ...c.members.map((m) =>
          h(
            'tr',
            {},
            h('td', {}, m.email),
            h('td', {}, m.role),
            h('td', {}, m.disabled ? 'Disabled by an operator' : m.active ? 'Active' : 'Deactivated'),
            h('td', {}, when(m.lastSignInAt)),
            h(
              'td',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: m.disabled ? 'secondary' : 'danger',
                  onclick: act(async () => {
                    const why = m.disabled ? null : prompt('Why is ' + m.email + ' disabled?');
                    if (!m.disabled && !why) return;
                    await api(
                      'POST',
                      `/admin/users/${encodeURIComponent(m.id)}/${m.disabled ? 'enable' : 'disable'}`,
                      m.disabled ? undefined : { reason: why },
                    );
                    await opsCompany(id);
                  }),
                },
                m.disabled ? 'Enable' : 'Disable',
              ),
            ),
          ),
        ),
      ),
    ),
    h('h2', {}, 'Usage (30 days)'),
    h(
      'div',
      { class: 'charts' },
      chart(
        'bar',
        'Credits per day, last 30 days',
        days.map((d) => d.day.slice(5)),
        [{ label: 'Credits', data: days.map((d) => d.credits) }],
        { x: 'Day (UTC)', y: 'Credits' },
      ),
      chart(
        'bar',
        'Images per day, last 30 days',
        days.map((d) => d.day.slice(5)),
        [{ label: 'Images', data: days.map((d) => d.images) }],
        { x: 'Day (UTC)', y: 'Images' },
      ),
    ),
    h('h2', {}, 'Ledger (latest)'),
    h(
      'table',
      { id: 'ops-ledger' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['#', 'Type', 'Amount', 'Reference', 'By', 'Balance after', 'When'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...c.ledger.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, e.sequence),
            h('td', {}, e.type),
            h('td', {}, ledgerAmount(e)),
            h('td', {}, e.reference || ''),
            h('td', {}, names.get(e.actor) || actorWords(e.actor, e.type)),
            h('td', {}, fmt(e.balanceAfter)),
            h('td', {}, when(e.at)),
          ),
        ),
      ),
    ),
    h('h2', {}, 'Jobs (latest)'),
    jobsTable(c.jobs),
  );
}
