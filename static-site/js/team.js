// The Team page: members, invitations (invite, send again, withdraw), and the join and data sections of other modules.
import { yourData } from './account.js';
import { api } from './api.js';
import { domainSection, joinRequestsSection } from './joining.js';
import { isAdmin } from './session.js';
import { h, show, state, view, when } from './ui.js';

export async function teamPage() {
  const company = await api('GET', '/company');
  const admin = isAdmin();
  const [members, invitations, requests, domain] = await Promise.all([
    api('GET', '/company/members'),
    admin ? api('GET', '/company/invitations') : null,
    admin ? api('GET', '/company/join-requests') : null,
    admin && !company.personal ? api('GET', '/company/domain') : null,
  ]);
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const act = (fn, done) => async () => {
    try {
      await fn();
      await teamPage();
      if (done) view.querySelector('[role=status]').textContent = done;
    } catch (e) {
      result.textContent = e.message;
    }
  };
  show(
    'Team: ' + company.name,
    admin ? inviteForm(act) : null,
    result,
    requests ? joinRequestsSection(requests.requests, act) : null,
    h('h2', {}, 'Members'),
    h(
      'div',
      { class: 'table-wrap', tabindex: 0 },
      h(
        'table',
        { id: 'members' },
        h('thead', {}, h('tr', {}, ...['Email', 'Role', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...members.members.map((m) => memberRow(m, act)),
          ...(invitations ? invitations.invitations.map((i) => invitedRow(i, act)) : []),
        ),
      ),
    ),
    domain ? domainSection(company, domain, act) : null,
    ...yourData(company, result),
  );
}

function inviteForm(act) {
  const email = h('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' });
  const role = h(
    'select',
    { id: 'invite-role' },
    h('option', { value: 'member' }, 'Member'),
    h('option', { value: 'admin' }, 'Admin'),
  );
  return h(
    'form',
    {
      class: 'inline',
      onsubmit: (e) => {
        e.preventDefault();
        const address = email.value;
        act(
          () => api('POST', '/company/invitations', { email: address, role: role.value }),
          `Invitation sent to ${address}. They join once they accept it from the email.`,
        )();
      },
    },
    h('div', {}, h('label', { for: 'invite-email' }, 'Email'), email),
    h('div', {}, h('label', { for: 'invite-role' }, 'Role'), role),
    h('button', { type: 'submit', id: 'invite' }, 'Invite'),
  );
}

function memberRow(m, act) {
  const mine = m.id === state.claims.sub;
  return h(
    'tr',
    {},
    h('td', {}, m.email),
    h('td', {}, m.role === 'admin' ? 'Admin' : 'Member'),
    h('td', {}, m.active ? 'Active' : 'Deactivated'),
    h(
      'td',
      {},
      isAdmin() && !mine
        ? [
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: act(() =>
                  api('PATCH', '/company/members/' + m.id, { role: m.role === 'admin' ? 'member' : 'admin' }),
                ),
              },
              m.role === 'admin' ? 'Make member' : 'Make admin',
            ),
            ' ',
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: act(() => api('PATCH', '/company/members/' + m.id, { active: !m.active })),
              },
              m.active ? 'Deactivate' : 'Reactivate',
            ),
          ]
        : '—',
    ),
  );
}

/** An invitation not yet accepted: the person is not a member until they accept it. */
function invitedRow(i, act) {
  const expired = i.status === 'expired';
  return h(
    'tr',
    { class: 'invitation' },
    h('td', {}, i.email),
    h('td', {}, i.role === 'admin' ? 'Admin' : 'Member'),
    h(
      'td',
      {},
      h('span', { class: 'invited' }, expired ? 'Invitation expired' : 'Invited'),
      h('br'),
      h('span', { class: 'muted' }, (expired ? 'Expired ' : 'Until ') + when(i.expiresAt)),
    ),
    h(
      'td',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': 'Send again to ' + i.email,
          onclick: act(
            () => api('POST', '/company/invitations/' + i.id + '/resend'),
            'A new invitation went to ' + i.email + '.',
          ),
        },
        'Send again',
      ),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          'aria-label': 'Withdraw the invitation to ' + i.email,
          onclick: act(
            () => api('DELETE', '/company/invitations/' + i.id),
            'The invitation to ' + i.email + ' was withdrawn.',
          ),
        },
        'Withdraw',
      ),
    ),
  );
}
