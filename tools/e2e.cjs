// End-to-end walk through the web app in headless Chromium (Debian's, driven by playwright-core):
// sign up a new company, see the trial credits, upload two images, watch them finish, open the 3D
// view, download a GLB, see the captures in the ledger, buy a pack through the Stripe stand-in,
// invite a member who accepts through the emailed link, let a colleague who signed up at the domain join. A screenshot of every page goes to OUT_DIR. Exit 0 when every step passed.
//   node tools/e2e.cjs SITE_URL OUT_DIR IMAGE1 IMAGE2
const { launch, step, snapper, watchCsp, watchPage, finish, unzip } = require('./e2e-lib.cjs');
const fs = require('fs');
const path = require('path');

const [site, outDir, image1, image2] = process.argv.slice(2);
// The web app's own sample photo: the third image of the first batch.
const sample = path.join(__dirname, '..', 'static-site', 'img', 'sample-product.jpg');
if (!site || !outDir || !image2) {
  process.stderr.write('usage: node tools/e2e.cjs SITE_URL OUT_DIR IMAGE1 IMAGE2\n');
  process.exit(2);
}
const suffix = Math.random().toString(16).slice(2, 10);
const email = `owner@e2e-${suffix}.test`;
const password = 'Correct-Horse-9';
const problems = [];
const snap = snapper(outDir, '');

/** After Generate: the job's page, once every model of it is ready. */
async function jobReady(page) {
  await page.waitForURL(/#\/jobs\/j[0-9a-f]+/);
  await page
    .locator('#job-state')
    .filter({ hasText: /^Ready$/ })
    .waitFor({ timeout: 90000 });
}

/** The newest code of {digits} digits mailed to {to} under a subject holding {subject}, read from the devstack's outbox. */
async function mailedCode(config, to, subject, digits) {
  const mails = await (await fetch(config.authUrl + '/outbox')).json();
  const mail = mails.emails.filter((m) => m.to === to && m.subject.includes(subject)).pop();
  const code = mail && mail.body.match(new RegExp(`\\b(\\d{${digits}})\\b`));
  if (!code) throw new Error(`no ${subject} reached ${to}`);
  return code[1];
}

(async () => {
  const browser = await launch(['--use-gl=swiftshader', '--enable-unsafe-swiftshader']);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  // Every Content-Security-Policy violation the site's pages report (the policy is the one CloudFront serves).
  const cspViolations = [];
  await watchCsp(context, cspViolations);
  const page = await context.newPage();
  let sitePolicy = null;
  page.on('response', (r) => {
    if (r.url() === site + '/' && r.request().resourceType() === 'document')
      sitePolicy = r.headers()['content-security-policy'] || '';
  });
  // A revoked session's refresh answers 400 by design (the walk revokes one on purpose).
  watchPage(
    page,
    problems,
    (r) => r.url().includes('/webhooks/') || (r.url().endsWith('/oauth2/token') && r.status() === 400),
  );
  page.setDefaultTimeout(30000);
  try {
    step('the welcome page');
    await page.goto(site + '/');
    await page.locator('#welcome-signup').waitFor();
    await page
      .locator('#welcome-trial')
      .filter({ hasText: '160 trial credits: enough for their first 3 models' })
      .waitFor();
    await snap(page, 'welcome');

    step('sign up a new company through the managed login');
    await page.locator('#welcome-signup').click();
    await page.locator('#company_name').fill('E2E Studio ' + suffix);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    await snap(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    step('Home: the trial credits and what to do next');
    await page.locator('main h1', { hasText: 'Home' }).waitFor();
    await page.locator('#balance').filter({ hasText: '160 credits' }).waitFor();
    await page.locator('#home-available').filter({ hasText: '160' }).waitFor();
    await page.locator('#first-steps').waitFor();
    await snap(page, 'home-new');

    step('the first steps: what it does, good photos, the costs, then a sample image in one click');
    await page.locator('#first-steps-next').click();
    await page.locator('.photo-tips').waitFor();
    await snap(page, 'first-steps-photos');
    await page.locator('#first-steps-next').click();
    await page.locator('#quality-costs').waitFor();
    await snap(page, 'first-steps-costs');
    await page.locator('#try-sample').click();
    await page.locator('.files li', { hasText: 'sample-product.jpg' }).waitFor();
    await page.locator('#summary').filter({ hasText: '35 credits' }).waitFor();
    await snap(page, 'create-sample');
    await page.locator('.files li', { hasText: 'sample-product.jpg' }).getByRole('button', { name: 'Remove' }).click();
    await page.locator('.files li').first().waitFor({ state: 'detached' });

    step('the first steps are not shown again');
    await page.goto(site + '/#/home');
    await page.locator('#first-model').waitFor();
    if (await page.locator('#first-steps').count()) throw new Error('the first steps came back after they were done');
    await page.locator('#first-model').click();
    await page.locator('#drop, .drop').first().waitFor();
    await snap(page, 'create-empty');
    step('a reload keeps the session');
    await page.reload();
    await page.locator('#balance').filter({ hasText: '160 credits' }).waitFor();
    await page.locator('#signout').waitFor();

    step('choose three images: at the default (medium) quality the trial pays for them');
    await page.locator('#files').setInputFiles([image1, image2, sample]);
    await page.locator('.files li').nth(2).waitFor();
    await page.locator('#summary').filter({ hasText: '156 credits' }).waitFor();
    if (await page.locator('#summary', { hasText: /not enough/i }).count())
      throw new Error('three medium images do not fit the trial');
    if (await page.locator('#generate').isDisabled())
      throw new Error('Generate is disabled for three medium images on the trial');
    await snap(page, 'create-trial-fits');
    step('at high quality they do not fit: Create offers the ways forward, with their costs');
    await page.locator('input[name=quality][value=high]').check();
    await page.locator('#summary').filter({ hasText: 'not enough' }).waitFor();
    await page.locator('#use-medium').waitFor();
    await page.locator('#fewer-images').filter({ hasText: 'first 2' }).waitFor();
    await page.locator('#buy-credits').waitFor();
    await snap(page, 'create-ways-forward');

    step('buy credits from Create, pay through the Stripe stand-in, come back to a confirmation and the same images');
    await page.locator('#buy-credits').click();
    await page.locator('[data-item=pack_5000] button').click();
    await page.locator('#pay').waitFor();
    await snap(page, 'stripe-checkout');
    await page.locator('#pay').click();
    await page.locator('#checkout-status').filter({ hasText: '5,160 credits' }).waitFor();
    await page.locator('#balance').filter({ hasText: '5,160 credits' }).waitFor();
    await snap(page, 'billing-confirmed');
    await page.locator('#back-to-images').click();
    await page.locator('.files li').nth(2).waitFor();
    await page.locator('#summary').filter({ hasText: '210 credits' }).waitFor();
    if (!(await page.locator('input[name=quality][value=high]').isChecked()))
      throw new Error('the quality was not kept');
    await snap(page, 'create-kept');
    await page.locator('input[name=quality][value=low]').check();
    await page.locator('#summary').filter({ hasText: '105 credits' }).waitFor();
    await snap(page, 'create-chosen');
    await page.locator('#generate').click();

    step('watch the job finish');
    await page.waitForURL(/#\/jobs\/j[0-9a-f]+/);
    const jobUrl = page.url();
    await page
      .locator('#job-state')
      .filter({ hasText: /^Ready$/ })
      .waitFor({ timeout: 90000 });
    if (!(await page.locator('main h1').textContent()).includes('and 2 more'))
      throw new Error('the job was not named after its images');
    await snap(page, 'job-done');

    step('rename the job');
    await page.locator('#job-name').fill('Sneaker and vase');
    await page.locator('#rename-job').click();
    await page.locator('main h1', { hasText: 'Sneaker and vase' }).waitFor();

    step('each model has its picture on the job page');
    await page.locator('tr[data-file] img.thumb').nth(2).waitFor();
    await snap(page, 'job-pictures');

    step('Download all: one ZIP of the models, their pictures and a manifest that matches the job');
    await page.locator('#archive-format').selectOption('obj');
    const [all] = await Promise.all([page.waitForEvent('download'), page.locator('#download-all').click()]);
    const zipPath = path.join(outDir, 'all-models.zip');
    await all.saveAs(zipPath);
    const entries = unzip(fs.readFileSync(zipPath));
    const manifest = entries['manifest.csv'].toString('utf8').trim().split(/\r?\n/);
    if (manifest.length !== 4 || manifest[0] !== 'input,output,faces,credits,state,reason') {
      throw new Error('the manifest is not one row per file: ' + manifest.join(' | '));
    }
    for (const row of manifest.slice(1)) {
      const output = row.split(',')[1];
      if (!row.includes(',done,') || !entries[output])
        throw new Error('the manifest names what the ZIP does not hold: ' + row);
    }
    if (Object.keys(entries).filter((n) => n.startsWith('pictures/')).length !== 3)
      throw new Error('the ZIP lacks the pictures');

    step('open the 3D view: the viewer loads the model, its picture as the poster, and its quality check');
    await page.getByRole('link', { name: 'View 3D' }).first().click();
    await page.locator('#viewer[data-loaded=true]').waitFor({ timeout: 60000 });
    if (!(await page.locator('#viewer').getAttribute('poster'))) throw new Error('the viewer has no poster');
    await page.locator('#quality dt', { hasText: 'Closed (watertight)' }).waitFor();
    await page.locator('#quality-warnings').waitFor();
    await page.waitForTimeout(500);
    await snap(page, 'model-view');
    step('the wireframe toggle shows the edges, then the textured model again');
    await page.locator('#wireframe').click();
    await page.locator('#wireframe[aria-pressed=true]').waitFor();
    await page.locator('#viewer[data-loaded=true]').waitFor({ timeout: 60000 });
    if (!(await page.locator('#viewer').getAttribute('src')).includes('.wireframe.glb'))
      throw new Error('the wireframe is not what the viewer shows');
    await page.waitForTimeout(500);
    await snap(page, 'model-wireframe');
    await page.locator('#wireframe').click();
    await page.locator('#viewer[data-loaded=true]').waitFor({ timeout: 60000 });
    if ((await page.locator('#viewer').getAttribute('src')).includes('wireframe'))
      throw new Error('the textured model is not back');

    step('download the model as GLB, OBJ, STL, USDZ and FBX');
    const starts = { glb: 'glTF', obj: 'PK', usdz: 'PK', fbx: '; FBX 7.4.0' };
    for (const format of ['glb', 'obj', 'stl', 'usdz', 'fbx']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#download-' + format).click(),
      ]);
      const saved = path.join(outDir, 'downloaded.' + format);
      await download.saveAs(saved);
      const bytes = fs.readFileSync(saved);
      if (format === 'stl') {
        if (bytes.length !== 84 + 50 * bytes.readUInt32LE(80))
          throw new Error('the STL is not a binary STL of its face count');
      } else if (bytes.subarray(0, starts[format].length).toString('latin1') !== starts[format]) {
        throw new Error(`the ${format} download starts with ${bytes.subarray(0, 8).toString('latin1')}`);
      }
      if (format === 'usdz' && bytes.subarray(30, 40).toString('latin1') !== 'model.usda')
        throw new Error('USDZ: the layer is not first');
      if (format === 'obj' && !bytes.includes('model.obj')) throw new Error('the OBJ archive has no model.obj');
    }

    step('a link to copy, valid for 7 days');
    await page.locator('#link-format').selectOption('stl');
    await page.locator('#link-lifetime').selectOption('604800');
    await page.locator('#copy-link').click();
    await page.locator('#download-status', { hasText: 'is copied' }).waitFor();
    const copied = await page.locator('#share-link').inputValue();
    if (!/X-Amz-Expires=604800/.test(copied))
      throw new Error('the copied link does not last 7 days: ' + copied.slice(0, 80));
    if (!(await page.locator('#viewer').getAttribute('ios-src')))
      throw new Error('the viewer has no USDZ for AR Quick Look');
    await snap(page, 'model-downloads');

    step('one model from two views of one object, with realistic materials: priced live, made and shown');
    await page.goto(site + '/#/create');
    await page.locator('#mode input[value=views]').check();
    await page.locator('#files').setInputFiles([image1, image2]);
    await page.locator('.files li').nth(1).waitFor();
    if (
      (await page.locator('#role-0').inputValue()) !== 'front' ||
      (await page.locator('#role-1').inputValue()) !== 'left'
    )
      throw new Error('the views did not take front and left in order');
    await page.locator('#summary').filter({ hasText: '1 model from 2 views' }).waitFor();
    const plainCost = await page.locator('#summary').textContent();
    await page.locator('#options summary').click();
    await page.locator('#pbr').check();
    await page.locator('#summary').filter({ hasText: 'realistic materials' }).waitFor();
    if ((await page.locator('#summary').textContent()) === plainCost)
      throw new Error('the cost did not change with the options');
    await snap(page, 'create-views-options');
    await page.locator('#generate').click();
    await jobReady(page);
    await page.getByRole('link', { name: 'View 3D' }).first().click();
    await page.locator('#viewer[data-loaded=true]').waitFor({ timeout: 60000 });
    await page.locator('#made-with', { hasText: 'realistic materials' }).waitFor();
    await page.locator('#made-with', { hasText: 'from 2 views' }).waitFor();
    await page.waitForTimeout(500);
    await snap(page, 'model-views-pbr');
    await page.locator('#materials').click();
    await page.locator('#materials[aria-pressed=false]').waitFor();
    await page.waitForTimeout(300);
    await snap(page, 'model-views-colours-only');
    await page.locator('#materials').click();
    await page.locator('#materials[aria-pressed=true]').waitFor();

    step('the jobs list');
    await page.goto(site + '/#/jobs');
    await page.locator('table .state').first().waitFor();
    await page.locator('table a', { hasText: 'Sneaker and vase' }).waitFor();
    await page.locator('tbody tr', { hasText: 'Sneaker and vase' }).locator('img.thumb').waitFor();
    await snap(page, 'jobs');

    step('the gallery: every model as a picture, filtered by quality');
    await page.goto(site + '/#/gallery');
    await page.locator('#gallery li img.thumb').nth(2).waitFor();
    await snap(page, 'gallery');
    await page.locator('#gallery-quality').selectOption('high');
    await page.locator('#gallery-filters button[type=submit]').click();
    await page.locator('#gallery-status', { hasText: 'No models match' }).waitFor();
    await page.locator('#gallery-quality').selectOption('low');
    await page.locator('#gallery-filters button[type=submit]').click();
    await page.locator('#gallery li').nth(2).waitFor();

    step('Home shows the latest job with its picture');
    await page.goto(site + '/#/home');
    await page.locator('#recent-jobs li img.thumb').first().waitFor();
    await snap(page, 'home-pictures');

    step('share the job for review: a link for a client, valid 7 days');
    await page.goto(jobUrl);
    await page.locator('#share-job').click();
    await page.locator('#share-status', { hasText: 'is copied' }).waitFor();
    const reviewUrl = await page.locator('#review-link').inputValue();
    if (!reviewUrl.includes('/#/review/')) throw new Error('no review link: ' + reviewUrl);
    await page.locator('#shares li', { hasText: 'Open' }).waitFor();
    await snap(page, 'job-shared');

    step('the client opens the link signed out, approves one model and asks for changes on another');
    const client = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await watchCsp(client, cspViolations);
    const reviewer = await client.newPage();
    // The withdrawn link's 410 is the point of the last step (its console line too).
    reviewer.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('status of 410')) problems.push('console error: ' + m.text());
    });
    reviewer.on('pageerror', (e) => problems.push('page error: ' + e.message));
    await reviewer.goto(reviewUrl);
    await reviewer.locator('#review-models li').nth(2).waitFor();
    if (await reviewer.locator('#balance', { hasText: 'credits' }).count())
      throw new Error('the review page shows a balance');
    const models = reviewer.locator('#review-models > li');
    await models.nth(0).getByRole('button', { name: 'Approve' }).click();
    await models.nth(0).locator('[role=status]', { hasText: 'Approved' }).waitFor();
    await models.nth(1).locator('textarea').fill('Make the sole thicker, please');
    await models.nth(1).getByRole('button', { name: 'Request changes' }).click();
    await models.nth(1).locator('[role=status]', { hasText: 'Changes requested' }).waitFor();
    await snap(reviewer, 'review-client-phone');

    step("the job page shows the client's words");
    await page.reload();
    await page.locator('tr[data-file]', { hasText: 'Make the sole thicker' }).waitFor();
    await page.locator('tr[data-file]', { hasText: 'Approved by the client' }).waitFor();
    await snap(page, 'job-reviewed');

    step('a withdrawn link shows its page');
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.locator('#shares li', { hasText: 'Withdrawn' }).waitFor();
    await reviewer.goto('about:blank');
    await reviewer.goto(reviewUrl);
    await reviewer.locator('main h1', { hasText: 'cannot be opened' }).waitFor();
    await reviewer.locator('main', { hasText: 'withdrawn' }).waitFor();
    await snap(reviewer, 'review-withdrawn-phone');
    await client.close();

    step('the ledger shows the four captures (three models, then one from two views)');
    await page.goto(site + '/#/credits');
    await page.locator('#ledger').waitFor();
    const captures = await page.locator('#ledger tbody tr', { hasText: 'Charged: the model is ready' }).count();
    if (captures !== 4) throw new Error('the ledger shows ' + captures + ' captures, not 4');
    await snap(page, 'credits');

    step('the balance after the jobs: 5,160 less 105, less 105 for the model of two views');
    await page.goto(site + '/#/billing');
    await page.locator('[data-item=pack_5000]').waitFor();
    await page.locator('#balance').filter({ hasText: '4,950 credits' }).waitFor();
    await snap(page, 'billing');

    step('Projects: one per client, with a budget');
    await page.goto(site + '/#/projects');
    await page.locator('#projects [data-project=general]').waitFor();
    await page.locator('#project-name').fill('Acme spring catalogue');
    await page.locator('#project-client').fill('Acme');
    await page.locator('#project-budget').fill('50');
    await page.locator('#new-project button[type=submit]').click();
    const acme = page.locator('#projects li', { hasText: 'Acme spring catalogue' });
    await acme.filter({ hasText: '0 of 50 credits used, 50 left' }).waitFor();
    await snap(page, 'projects');

    step('Create in that project: over its budget Generate waits, within it the job starts');
    await page.goto(site + '/#/create?sample=1');
    await page.locator('.files li', { hasText: 'sample-product.jpg' }).waitFor();
    await page.locator('#job-project').selectOption({ label: 'Acme spring catalogue (Acme)' });
    await page.locator('input[name=quality][value=medium]').check();
    await page.locator('#summary').filter({ hasText: 'has only 50 of its 50-credit budget left' }).waitFor();
    if (!(await page.locator('#generate').isDisabled()))
      throw new Error('Generate was offered over the project budget');
    await snap(page, 'create-over-budget');
    await page.locator('input[name=quality][value=low]').check();
    await page.locator('#summary').filter({ hasText: 'has 50 of its budget left' }).waitFor();
    await page.locator('#generate').click();
    await jobReady(page);
    await page.locator('#job-project', { hasText: 'Acme spring catalogue' }).click();
    await page.locator('#gallery li').first().waitFor();
    if ((await page.locator('#gallery li').count()) !== 1)
      throw new Error("the project's gallery is not its one model");
    if ((await page.locator('#gallery-project').inputValue()).length < 2)
      throw new Error('the gallery is not filtered');
    await snap(page, 'gallery-project');
    await page.goto(site + '/#/projects');
    await acme.filter({ hasText: '35 of 50 credits used, 15 left' }).waitFor();
    await snap(page, 'projects-used');
    await page.goto(site + '/#/credits');
    await page.locator('#usage-projects tr', { hasText: 'Acme spring catalogue' }).filter({ hasText: '35' }).waitFor();
    await snap(page, 'credits-projects');

    step('invite a member: the Team page shows them as invited, not as a member');
    const designer = `designer@e2e-${suffix}.test`;
    await page.goto(site + '/#/team');
    await page.locator('#invite-email').fill(designer);
    await page.locator('#invite').click();
    await page
      .locator('#members tbody tr.invitation', { hasText: 'designer@' })
      .filter({ hasText: 'Invited' })
      .waitFor();
    await snap(page, 'team-invited');

    step('the invitation is accepted through the link in its email');
    const config = await (await fetch(site + '/config.json')).json();
    const outbox = await (await fetch(config.authUrl + '/outbox')).json();
    const mail = outbox.emails.filter((m) => m.to === designer && m.subject.includes('invited you')).pop();
    const link = mail && mail.body.match(/https?:\/\/\S+\/#\/invitation\/\S+/);
    if (!link) throw new Error('no invitation email with an accept link reached ' + designer);
    const invitee = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await watchCsp(invitee, cspViolations);
    const guest = await invitee.newPage();
    watchPage(guest, problems);
    guest.setDefaultTimeout(30000);
    await guest.goto(link[0]);
    await guest.locator('main h1', { hasText: 'Join E2E Studio' }).waitFor();
    await snap(guest, 'invitation-phone');
    await guest.locator('#new-password').fill('Designer-Passw0rd');
    await guest.locator('#new-password-again').fill('Designer-Passw0rd');
    await guest.locator('#accept-invitation').click();
    await guest.locator('main h1', { hasText: 'Welcome to E2E Studio' }).waitFor();
    await snap(guest, 'invitation-accepted-phone');
    await guest.locator('#invitation-signin').click();
    if ((await guest.locator('#email').inputValue()) !== designer)
      throw new Error('the sign-in page did not fill in ' + designer);
    await guest.locator('#password').fill('Designer-Passw0rd');
    await guest.getByRole('button', { name: 'Sign in' }).click();
    await guest.locator('#drop, .drop').first().waitFor();
    await guest.locator('#balance').filter({ hasText: 'credits' }).waitFor();
    await snap(guest, 'invitee-create-phone');
    await invitee.close();
    await page.goto(site + '/#/jobs');
    await page.locator('main h1', { hasText: 'Jobs' }).waitFor();
    await page.goto(site + '/#/team');
    await page
      .locator('#members tbody tr:not(.invitation)', { hasText: 'designer@' })
      .filter({ hasText: 'Active' })
      .waitFor();
    await snap(page, 'team');

    step('a colleague signs up at the domain and waits for an admin');
    const colleague = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await watchCsp(colleague, cspViolations);
    const other = await colleague.newPage();
    watchPage(other, problems);
    other.setDefaultTimeout(30000);
    await other.goto(site + '/');
    await other.locator('#welcome-signup').click();
    await other.locator('#email').fill(`newcomer@e2e-${suffix}.test`);
    await other.locator('#password').fill(password);
    await other.getByRole('button', { name: 'Create account' }).click();
    await other.locator('main h1', { hasText: 'Waiting for an admin of E2E Studio' }).waitFor();
    await snap(other, 'join-waiting-phone');

    step('the admin lets them join from the Team page');
    // The Team page is on screen already: another page first, so that it loads again.
    await page.goto(site + '/#/jobs');
    await page.locator('main h1', { hasText: 'Jobs' }).waitFor();
    await page.goto(site + '/#/team');
    await page.locator('#join-requests tbody tr', { hasText: 'newcomer@' }).waitFor();
    await snap(page, 'team-join-request');
    await page.getByRole('button', { name: `Let them join: newcomer@e2e-${suffix}.test` }).click();
    await page.locator('#members tbody tr', { hasText: 'newcomer@' }).waitFor();
    await page.locator('#join-requests-empty').waitFor();
    await snap(page, 'team-joined');

    step('the colleague checks again and is in');
    await other.locator('#check-again').click();
    await other.locator('main h1', { hasText: 'Home' }).waitFor();
    await other.locator('#balance').filter({ hasText: 'credits' }).waitFor();
    await snap(other, 'joined-home-phone');
    await colleague.close();

    step('Integrations: an admin makes an API key, shown once, and a tool uses it');
    await page.goto(site + '/#/integrations');
    await page.locator('#no-keys').waitFor();
    await page.locator('#key-name').fill('DAM sync');
    await page.locator('#make-key').click();
    const keyText = (await page.locator('#key-text').textContent()).trim();
    if (!/^i2m_test_[0-9a-f]{32}\./.test(keyText))
      throw new Error('the new key does not look like one: ' + keyText.slice(0, 12));
    await page.locator('#api-keys tbody tr', { hasText: 'DAM sync' }).filter({ hasText: 'Working' }).waitFor();
    await snap(page, 'integrations-key-made');
    const byKey = await fetch(config.apiUrl + '/credits', { headers: { authorization: 'Bearer ' + keyText } });
    if (byKey.status !== 200) throw new Error('the new key was refused: ' + byKey.status);
    await page.goto(site + '/#/jobs');
    await page.locator('main h1', { hasText: 'Jobs' }).waitFor();
    await page.goto(site + '/#/integrations');
    if (await page.locator('#key-text').count()) throw new Error('the key is shown again after leaving the page');
    await page.locator('#api-keys tbody tr', { hasText: 'DAM sync' }).filter({ hasNotText: 'Never' }).waitFor();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Turn off DAM sync' }).click();
    await page.locator('#api-keys tbody tr', { hasText: 'DAM sync' }).filter({ hasText: 'Turned off' }).waitFor();
    const afterOff = await fetch(config.apiUrl + '/credits', { headers: { authorization: 'Bearer ' + keyText } });
    if (afterOff.status !== 401) throw new Error('a turned-off key still works: ' + afterOff.status);
    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, 'integrations-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    step('Integrations: an admin adds a webhook, sends a test, and the receiver checks its signature');
    const hooks = [];
    const receiver = require('http').createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({ signature: req.headers['image2model-signature'], body });
        res.end('ok');
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    await page.locator('#hook-url').fill(`http://localhost:${receiver.address().port}/image2model`);
    await page.locator('#hook-about').fill('Our DAM');
    await page.locator('#hook-file-completed').check();
    await page.locator('#add-webhook').click();
    const secret = (await page.locator('#secret-text').textContent()).trim();
    if (!secret.startsWith('whsec_')) throw new Error('no signing secret shown: ' + secret.slice(0, 8));
    await snap(page, 'integrations-webhook-added');
    await page.getByRole('button', { name: /^Send a test/ }).click();
    for (let i = 0; i < 100 && !hooks.length; i++) await page.waitForTimeout(100);
    if (!hooks.length) throw new Error('the test message never arrived');
    const [t, v1] = hooks[0].signature.split(',').map((part) => part.split('=')[1]);
    const expected = require('crypto').createHmac('sha256', secret).update(`${t}.${hooks[0].body}`).digest('hex');
    if (v1 !== expected) throw new Error('the test message is not signed with the shown secret');
    if (JSON.parse(hooks[0].body).type !== 'ping') throw new Error('the test message is not a ping');
    // What the page still waits for, said if the Jobs page does not come (a request that never answers).
    const pending = new Map();
    page.on('request', (r) => pending.set(r, Date.now()));
    page.on('requestfinished', (r) => pending.delete(r));
    page.on('requestfailed', (r) => pending.delete(r));
    for (let i = 0; i < 50; i++) {
      await page.goto(site + '/#/jobs');
      try {
        await page.locator('main h1', { hasText: 'Jobs' }).waitFor();
      } catch (e) {
        const waiting = [...pending].map(([r, t]) => `${r.method()} ${r.url().split('?')[0]} (${Date.now() - t} ms)`);
        throw new Error(
          `the Jobs page did not come (round ${i}); still waiting for: ${waiting.join(', ') || 'nothing'}`,
        );
      }
      await page.goto(site + '/#/integrations');
      await page.locator('#webhooks-title').waitFor();
      if (await page.locator('.webhook table tbody tr', { hasText: 'Delivered' }).count()) break;
      await page.waitForTimeout(200);
    }
    await page.locator('.webhook table tbody tr', { hasText: 'A test' }).filter({ hasText: 'Delivered' }).waitFor();
    if (await page.locator('#secret-text').count()) throw new Error('the signing secret is shown again');
    await snap(page, 'integrations-webhook-delivered');
    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, 'integrations-webhook-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    receiver.close();

    step('the legal pages and the status page');
    // Each page's own heading (a hash change keeps the previous page's h1 until the new one renders).
    for (const [name, title] of [
      ['terms', 'Terms of service'],
      ['privacy', 'Privacy'],
      ['status', 'System status'],
    ]) {
      await page.goto(site + '/#/' + name);
      await page.locator('main h1', { hasText: title }).waitFor();
      if (name === 'status') {
        await page.getByText('All systems working.').waitFor();
      }
      await snap(page, name);
    }

    step('phone width');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(site + '/#/credits');
    await page.locator('#ledger').waitFor();
    await snap(page, 'credits-phone');

    step('an access token about to expire is refreshed without the person noticing');
    // The page's clock runs fast: the refresh timer set at sign-in (a minute before the token expires) fires.
    await page.clock.install();
    await page.reload();
    await page.locator('#ledger').waitFor();
    const refreshed = page.waitForRequest(
      (r) => r.url().endsWith('/oauth2/token') && (r.postData() || '').includes('grant_type=refresh_token'),
    );
    await page.clock.runFor('01:00:00');
    await refreshed;
    await page.goto(site + '/#/jobs');
    await page.locator('table .state').first().waitFor();
    if (!(await page.locator('#signout').isVisible())) throw new Error('the refresh signed the person out');

    step('a session revoked elsewhere ends with a message at the next load');
    await page.evaluate(() => localStorage.setItem('image2model.session', 'revoked-elsewhere'));
    const before = problems.length;
    await page.reload();
    await page.locator('main h1', { hasText: 'Your session has ended' }).waitFor();
    // The token endpoint's 400 for the revoked token is what this step expects (the browser logs it as an error).
    problems.splice(
      before,
      problems.length - before,
      ...problems.slice(before).filter((p) => !p.includes('status of 400')),
    );
    await snap(page, 'session-ended-phone');
    // The managed login still knows this browser (its session, an hour): signing in again needs no form.
    await page.locator('#signin-again').click();
    await page.locator('#signout').waitFor();
    if (!page.url().includes('#/')) throw new Error('not back in the app after signing in again');

    step('sign out: a reload stays signed out');
    await page.locator('#signout').click();
    await page.locator('main h1', { hasText: 'Signed out' }).waitFor();
    await page.reload();
    await page.locator('main h1', { hasText: 'Signed out' }).waitFor();
    await page.locator('#signin').waitFor();
    if (await page.locator('#signout').isVisible()) throw new Error('a reload after signing out signed back in');
    await snap(page, 'signed-out');

    step('sign in with a code emailed to the address, no password');
    await page.locator('#signin').click();
    await page.locator('#email').fill(email);
    await snap(page, 'sign-in-choices');
    await page.locator('#email-code').click();
    await page.locator('#sign-in-code').waitFor();
    await page.locator('#sign-in-code').fill(await mailedCode(config, email, 'sign-in code', 8));
    await snap(page, 'sign-in-code');
    await page.getByRole('button', { name: 'Sign in' }).first().click();
    await page.locator('#signout').waitFor();
    await page.locator('#balance').filter({ hasText: 'credits' }).waitFor();

    await page.locator('#signout').click();
    await page.locator('main h1', { hasText: 'Signed out' }).waitFor();

    step('forgot password: a code by email, a new password, signed in');
    await page.locator('#signin').click();
    await page.locator('#forgot-password').click();
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.locator('#code').waitFor();
    await page.locator('#code').fill(await mailedCode(config, email, 'reset code', 6));
    await page.locator('#new_password').fill('Another-Horse-10');
    await snap(page, 'password-reset');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.locator('#signout').waitFor();
    await page.locator('#balance').filter({ hasText: 'credits' }).waitFor();
  } catch (e) {
    problems.push(String((e && e.message) || e));
    try {
      await snap(page, 'failure');
    } catch (ignored) {
      /* the browser is gone */
    }
  } finally {
    await browser.close();
  }
  if (sitePolicy === null || !sitePolicy.includes("script-src 'self'")) {
    problems.push('the site was served without its Content-Security-Policy: ' + sitePolicy);
  }
  finish(problems, cspViolations, snap, outDir);
})();
