// Image2Model web app: one page, hash routes, the API with the signed-in user's access token. The pages and
// concerns are ES modules in js/ (no build step); this one starts the app.
import { balanceLine } from './js/api.js';
import { chrome, render } from './js/router.js';
import { backFromSignOut, finishSignIn, followOtherTabs, restore, signIn, signOut } from './js/session.js';
import { h, message, showPublic as show, state } from './js/ui.js';

async function start() {
  state.config = await (await fetch('/config.json')).json();
  // A stage can keep billing dark (BillingEnabled=false): then no page offers to buy.
  fetch(state.config.apiUrl + '/billing/plans')
    .then((r) => (r.ok ? r.json() : null))
    .then((plans) => document.body.classList.toggle('billing-off', plans?.billingEnabled === false))
    .catch(() => {});
  document.getElementById('signin').addEventListener('click', () => signIn());
  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', render);
  followOtherTabs();
  backFromSignOut();
  if (location.pathname.endsWith('/callback.html')) {
    try {
      await finishSignIn();
    } catch (e) {
      history.replaceState(null, '', '/#/');
      chrome();
      return show(
        'Sign-in failed',
        message(e.message),
        h('button', { type: 'button', onclick: () => signIn() }, 'Try again'),
      );
    }
  } else if ((await restore()) === 'ended') {
    chrome();
    return show(
      'Your session has ended',
      message('You were signed out (on another device, or by an admin). Your work is saved.'),
      h('button', { type: 'button', id: 'signin-again', onclick: () => signIn() }, 'Sign in again'),
    );
  }
  if (state.tokens && !state.claims?.join_status) balanceLine();
  render();
}
start();
