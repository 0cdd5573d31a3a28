// The first steps of a new company's admin, shown once on Home (skippable, remembered per person in this
// browser) and any time from Help: what Image2Model does, what a good photo is, what each quality costs,
// a sample image to try, and inviting the team.
import { api } from './api.js';
import { isAdmin } from './session.js';
import { fmt, h, show, state } from './ui.js';

const seenKey = () => 'image2model.onboarded.' + state.claims?.sub;

/** Whether this person should see the first steps on Home: a company admin who has not seen or skipped them. */
export const firstVisit = () => isAdmin() && !localStorage.getItem(seenKey());

const picture = (src, text, good) =>
  h(
    'figure',
    { class: 'photo-tip ' + (good ? 'do' : 'dont') },
    h('img', { src, alt: '', width: 160, height: 120 }),
    h('figcaption', {}, (good ? 'Do: ' : "Don't: ") + text),
  );

/** The steps, one at a time; {@code done} runs when the person finishes or skips them. */
export async function firstSteps(done) {
  const costs = await Promise.all(
    ['low', 'medium', 'high'].map((quality) =>
      api('POST', '/credits/estimate', { quality, files: 1 })
        .then((e) => [quality, e.perImage])
        .catch(() => [quality, null]),
    ),
  );
  const steps = [
    [
      'Turn photos into 3D models',
      [
        h(
          'p',
          {},
          'Drop product or concept photos; each becomes a textured 3D model (GLB) you can turn around in the ' +
            'browser, download, and use in your 3D, AR and e-commerce tools. ' +
            'Your team shares the credits and the models.',
        ),
      ],
    ],
    [
      'What makes a good photo',
      [
        h(
          'div',
          { class: 'photo-tips' },
          picture('/img/good-photo.svg', 'one object, whole, plain background, good light', true),
          picture('/img/bad-cut-off.svg', 'cut off by the edge', false),
          picture('/img/bad-many.svg', 'several objects', false),
          picture('/img/bad-dark.svg', 'dark or blurred', false),
        ),
      ],
    ],
    [
      'What each quality costs',
      [
        h(
          'table',
          { id: 'quality-costs' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Quality'),
              h('th', { scope: 'col' }, 'Detail'),
              h('th', { scope: 'col' }, 'Credits per image'),
            ),
          ),
          h(
            'tbody',
            {},
            ...costs.map(([quality, credits]) =>
              h(
                'tr',
                {},
                h('td', {}, quality),
                h(
                  'td',
                  {},
                  { low: 'about 1,000 faces', medium: 'about 5,000 faces', high: 'about 10,000 faces' }[quality],
                ),
                h('td', {}, credits === null ? '—' : fmt(credits)),
              ),
            ),
          ),
        ),
        h('p', { class: 'muted' }, 'A model that fails costs nothing: its credits come back.'),
      ],
    ],
  ];
  let at = 0;
  const finish = () => {
    localStorage.setItem(seenKey(), new Date().toISOString());
    done();
  };
  const box = h('section', { class: 'first-steps', id: 'first-steps', 'aria-label': 'First steps' });
  const draw = () => {
    const [title, body] = steps[at];
    const last = at === steps.length - 1;
    box.replaceChildren(
      h('p', { class: 'muted' }, `Step ${at + 1} of ${steps.length}`),
      h('h2', {}, title),
      ...body,
      h(
        'p',
        { class: 'actions' },
        at > 0
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => {
                  at -= 1;
                  draw();
                },
              },
              'Back',
            )
          : null,
        ' ',
        last
          ? null
          : h(
              'button',
              {
                type: 'button',
                id: 'first-steps-next',
                onclick: () => {
                  at += 1;
                  draw();
                },
              },
              'Next',
            ),
        last
          ? h(
              'a',
              { href: '#/create?sample=1', class: 'button', id: 'try-sample', onclick: finish },
              'Try a sample image',
            )
          : null,
        ' ',
        last && isAdmin()
          ? h('a', { href: '#/team', class: 'button secondary', onclick: finish }, 'Invite your team')
          : null,
        ' ',
        h(
          'button',
          { type: 'button', class: 'secondary', id: 'first-steps-skip', onclick: finish },
          last ? 'Done' : 'Skip',
        ),
      ),
    );
  };
  draw();
  return box;
}

/** Help: the first steps again, any time. */
export async function helpPage() {
  show(
    'Help',
    await firstSteps(() => {
      location.hash = '#/home';
    }),
    h('p', {}, 'Questions? Write to support from the address you sign in with.'),
  );
}
