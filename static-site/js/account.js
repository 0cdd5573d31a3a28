// One's own data: downloading it (and, for admins, the company's), deleting one's account or the company.
import { api } from './api.js';
import { isAdmin, signOut } from './session.js';
import { h } from './ui.js';

/** Saves a JSON answer as a file the person downloads. */
export function saveJson(name, data) {
  const link = h('a', {
    href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })),
    download: name,
  });
  document.body.append(link);
  link.click();
  link.remove();
}

export function yourData(company, result) {
  const run = (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      result.textContent = e.message;
    }
  };
  return [
    h('h2', {}, 'Your data'),
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'export-account',
          onclick: run(async () => saveJson('image2model-my-data.json', await api('GET', '/account/export'))),
        },
        'Download my data',
      ),
      ' ',
      isAdmin()
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              id: 'export-company',
              onclick: run(async () => saveJson('image2model-company-data.json', await api('GET', '/company/export'))),
            },
            'Download company data',
          )
        : '',
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          id: 'delete-account',
          onclick: run(async () => {
            const typed = prompt(
              'This deletes your account and your personal data for good. Type your email address to confirm.',
            );
            if (typed === null) return;
            await api('DELETE', '/account', { confirm: typed });
            signOut();
          }),
        },
        'Delete my account',
      ),
      ' ',
      isAdmin()
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              id: 'delete-company',
              onclick: run(async () => {
                const typed = prompt(
                  `This deletes ${company.name}, every member's account, every image and model, for good. ` +
                    "Type the company's name to confirm.",
                );
                if (typed === null) return;
                result.textContent = (await api('DELETE', '/company', { confirm: typed })).message;
              }),
            },
            'Delete the company',
          )
        : '',
    ),
  ];
}
