// The webhooks part of the Integrations page (admins): where the company's events go, the signing
// secret shown once, and each endpoint's recent deliveries in plain words.
import { api } from './api.js';
import { h, table, when } from './ui.js';

const EVENTS = {
  'job.completed': 'A job finished',
  'file.completed': 'A model is ready',
  'file.failed': 'An image could not be made',
  'credits.low': 'Credits are running low',
  'credits.purchased': 'Credits were bought',
  ping: 'A test',
};

const RESULTS = {
  delivered: 'Delivered',
  pending: 'On its way',
  sending: 'On its way',
  retrying: 'Will try again',
  failed: 'Not delivered',
  skipped: 'Not sent',
};

/** The section; {@code act} re-renders the page with what a call answered (a new secret is shown once). */
export async function webhooksSection(shown, act) {
  const { events, endpoints, httpAllowed } = await api('GET', '/company/webhooks');
  const logs = await Promise.all(
    endpoints.map((e) => api('GET', `/company/webhooks/${e.id}/deliveries`).then((d) => d.deliveries)),
  );
  return h(
    'section',
    { 'aria-labelledby': 'webhooks-title' },
    h('h2', { id: 'webhooks-title' }, 'Webhooks'),
    h(
      'p',
      {},
      'A webhook tells your own system the moment something happens: we send a signed message to the address ',
      'you give, with links to the finished models. If your system is down we try again for a day.',
    ),
    shown?.secret ? newSecret(shown) : null,
    endpointForm(events, httpAllowed, act),
    endpoints.length
      ? endpoints.map((e, i) => endpointCard(e, logs[i], act))
      : h('p', { class: 'muted', id: 'no-webhooks' }, 'No webhooks yet.'),
  );
}

function endpointForm(events, httpAllowed, act) {
  const url = h('input', {
    id: 'hook-url',
    type: 'url',
    required: true,
    maxlength: 2000,
    autocomplete: 'off',
    placeholder: httpAllowed ? 'http://localhost:4000/image2model' : 'https://dam.example.com/image2model',
  });
  const about = h('input', { id: 'hook-about', maxlength: 120, autocomplete: 'off', placeholder: 'Our DAM' });
  const boxes = events.map((type) =>
    h('input', {
      type: 'checkbox',
      id: 'hook-' + type.replace('.', '-'),
      value: type,
      checked: type === 'job.completed',
    }),
  );
  return h(
    'form',
    {
      id: 'new-webhook',
      onsubmit: (e) => {
        e.preventDefault();
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        act(() => api('POST', '/company/webhooks', { url: url.value, description: about.value, events: chosen }))();
      },
    },
    h(
      'div',
      { class: 'inline' },
      h('div', {}, h('label', { for: 'hook-url' }, 'Send to this address'), url),
      h('div', {}, h('label', { for: 'hook-about' }, 'What it is (optional)'), about),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Tell it when'),
      boxes.map((b) => h('label', { class: 'check' }, b, ' ' + EVENTS[b.value])),
    ),
    h('button', { type: 'submit', id: 'add-webhook' }, 'Add the webhook'),
  );
}

/** The signing secret just made: the only time it is shown. */
function newSecret(made) {
  return h(
    'section',
    { class: 'card', id: 'shown-secret', 'aria-labelledby': 'shown-secret-title' },
    h('h3', { id: 'shown-secret-title' }, 'The signing secret for ' + made.url),
    h(
      'p',
      {},
      'Your system uses it to check that a message really comes from us. Copy it now: it will not be shown again.',
    ),
    h('p', {}, h('code', { id: 'secret-text', class: 'secret' }, made.secret)),
    made.previousSecretWorksUntil
      ? h('p', {}, 'Messages are signed with the old secret too until ' + when(made.previousSecretWorksUntil) + '.')
      : null,
  );
}

function status(e) {
  if (!e.enabled) return 'Off' + (e.disabledReason ? ': ' + e.disabledReason : '');
  return e.failingSince ? 'On, but failing since ' + when(e.failingSince) : 'On';
}

function endpointCard(e, deliveries, act) {
  const base = '/company/webhooks/' + e.id;
  const named = (label) => [label, h('span', { class: 'visually-hidden' }, ' ' + e.url)];
  const button = (label, cls, fn) => h('button', { type: 'button', class: cls, onclick: act(fn) }, named(label));
  return h(
    'section',
    { class: 'card webhook', 'aria-label': 'Webhook ' + e.url },
    h('h3', {}, h('code', {}, e.url)),
    e.description ? h('p', {}, e.description) : null,
    h('p', {}, 'Tells it when: ' + e.events.map((t) => EVENTS[t].toLowerCase()).join(', ') + '.'),
    h('p', { class: e.enabled && !e.failingSince ? 'ok' : 'bad' }, status(e)),
    h(
      'p',
      {},
      button('Send a test', 'secondary', () => api('POST', base + '/test').then(() => null)),
      ' ',
      button(e.enabled ? 'Turn off' : 'Turn on', 'secondary', () =>
        api('PATCH', base, { enabled: !e.enabled }).then(() => null),
      ),
      ' ',
      button('New signing secret', 'secondary', () => api('POST', base + '/rotate-secret', { graceHours: 24 })),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async (ev) => {
            if (!confirm(`Delete the webhook to ${e.url}? Nothing more is sent there.`)) return;
            await act(() => api('DELETE', base).then(() => null))(ev);
          },
        },
        named('Delete'),
      ),
    ),
    deliveries.length ? deliveryLog(e, deliveries.slice(0, 10), act) : h('p', { class: 'muted' }, 'Nothing sent yet.'),
  );
}

function deliveryLog(e, deliveries, act) {
  return table(
    'deliveries-' + e.id,
    ['What happened', 'When', 'Result', 'Tries', 'Their last answer', 'Actions'],
    deliveries.map((d) => {
      const last = d.log[d.log.length - 1];
      return [
        EVENTS[d.type] ?? d.type,
        when(d.created),
        RESULTS[d.state] + (d.state === 'retrying' && d.nextAttemptAt ? ' at ' + when(d.nextAttemptAt) : ''),
        String(d.attempts),
        last ? (last.status ? 'HTTP ' + last.status + ' ' : '') + (last.response || '').slice(0, 80) : '—',
        ['delivered', 'failed', 'skipped'].includes(d.state) && e.enabled
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: act(() =>
                  api('POST', `/company/webhooks/${e.id}/deliveries/${d.id}/redeliver`).then(() => null),
                ),
              },
              'Send again',
              h('span', { class: 'visually-hidden' }, ' ' + (EVENTS[d.type] ?? d.type) + ' ' + when(d.created)),
            )
          : '',
      ];
    }),
  );
}
