// Pages for anyone: the terms, the privacy notice and the system status.
import { keep } from './session.js';
import { h, money, showPublic as show, state, when } from './ui.js';

export function legal(kind) {
  if (kind === 'terms') {
    show(
      'Terms of service',
      h(
        'p',
        {},
        'Image2Model turns the images your company uploads into 3D models. You keep all rights to your images and ' +
          'to the models made from them; we use them only to make and deliver your models.',
      ),
      h(
        'p',
        {},
        'Credits are bought in packs or come with a plan. A model that fails costs nothing: its credits are ' +
          'released. Refunded payments take back the credits they bought.',
      ),
      h(
        'p',
        {},
        'Uploaded images and generated models are kept for 30 days, then deleted. Download what you want to keep.',
      ),
    );
  } else {
    show(
      'Privacy',
      h(
        'p',
        {},
        'We keep your work email, your company and your role to sign you in and to show your team. Payments are ' +
          'handled by Stripe; we never see card numbers.',
      ),
      h(
        'p',
        {},
        'Images you upload are sent to our generation provider (FAL) only to make your models. Inputs and results ' +
          'are deleted after 30 days.',
      ),
      h('h2', {}, 'Your data'),
      h(
        'p',
        {},
        'Download everything we store about you at any time (Team page, "Download my data"): your profile and ' +
          'membership, the jobs you created with links to their images and models (valid for one hour), your usage ' +
          'and the credit movements you caused. Company admins can download the same for the whole company.',
      ),
      h(
        'p',
        {},
        'Delete your account yourself (Team page, "Delete my account", confirmed by typing your email): your sign-in ' +
          'and your membership are deleted at once, and wherever our records named you they now hold an anonymous id ' +
          "that leads back to no one. The models you made stay with your company. The company's credit ledger keeps " +
          'its entries, with you anonymised, because accounting law requires money records to be kept. The ' +
          "company's last admin hands over the admin role first; its last member deletes the company instead.",
      ),
      h(
        'p',
        {},
        'An admin can delete the whole company (confirmed by typing its name; not while a plan is active or credits ' +
          "are held by work in progress): every member's account, the Stripe customer, every image and model, and " +
          'every record except the anonymised ledger are deleted, and the admins get a last email when it is done.',
      ),
      h(
        'p',
        {},
        'Trial credits come once per mailbox. For that one purpose we keep a salted hash of your normalised address ' +
          '(lower case, without a "+tag", and for Gmail without dots), even after your account or company is gone: ' +
          'it cannot be turned back into your address, and it only tells us that a mailbox already had its trial.',
      ),
    );
  }
}

export async function statusPage() {
  const response = await fetch(state.config.apiUrl + '/health');
  const health = await response.json();
  const degraded = Object.entries(health.components || {})
    .filter(([, status]) => status !== 'ok')
    .map(([name]) => name);
  show(
    'System status',
    h(
      'p',
      { role: 'status' },
      health.status === 'ok' ? 'All systems working.' : 'Some components are degraded: ' + degraded.join(', '),
    ),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Component'), h('th', { scope: 'col' }, 'Status'))),
      h(
        'tbody',
        {},
        ...Object.entries(health.components || {}).map(([name, c]) =>
          h('tr', {}, h('td', {}, name), h('td', { class: c === 'ok' ? 'ok' : 'down' }, c)),
        ),
      ),
    ),
  );
}
