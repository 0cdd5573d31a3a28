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

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's verdict on the page as it is now: every violation, of any impact, as one line each.
 * Evaluated through the browser's debugging protocol, so the site's CSP (script-src 'self') stays as it is.
 */
async function axeViolations(page, name) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  return found.map((v) => `${name}: ${v}`);
}

/**
 * A numbered full-page screenshot per call, in outDir, named prefix-NN-name.png; each page state is also checked by
 * axe-core at its own width and at 390 px (phone), and every violation is kept for the verdict.
 */
function snapper(outDir, prefix) {
  fs.mkdirSync(outDir, { recursive: true });
  // This walk's screenshots of an earlier run go first, so that what is there is this run's.
  for (const old of fs.readdirSync(outDir)) {
    if (old.endsWith('.png') && old.startsWith(prefix) && /^\d/.test(old.slice(prefix.length))) fs.rmSync(path.join(outDir, old));
  }
  let shot = 0;
  const violations = [];
  let checked = 0;
  const snap = async (page, name) => {
    shot += 1;
    const file = (suffix) => path.join(outDir, `${prefix}${String(shot).padStart(2, '0')}-${name}${suffix}.png`);
    await page.screenshot({ path: file(''), fullPage: true });
    if (!page.url().startsWith('http://localhost') || !(await page.locator('#view').count())) return;
    const size = page.viewportSize();
    violations.push(...await axeViolations(page, `${name} at ${size.width} px`));
    if (size.width !== 390) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: file('-phone'), fullPage: true });
      violations.push(...await axeViolations(page, `${name} at 390 px`));
      await page.setViewportSize(size);
    }
    checked += 1;
  };
  snap.count = () => shot;
  snap.violations = () => violations;
  snap.checked = () => checked;
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
  snap.violations().forEach((v) => problems.push('axe-core: ' + v));
  process.stdout.write(`axe-core: ${snap.violations().length} violations in ${snap.checked()} page states, each at its width and 390 px\n`);
  if (problems.length) {
    process.stderr.write('E2E problems:\n' + problems.map((p) => '  ' + p).join('\n') + '\n');
    process.exit(1);
  }
  process.stdout.write(`E2E passed: ${snap.count()} screenshots in ${outDir}\n`);
}

/** The entries of a ZIP (name -> bytes), read through its central directory; stored and deflated entries. */
function unzip(buffer) {
  const zlib = require('zlib');
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a ZIP: no end of central directory');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const entries = {};
  for (let i = 0; i < count; i += 1) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const data = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const raw = buffer.subarray(data, data + size);
    entries[name] = method === 8 ? zlib.inflateRawSync(raw) : raw;
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

module.exports = { unzip, launch, step, snapper, watchCsp, watchPage, signIn, finish };
