// When the chosen images do not fit the credits: fewer images, a lower quality, or more credits, each with its cost.
import { api } from './api.js';
import { isAdmin } from './session.js';
import { fmt, h, images } from './ui.js';

const QUALITIES = ['high', 'medium', 'low'];

/** The ways forward for estimate e of count images at quality q; the actions come from the Create page. */
export async function waysForward(e, q, count, { keepFirst, useQuality, bodyFor }) {
  const out = [];
  const fitting = Math.floor(e.available / e.perImage);
  if (fitting > 0) {
    const keep = h(
      'button',
      { type: 'button', class: 'secondary', id: 'fewer-images', onclick: () => keepFirst(fitting) },
      `Keep the first ${images(fitting)}`,
    );
    out.push(h('li', {}, keep, ` ${fmt(fitting * e.perImage)} credits`));
  }
  for (const lower of QUALITIES.filter((l) => QUALITIES.indexOf(l) > QUALITIES.indexOf(q))) {
    // The same options at a lower detail (bodyFor: the page's other choices kept).
    const cheaper = await api('POST', '/credits/estimate', bodyFor ? bodyFor(lower) : { quality: lower, files: count });
    if (cheaper.fits) {
      const use = h(
        'button',
        { type: 'button', class: 'secondary', id: 'use-' + lower, onclick: () => useQuality(lower) },
        `Use ${lower} quality`,
      );
      out.push(h('li', {}, use, ` ${fmt(cheaper.cost)} credits for all ${count}`));
    }
  }
  out.push(
    h(
      'li',
      { class: 'buys' },
      isAdmin()
        ? h('a', { href: '#/billing', class: 'button', id: 'buy-credits' }, 'Buy credits')
        : 'Ask an admin of your company to buy credits.',
      ' from $50 for 5,000 credits',
    ),
  );
  return [h('p', {}, 'Ways forward:'), h('ul', { class: 'ways' }, ...out)];
}
