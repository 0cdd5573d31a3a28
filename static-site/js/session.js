// Sign-in through the managed login (authorization code + PKCE); the session kept across reloads, tabs and the trip
// to Stripe (the refresh token in localStorage, as Cognito's browser guidance and Amplify do; the access token in
// memory only, refreshed before it expires); sign-out revokes the refresh token everywhere; roles.
import { render } from './router.js';
import { state } from './ui.js';

const KEPT = 'image2model.session';
const SIGNED_OUT = 'image2model.signed-out';

export function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
export async function signIn(screen, loginHint) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const stateValue = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state: stateValue, back: location.hash || '#/home' }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: state.config.clientId,
    redirect_uri: state.config.redirectUri,
    scope: 'openid email profile',
    state: stateValue,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  if (screen) params.set('screen', screen);
  if (loginHint) params.set('login_hint', loginHint);
  location.assign(state.config.authUrl + '/oauth2/authorize?' + params);
}
export async function tokenRequest(body) {
  const response = await fetch(state.config.authUrl + '/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  if (!response.ok) throw new Error('The sign-in service answered ' + response.status);
  return response.json();
}
export function keep(tokens) {
  state.tokens = { ...state.tokens, ...tokens };
  state.claims = JSON.parse(atob(state.tokens.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  if (tokens.refresh_token) localStorage.setItem(KEPT, tokens.refresh_token);
  clearTimeout(state.refreshTimer);
  const inMs = Math.max(5, (tokens.expires_in || 3600) - 60) * 1000;
  state.refreshTimer = setTimeout(refresh, inMs);
}
/** A new access token from the refresh token; false when there is none or it was revoked (signed out elsewhere). */
export async function refresh() {
  const refreshToken = state.tokens?.refresh_token || localStorage.getItem(KEPT);
  if (!refreshToken) return false;
  try {
    keep({
      ...(await tokenRequest({
        grant_type: 'refresh_token',
        client_id: state.config.clientId,
        refresh_token: refreshToken,
      })),
      refresh_token: refreshToken,
    });
    return true;
  } catch (e) {
    forget();
    return false;
  }
}
/** At start: the session this browser kept, if it still holds. 'none', 'restored' or 'ended' (revoked, expired). */
export async function restore() {
  if (!localStorage.getItem(KEPT)) return 'none';
  return (await refresh()) ? 'restored' : 'ended';
}
export async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem('pkce') || 'null');
  sessionStorage.removeItem('pkce');
  if (params.get('error')) throw new Error(params.get('error_description') || params.get('error'));
  if (!saved || saved.state !== params.get('state')) {
    throw new Error('This sign-in link is not one this page started. Please sign in again.');
  }
  keep(
    await tokenRequest({
      grant_type: 'authorization_code',
      client_id: state.config.clientId,
      code: params.get('code'),
      redirect_uri: state.config.redirectUri,
      code_verifier: saved.verifier,
    }),
  );
  history.replaceState(null, '', '/' + saved.back);
}
function forget() {
  state.tokens = null;
  state.claims = null;
  clearTimeout(state.refreshTimer);
  localStorage.removeItem(KEPT);
}
/**
 * Signs out here and everywhere this sign-in reached: the refresh token is revoked at Cognito, then the managed
 * login's own session ends (its /logout), so the next sign-in asks again instead of letting the browser straight in.
 */
export async function signOut() {
  const refreshToken = state.tokens?.refresh_token || localStorage.getItem(KEPT);
  forget();
  if (refreshToken) {
    await fetch(state.config.authUrl + '/oauth2/revoke', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, client_id: state.config.clientId }),
    }).catch(() => null);
  }
  sessionStorage.setItem(SIGNED_OUT, '1');
  const params = new URLSearchParams({ client_id: state.config.clientId, logout_uri: location.origin + '/' });
  location.assign(state.config.authUrl + '/logout?' + params);
}
/** Back from the managed login's sign-out: the "Signed out" page, once. */
export function backFromSignOut() {
  if (!sessionStorage.getItem(SIGNED_OUT)) return false;
  sessionStorage.removeItem(SIGNED_OUT);
  history.replaceState(null, '', '/#/signed-out');
  return true;
}
/** Another tab signed out (or in): this one follows. */
export function followOtherTabs() {
  window.addEventListener('storage', (e) => {
    if (e.key !== KEPT) return;
    if (!e.newValue && state.tokens) {
      forget();
      location.hash = '#/signed-out';
      render();
    }
  });
}
export const isAdmin = () => state.claims?.role === 'admin';
export const isOperator = () => [].concat(state.claims?.['cognito:groups'] || []).includes('operators');
