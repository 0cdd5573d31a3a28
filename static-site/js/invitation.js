// The page an invitation's emailed link opens: who invited the person to what, and accepting it
// (choosing a password for a new account, or with the account they have), then signing in.
import { ApiError, publicApi } from './api.js';
import { signIn } from './session.js';
import { h, message, showPublic as show, state, when } from './ui.js';

const roleWord = (role) => (role === 'admin' ? 'an admin' : 'a member');

export async function invitationPage(token) {
  let offer;
  try {
    offer = await publicApi('/invitations/view', { token });
  } catch (e) {
    return notUsable(e);
  }
  const intro = h(
    'p',
    {},
    `You are invited to join ${offer.companyName} on Image2Model as ${roleWord(offer.role)}, ` +
      'to turn images into 3D models with your team.',
  );
  const until = h('p', { class: 'muted' }, `For ${offer.email}. The invitation works until ${when(offer.expiresAt)}.`);
  const title = 'Join ' + offer.companyName;
  if (offer.account === 'member_here') {
    return show(title, h('p', {}, `You are a member of ${offer.companyName} already.`), signInButton(offer.email));
  }
  if (offer.account === 'member_elsewhere') {
    return show(
      title,
      intro,
      message(
        `${offer.email} belongs to another company on Image2Model. One address can be in ` +
          'one company: delete that account first (Team page, "Delete my account"), ' +
          `or ask ${offer.companyName} to invite ` +
          'another address of yours.',
      ),
    );
  }
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const accept = async (body) => {
    try {
      const done = await publicApi('/invitations/accept', { token, ...body });
      // The used link leaves the address bar (and the history); signing in comes back to the start page.
      history.replaceState(null, '', '/#/create');
      state.expectedHash = location.hash;
      show(
        'Welcome to ' + done.companyName,
        h('p', {}, `You joined ${done.companyName}. Sign in to start.`),
        signInButton(done.email),
      );
    } catch (e) {
      result.textContent = e.message;
    }
  };
  if (offer.account === 'existing') {
    return show(
      title,
      intro,
      until,
      h('p', {}, 'You have an account already: accept with it, then sign in as usual.'),
      h(
        'p',
        {},
        h('button', { type: 'button', id: 'accept-invitation', onclick: () => accept({}) }, 'Accept and join'),
      ),
      result,
    );
  }
  const password = h('input', {
    id: 'new-password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 10,
    'aria-describedby': 'password-hint',
  });
  const again = h('input', {
    id: 'new-password-again',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  });
  const form = h(
    'form',
    {
      class: 'stack',
      onsubmit: (e) => {
        e.preventDefault();
        if (password.value !== again.value) {
          result.textContent = 'The two passwords are not the same.';
          return;
        }
        accept({ password: password.value });
      },
    },
    h('input', { type: 'email', autocomplete: 'username', value: offer.email, readonly: true, hidden: true }),
    h('label', { for: 'new-password' }, 'Choose a password'),
    password,
    h(
      'p',
      { class: 'muted', id: 'password-hint' },
      'At least 10 characters, with upper- and lower-case letters and a number.',
    ),
    h('label', { for: 'new-password-again' }, 'The same password again'),
    again,
    h('p', {}, h('button', { type: 'submit', id: 'accept-invitation' }, 'Accept and create my account')),
  );
  return show(title, intro, until, form, result);
}

function signInButton(email) {
  return h(
    'p',
    {},
    h('button', { type: 'button', id: 'invitation-signin', onclick: () => signIn(null, email) }, 'Sign in'),
  );
}

function notUsable(e) {
  const expired = e instanceof ApiError && e.code === 'invitation_expired';
  const used = e instanceof ApiError && e.code === 'already_accepted';
  const title = expired
    ? 'This invitation has expired'
    : used
      ? 'This invitation was used'
      : 'This invitation link does not work';
  return show(
    title,
    message(e.message, used ? 'ok' : 'bad'),
    used ? signInButton() : h('p', {}, 'Ask an admin of the company to send you a new invitation.'),
  );
}
