// The API with the signed-in user's access token: answers, errors, the balance line, downloads, uploads' headers.
import { chrome } from './router.js';
import { isAdmin, refresh, signIn } from './session.js';
import { fmt, h, showPublic, state } from './ui.js';

export class ApiError extends Error {
  constructor(status, code, text) {
    super(text);
    this.status = status;
    this.code = code;
  }
}
export async function api(method, path, body, headers = {}) {
  let waited = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const response = await fetch(state.config.apiUrl + path, {
      method,
      headers: {
        Authorization: 'Bearer ' + state.tokens?.access_token,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 401 && attempt === 0 && (await refresh())) continue;
    // A read refused for a short burst waits it out once (the server says how long); a write never repeats itself.
    const retryAfter = Number(response.headers.get('Retry-After'));
    if (response.status === 429 && method === 'GET' && !waited && retryAfter > 0 && retryAfter <= 10) {
      waited = true;
      await new Promise((done) => {
        setTimeout(done, retryAfter * 1000);
      });
      continue;
    }
    if (response.status === 401) {
      expired();
      throw new ApiError(401, 'expired', 'Your session has ended.');
    }
    const json = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok)
      throw new ApiError(
        response.status,
        json.error?.code,
        json.error?.message || json.message || 'Error ' + response.status,
      );
    return json;
  }
}
/** A route anyone may call (an invitation's link): no token is sent. */
export async function publicApi(path, body) {
  const response = await fetch(state.config.apiUrl + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new ApiError(response.status, json.error?.code, json.error?.message || 'Error ' + response.status);
  return json;
}
export function expired() {
  state.tokens = null;
  showPublic(
    'Your session has ended',
    h('p', {}, 'For your safety you were signed out. Your work is saved.'),
    h('button', { type: 'button', onclick: () => signIn() }, 'Sign in again'),
  );
  chrome();
}
export async function balanceLine() {
  try {
    const credits = await api('GET', '/credits');
    // Signed out meanwhile: the header shows no balance.
    if (!state.tokens) return null;
    document.getElementById('balance').textContent = fmt(credits.available) + ' credits';
    const banner = document.getElementById('banner');
    banner.hidden = !credits.lowBalance;
    banner.textContent = credits.lowBalance ? `Low balance: ${fmt(credits.available)} credits left. ` : '';
    if (credits.lowBalance && isAdmin()) banner.append(h('a', { href: '#/billing' }, 'Buy credits'));
    return credits;
  } catch (e) {
    return null;
  }
}

/** The headers an upload URL was signed with, but Content-Length (the browser sets it from the body). */
export const uploadHeaders = (upload) =>
  Object.fromEntries(Object.entries(upload.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));

/** A CSV the API answers, saved as a file (the download needs the access token, so it is fetched first). */
export async function downloadCsv(path, name) {
  const response = await fetch(state.config.apiUrl + path, {
    headers: { Authorization: 'Bearer ' + state.tokens?.access_token },
  });
  if (!response.ok) throw new ApiError(response.status, 'download_failed', 'The download answered ' + response.status);
  const link = h('a', { href: URL.createObjectURL(await response.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

/** An admin's button that saves a CSV of the API (nothing for members, who may not download it). */
export const csvButton = (id, path, name, label) =>
  isAdmin()
    ? h('p', {}, h('button', { type: 'button', class: 'secondary', id, onclick: () => downloadCsv(path, name) }, label))
    : null;
