// The Integrations page (admins): API keys that let the company's own software make models (shown once when
// made), and webhooks that tell it when something happens.
import { api } from './api.js';
import { isAdmin } from './session.js';
import { fmt, h, message, show, state, table, when } from './ui.js';
import { webhooksSection } from './webhooks.js';

const STATES = {
  active: 'Working',
  expiring: 'Replaced, still working',
  revoked: 'Turned off',
  expired: 'Replaced',
};

export async function integrationsPage(shown) {
  if (!isAdmin()) {
    return show(
      'Integrations',
      message('Only an admin of your company can manage its API keys and webhooks.', 'muted'),
    );
  }
  const { keys } = await api('GET', '/company/api-keys');
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const act = (fn) => async () => {
    try {
      await integrationsPage(await fn());
    } catch (e) {
      result.textContent = e.message;
    }
  };
  const hooks = await webhooksSection(shown, act);
  show(
    'Integrations',
    h(
      'p',
      {},
      'An API key lets your own tools (a DAM, a render script, a plug-in) make models for your company ',
      'without anyone signing in. Each key acts for the admin who made it and can be turned off at any moment.',
    ),
    h(
      'p',
      {},
      'What your tools can ask for, with examples, is in the ',
      h('a', { href: '/docs/', target: '_blank', rel: 'noopener' }, 'API reference'),
      ' (opens in a new tab).',
    ),
    shown?.key ? newKey(shown) : null,
    keyForm(act),
    result,
    h('h2', {}, 'Your keys'),
    keys.length
      ? table(
          'api-keys',
          ['Name', 'Key', 'Can', 'Made by', 'Last used', 'Today', 'Status', 'Actions'],
          keys.map((k) => [
            k.name,
            h('code', {}, k.prefix + '…'),
            k.role === 'admin' ? 'Everything an admin can' : 'Make models, read',
            k.createdBy,
            k.lastUsedAt ? when(k.lastUsedAt) : 'Never',
            fmt(k.requestsToday),
            STATES[k.state] + (k.state === 'expiring' ? ' until ' + when(k.expiresAt) : ''),
            actions(k, act),
          ]),
        )
      : h('p', { class: 'muted', id: 'no-keys' }, 'No keys yet.'),
    usage(),
    hooks,
  );
}

function keyForm(act) {
  const name = h('input', {
    id: 'key-name',
    required: true,
    maxlength: 60,
    autocomplete: 'off',
    placeholder: 'DAM sync',
  });
  const role = h(
    'select',
    { id: 'key-role' },
    h('option', { value: 'member' }, 'Make models and read them'),
    h('option', { value: 'admin' }, 'Everything an admin can (except keys)'),
  );
  return h(
    'form',
    {
      class: 'inline',
      id: 'new-key',
      onsubmit: (e) => {
        e.preventDefault();
        act(() => api('POST', '/company/api-keys', { name: name.value, role: role.value }))();
      },
    },
    h('div', {}, h('label', { for: 'key-name' }, 'What will use it'), name),
    h('div', {}, h('label', { for: 'key-role' }, 'It may'), role),
    h('button', { type: 'submit', id: 'make-key' }, 'Make a key'),
  );
}

/** The key just made: the only time it is shown. */
function newKey(made) {
  const copied = h('span', { role: 'status', 'aria-live': 'polite' });
  return h(
    'section',
    { class: 'card', id: 'shown-key', 'aria-labelledby': 'shown-key-title' },
    h('h2', { id: 'shown-key-title' }, 'Your new key for “' + made.name + '”'),
    h('p', {}, 'Copy it now and keep it in your tool’s secret settings: it will not be shown again.'),
    h('p', {}, h('code', { id: 'key-text', class: 'secret' }, made.key)),
    made.oldKeyWorksUntil
      ? h('p', {}, 'The key it replaces keeps working until ' + when(made.oldKeyWorksUntil) + '.')
      : null,
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          id: 'copy-key',
          onclick: async () => {
            await navigator.clipboard?.writeText(made.key).catch(() => {});
            copied.textContent = ' Copied.';
          },
        },
        'Copy the key',
      ),
      copied,
    ),
  );
}

function actions(k, act) {
  if (k.state !== 'active') return '';
  return [
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        title: 'A new key; this one keeps working for 24 hours',
        onclick: act(() => api('POST', `/company/api-keys/${k.id}/rotate`, { graceHours: 24 })),
      },
      'Replace',
      h('span', { class: 'visually-hidden' }, ' ' + k.name),
    ),
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async (e) => {
          if (!confirm(`Turn off “${k.name}”? Anything using it stops at once.`)) return;
          await act(() => api('DELETE', '/company/api-keys/' + k.id).then(() => null))(e);
        },
      },
      'Turn off',
      h('span', { class: 'visually-hidden' }, ' ' + k.name),
    ),
  ];
}

/** How a tool uses a key, with this deployment's address. */
function usage() {
  return h(
    'section',
    { 'aria-labelledby': 'usage-title' },
    h('h2', { id: 'usage-title' }, 'Using a key'),
    h('p', {}, 'Send it as a bearer token, exactly as the web app sends a signed-in person’s:'),
    h('pre', { tabindex: 0 }, h('code', {}, `curl -H "Authorization: Bearer i2m_…" ${state.config.apiUrl}/credits`)),
    h('p', { class: 'muted' }, 'Keys cannot make, replace or turn off keys: only a signed-in admin can.'),
  );
}
