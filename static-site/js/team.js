// The Team page (members, join requests, the domain), the wait of a join request, and one's own data.
import { api } from './api.js';
import { render } from './router.js';
import { isAdmin, refresh, signOut } from './session.js';
import { h, show, state, view, when } from './ui.js';

export async function teamPage() {
  const company = await api('GET', '/company');
  const admin = isAdmin();
  const [members, invitations, requests, domain] = await Promise.all([api('GET', '/company/members'),
    admin ? api('GET', '/company/invitations') : null, admin ? api('GET', '/company/join-requests') : null,
    admin && !company.personal ? api('GET', '/company/domain') : null]);
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const act = (fn, done) => async () => {
    try {
      await fn();
      await teamPage();
      if (done) view.querySelector('[role=status]').textContent = done;
    } catch (e) { result.textContent = e.message; }
  };
  show('Team: ' + company.name,
    admin ? inviteForm(act) : null,
    result,
    requests ? joinRequestsSection(requests.requests, act) : null,
    h('h2', {}, 'Members'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'members' },
      h('thead', {}, h('tr', {}, ...['Email', 'Role', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...members.members.map((m) => memberRow(m, act)),
        ...(invitations ? invitations.invitations.map((i) => invitedRow(i, act)) : [])))),
    domain ? domainSection(company, domain, act) : null,
    ...yourData(company, result));
}

function inviteForm(act) {
  const email = h('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' });
  const role = h('select', { id: 'invite-role' }, h('option', { value: 'member' }, 'Member'),
    h('option', { value: 'admin' }, 'Admin'));
  return h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const address = email.value;
    act(() => api('POST', '/company/invitations', { email: address, role: role.value }),
      `Invitation sent to ${address}. They join once they accept it from the email.`)();
  } },
  h('div', {}, h('label', { for: 'invite-email' }, 'Email'), email),
  h('div', {}, h('label', { for: 'invite-role' }, 'Role'), role),
  h('button', { type: 'submit', id: 'invite' }, 'Invite'));
}

function memberRow(m, act) {
  const mine = m.id === state.claims.sub;
  return h('tr', {}, h('td', {}, m.email), h('td', {}, m.role === 'admin' ? 'Admin' : 'Member'),
    h('td', {}, m.active ? 'Active' : 'Deactivated'),
    h('td', {}, isAdmin() && !mine ? [
      h('button', { type: 'button', class: 'secondary',
        onclick: act(() => api('PATCH', '/company/members/' + m.id, { role: m.role === 'admin' ? 'member' : 'admin' })) },
      m.role === 'admin' ? 'Make member' : 'Make admin'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: act(() => api('PATCH', '/company/members/' + m.id, { active: !m.active })) },
        m.active ? 'Deactivate' : 'Reactivate')] : '—'));
}

/** An invitation not yet accepted: the person is not a member until they accept it. */
function invitedRow(i, act) {
  const expired = i.status === 'expired';
  return h('tr', { class: 'invitation' }, h('td', {}, i.email), h('td', {}, i.role === 'admin' ? 'Admin' : 'Member'),
    h('td', {}, h('span', { class: 'invited' }, expired ? 'Invitation expired' : 'Invited'),
      h('br'), h('span', { class: 'muted' }, (expired ? 'Expired ' : 'Until ') + when(i.expiresAt))),
    h('td', {},
      h('button', { type: 'button', class: 'secondary', 'aria-label': 'Send the invitation to ' + i.email + ' again',
        onclick: act(() => api('POST', '/company/invitations/' + i.id + '/resend'), 'A new invitation went to ' + i.email + '.') },
      'Send again'), ' ',
      h('button', { type: 'button', class: 'danger', 'aria-label': 'Withdraw the invitation to ' + i.email,
        onclick: act(() => api('DELETE', '/company/invitations/' + i.id), 'The invitation to ' + i.email + ' was withdrawn.') },
      'Withdraw')));
}

/** People who signed up at the company's domain and wait for an admin's answer. */
export function joinRequestsSection(requests, act) {
  if (!requests.length) return [h('h2', {}, 'Asking to join'), h('p', { class: 'muted', id: 'join-requests-empty' }, 'No one is waiting to join.')];
  return [h('h2', {}, 'Asking to join'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'join-requests' },
      h('thead', {}, h('tr', {}, ...['Email', 'Asked', 'Answer'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...requests.map((r) => h('tr', {}, h('td', {}, r.email), h('td', {}, when(r.requestedAt)),
        h('td', {}, h('button', { type: 'button', class: 'approve', 'aria-label': 'Let ' + r.email + ' join',
          onclick: act(() => api('POST', '/company/join-requests/' + r.id + '/approve', { role: 'member' }), r.email + ' joined the team.') }, 'Let them join'), ' ',
        h('button', { type: 'button', class: 'secondary', 'aria-label': 'Decline ' + r.email,
          onclick: act(() => api('POST', '/company/join-requests/' + r.id + '/decline'), r.email + ' was told no.') }, 'Decline'))))))) ];
}

/** The company's domain: proving it with a DNS record, then letting its people join without asking. */
export function domainSection(company, domain, act) {
  const record = h('dl', { class: 'record' }, h('dt', {}, 'Type'), h('dd', {}, 'TXT'), h('dt', {}, 'Name'), h('dd', {}, h('code', {}, domain.record.name)),
    h('dt', {}, 'Value'), h('dd', {}, h('code', { id: 'domain-record' }, domain.record.value)));
  return [h('h2', {}, 'Your domain: ' + domain.domain),
    domain.verified
      ? h('p', { id: 'domain-status' }, 'Verified: ' + company.name + ' owns ' + domain.domain + '. We check the record every few hours.')
      : [h('p', { id: 'domain-status' }, 'Not verified yet. To prove that ' + domain.domain + ' is yours, add this record at your DNS provider, then check it here.'),
        record, h('p', {}, h('button', { type: 'button', id: 'verify-domain', onclick: act(() => api('POST', '/company/domain/verify'), 'Your domain is verified.') }, 'Check the record now'))],
    h('p', {}, domain.verified
      ? h('button', { type: 'button', class: 'secondary', id: 'auto-join', onclick: act(() => api('PATCH', '/company', { autoJoin: !company.autoJoin })) },
        company.autoJoin ? 'Ask me before anyone at @' + domain.domain + ' joins' : 'Let anyone at @' + domain.domain + ' join without asking')
      : h('span', { class: 'muted' }, 'Once the domain is verified you can let anyone at @' + domain.domain + ' join without asking.'))];
}

/** A person whose request to join waits for an admin, or was declined: what they can do now. */
export async function joinWaitPage() {
  const request = await api('GET', '/account/join-request');
  if (request.status === 'approved') { await refresh(); return render(); }
  const own = h('button', { type: 'button', id: 'own-workspace', class: request.status === 'pending' ? 'secondary' : null, onclick: async () => {
    try { await api('POST', '/account/workspace'); await refresh(); location.hash = '#/create'; render(); } catch (e) { result.textContent = e.message; }
  } }, 'Start my own workspace');
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  if (request.status === 'pending') {
    return show('Waiting for an admin of ' + request.companyName,
      h('p', {}, 'You asked to join ' + request.companyName + '. One of its admins has been emailed; you will get an email as soon as they answer.'),
      h('p', {}, h('button', { type: 'button', id: 'check-again', onclick: async () => { await refresh(); render(); } }, 'Check again'), ' ', own),
      h('p', { class: 'muted' }, 'Working alone? Start your own workspace instead: it comes with trial credits, and your request is withdrawn.'), result);
  }
  return show('Your request was declined', h('p', {}, request.companyName + ' declined your request to join.'),
    h('p', {}, own), h('p', { class: 'muted' }, 'Your own workspace comes with trial credits.'), result);
}

/** Saves a JSON answer as a file the person downloads. */
export function saveJson(name, data) {
  const link = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

export function yourData(company, result) {
  const run = (fn) => async () => { try { await fn(); } catch (e) { result.textContent = e.message; } };
  return [h('h2', {}, 'Your data'),
    h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'export-account', onclick: run(async () => saveJson('image2model-my-data.json', await api('GET', '/account/export'))) }, 'Download my data'), ' ',
      isAdmin() ? h('button', { type: 'button', class: 'secondary', id: 'export-company', onclick: run(async () => saveJson('image2model-company-data.json', await api('GET', '/company/export'))) }, 'Download company data') : '', ' ',
      h('button', { type: 'button', class: 'danger', id: 'delete-account', onclick: run(async () => {
        const typed = prompt('This deletes your account and your personal data for good. Type your email address to confirm.');
        if (typed === null) return;
        await api('DELETE', '/account', { confirm: typed });
        signOut();
      }) }, 'Delete my account'), ' ',
      isAdmin() ? h('button', { type: 'button', class: 'danger', id: 'delete-company', onclick: run(async () => {
        const typed = prompt(`This deletes ${company.name}, every member's account, every image and model, for good. Type the company's name to confirm.`);
        if (typed === null) return;
        result.textContent = (await api('DELETE', '/company', { confirm: typed })).message;
      }) }, 'Delete the company') : '')];
}
