// Which page a hash shows, the header's links for who is signed in, and failures shown as a page.
import { ApiError } from './api.js';
import { createPage } from './create.js';
import { homePage } from './home.js';
import { helpPage } from './onboarding.js';
import { billingPage, creditsPage } from './credits.js';
import { legal, statusPage } from './info.js';
import { galleryPage } from './gallery.js';
import { jobPage, jobsPage } from './jobs.js';
import { modelPage } from './model.js';
import { projectsPage } from './projects.js';
import { opsDashboard } from './ops.js';
import { opsCompany } from './ops-company.js';
import { opsAudit, opsCompanies } from './ops-lists.js';
import { integrationsPage } from './integrations.js';
import { invitationPage } from './invitation.js';
import { reviewPage } from './review.js';
import { isAdmin, isOperator, signIn } from './session.js';
import { joinWaitPage } from './joining.js';
import { teamPage } from './team.js';
import { fmt, h, message, showPublic, state } from './ui.js';

export function chrome() {
  const signedIn = !!state.tokens;
  // Someone waiting for a join request has no company yet: no company pages to go to.
  document.getElementById('nav').hidden = !signedIn || !!(state.claims?.join_status && !state.claims.company_id);
  document.getElementById('signin').hidden = signedIn;
  document.getElementById('signout').hidden = !signedIn;
  if (!signedIn) document.getElementById('balance').textContent = '';
  document.querySelectorAll('[data-admin]').forEach((a) => {
    a.hidden = !isAdmin();
  });
  document.querySelectorAll('[data-operator]').forEach((a) => {
    a.hidden = !isOperator();
  });
  const route = location.hash.split('?')[0].split('/')[1] || 'home';
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.getAttribute('href') === '#/' + route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}
export function fail(e) {
  if (e instanceof ApiError && e.status === 401) return;
  showPublic(
    'Something went wrong',
    message(e.message || String(e)),
    h('p', {}, h('a', { href: '#/home' }, 'Back to the start')),
  );
}
export async function render() {
  state.expectedHash = location.hash;
  chrome();
  const [route, a, b] = location.hash.split('?')[0].replace(/^#\//, '').split('/');
  if (route === 'terms' || route === 'privacy') return legal(route);
  if (route === 'status') return statusPage().catch(fail);
  // An invitation's link works signed in or not: accepting needs no session.
  if (route === 'invitation') return invitationPage(a).catch(fail);
  // A review link works signed in or not: a client has no account.
  if (route === 'review') return reviewPage(a).catch(fail);
  if (!state.tokens) {
    if (route === 'signed-out') {
      return showPublic(
        'Signed out',
        h('p', {}, 'You are signed out.'),
        h('button', { type: 'button', onclick: () => signIn() }, 'Sign in'),
      );
    }
    return showPublic(
      'Welcome to Image2Model',
      h('p', {}, 'Turn product and concept images into textured 3D models (GLB), for your whole team.'),
      h(
        'p',
        {},
        h('button', { type: 'button', id: 'welcome-signin', onclick: () => signIn() }, 'Sign in'),
        ' ',
        h(
          'button',
          { type: 'button', class: 'secondary', id: 'welcome-signup', onclick: () => signIn('signup') },
          'Create an account',
        ),
      ),
      welcomeTrial(),
    );
  }
  if (state.claims?.join_status && !state.claims.company_id) return joinWaitPage().catch(fail);
  try {
    switch (route || 'home') {
      case 'home':
        return await homePage();
      case 'help':
        return await helpPage();
      case 'create':
        return await createPage();
      case 'jobs':
        return await (a ? jobPage(a) : jobsPage());
      case 'model':
        return await modelPage(a, b);
      case 'gallery':
        return await galleryPage();
      case 'projects':
        return await projectsPage();
      case 'credits':
        return await creditsPage();
      case 'billing':
        return await billingPage();
      case 'team':
        return await teamPage();
      case 'integrations':
        return await integrationsPage();
      case 'ops':
        return await (!isOperator()
          ? createPage()
          : a === 'companies'
            ? opsCompanies()
            : a === 'company'
              ? opsCompany(b)
              : a === 'audit'
                ? opsAudit()
                : opsDashboard());
      default:
        return await homePage();
    }
  } catch (e) {
    fail(e);
  }
}

/** The trial as the catalog sizes it (GET /billing/plans needs no sign-in); a general line until it answers. */
function welcomeTrial() {
  const line = h('p', { class: 'muted', id: 'welcome-trial' }, 'New companies get free trial credits.');
  fetch(state.config.apiUrl + '/billing/plans')
    .then((r) => (r.ok ? r.json() : null))
    .then((plans) => {
      const trial = plans?.trial;
      const medium = trial?.creditsPerImage?.medium;
      if (!trial?.credits || !medium) return;
      line.textContent =
        `New companies get ${fmt(trial.credits)} trial credits: ` +
        `enough for their first ${Math.floor(trial.credits / medium)} models at medium quality.`;
    })
    .catch(() => {});
  return line;
}
