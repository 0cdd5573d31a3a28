// Home, the page after sign-in: credits, this month's use, the last 30 days, the last jobs, and what to do next.
import { api, balanceLine } from './api.js';
import { isAdmin } from './session.js';
import { chart, everyDay, fmt, h, images, show, thumb, when } from './ui.js';
import { firstSteps, firstVisit } from './onboarding.js';
import { badge, jobState } from './words.js';

export async function homePage() {
  const [credits, byDay, jobs, members] = await Promise.all([
    balanceLine(),
    api('GET', '/usage?groupBy=day'),
    api('GET', '/jobs'),
    api('GET', '/company/members').catch(() => ({ members: [] })),
  ]);
  const month = new Date().toISOString().slice(0, 7);
  const thisMonth = byDay.rows.filter((r) => r.day.startsWith(month));
  const imagesThisMonth = thisMonth.reduce((a, r) => a + r.images, 0);
  const days = everyDay(byDay);
  const recent = jobs.jobs.slice(0, 10);
  // A new company's admin sees the first steps once, above everything else.
  const steps = firstVisit() ? await firstSteps(() => homePage()) : null;
  show(
    'Home',
    steps,
    h('h2', {}, 'What to do next'),
    h('ul', { class: 'next', id: 'next-steps' }, ...nextSteps(credits, recent, members.members)),
    h(
      'div',
      { class: 'stats' },
      stat('home-available', fmt(credits?.available), 'credits available'),
      stat('home-held', fmt(credits?.held), 'held for work in progress'),
      stat('home-images', fmt(imagesThisMonth), 'images this month'),
      stat('home-credits', fmt(credits?.usedThisMonth), 'credits used this month'),
    ),
    h('h2', {}, 'Credits used, last 30 days'),
    chart(
      'bar',
      `Credits used per day from ${byDay.from} to ${byDay.to}`,
      days.map((r) => r.day.slice(5)),
      [{ label: 'Credits', data: days.map((r) => r.credits) }],
      { x: 'Day (UTC)', y: 'Credits' },
    ),
    h('h2', {}, 'Your latest jobs'),
    recent.length
      ? h(
          'ul',
          { class: 'recent', id: 'recent-jobs' },
          ...recent.map((j) =>
            h(
              'li',
              {},
              thumb(j.cover, ''),
              h('a', { href: '#/jobs/' + j.jobId }, j.name || 'Job'),
              ' ',
              badge(j.state, jobState(j)),
              h('span', { class: 'muted' }, ` ${images(j.counts.files)}, ${when(j.createdAt)}`),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No jobs yet: your models will be listed here.'),
  );
}

const stat = (id, value, label) => h('div', { class: 'stat' }, h('b', { id }, value), label);

/** The one to three things that move this company forward now. */
function nextSteps(credits, recent, members) {
  const steps = [];
  if (!recent.length) {
    steps.push(
      h(
        'li',
        {},
        h('a', { href: '#/create', class: 'button', id: 'first-model' }, 'Make your first 3D model'),
        ' Drop a product photo; a low-quality model costs 35 credits and is ready in about a minute.',
      ),
    );
  } else {
    steps.push(h('li', {}, h('a', { href: '#/create', class: 'button' }, 'Create models'), ' from more images.'));
  }
  if (credits?.lowBalance) {
    steps.push(
      h(
        'li',
        {},
        isAdmin()
          ? h('a', { href: '#/billing', class: 'button secondary' }, 'Buy credits')
          : 'Ask an admin to buy credits:',
        ` ${fmt(credits.available)} credits left.`,
      ),
    );
  }
  if (isAdmin() && members.length < 2) {
    steps.push(
      h(
        'li',
        {},
        h('a', { href: '#/team', class: 'button secondary' }, 'Invite your team'),
        ' They work with the same credits and see the same models.',
      ),
    );
  }
  return steps;
}
