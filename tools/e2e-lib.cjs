// What the end-to-end walks share: the browser, screenshots, the page's problems and CSP violations, the verdict.
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

async function launch(extraArgs = []) {
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs] });
}

function step(text) { process.stdout.write(`- ${text}\n`); }

/** A numbered full-page screenshot per call, in outDir, named prefix-NN-name.png. */
function snapper(outDir, prefix) {
  fs.mkdirSync(outDir, { recursive: true });
  let shot = 0;
  const snap = async (page, name) => {
    shot += 1;
    await page.screenshot({ path: path.join(outDir, `${prefix}${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  snap.count = () => shot;
  return snap;
}

/** Reports every Content-Security-Policy violation of the context's pages into {@code violations}. */
async function watchCsp(context, violations) {
  await context.exposeBinding('__reportCspViolation', (source, what) => violations.push(what));
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} on ${document.location.pathname}`)));
}

/** Console errors, page errors and failed requests (except those {@code ignore} accepts) become problems. */
function watchPage(page, problems, ignore = () => false) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('response', (r) => { if (r.status() >= 400 && !ignore(r)) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`); });
}

async function signIn(page, email, password) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Prints the verdict and exits: 0 when there was no problem and no CSP violation. */
function finish(problems, cspViolations, snap, outDir) {
  cspViolations.forEach((v) => problems.push('CSP violation: ' + v));
  process.stdout.write(`CSP violations: ${cspViolations.length}\n`);
  if (problems.length) {
    process.stderr.write('E2E problems:\n' + problems.map((p) => '  ' + p).join('\n') + '\n');
    process.exit(1);
  }
  process.stdout.write(`E2E passed: ${snap.count()} screenshots in ${outDir}\n`);
}

module.exports = { launch, step, snapper, watchCsp, watchPage, signIn, finish };
