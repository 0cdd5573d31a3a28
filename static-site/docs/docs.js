// The API reference: Redoc (MIT; the bundle inside @redocly/cli, copied into the site by the build, no CDN) renders
// openapi.yaml, the same document the build lints and the integration suites hold every answer to.
import { init } from '/vendor/redoc.standalone.js';

const root = document.getElementById('view');
try {
  // Nothing leaves the page: no telemetry. Links inside the reference are #hash routes, so a reload lands on them.
  init('/openapi.yaml', { disableTelemetry: true, expandResponses: '200,201', jsonSamplesExpandLevel: 2 }, root);
  // Redoc's markup, made whole for screen readers: its headings sometimes skip a level (an operation's h2, then h4
  // and h5), so each reads as at most one below the one before; its menu sits outside any landmark, so it is named as
  // the navigation it is.
  const mend = () => {
    let last = 1;
    for (const heading of root.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
      const own = Number(heading.tagName.slice(1));
      const level = Math.min(own, last + 1);
      if (level !== own) heading.setAttribute('aria-level', String(level));
      else heading.removeAttribute('aria-level');
      last = level;
    }
    const menu = root.querySelector('.menu-content');
    if (menu && !menu.hasAttribute('role')) {
      menu.setAttribute('role', 'navigation');
      menu.setAttribute('aria-label', 'Operations');
    }
  };
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
} catch (error) {
  document.getElementById('reference-status').textContent =
    `The reference could not be shown (${error.message}). The document itself is at /openapi.yaml.`;
}
