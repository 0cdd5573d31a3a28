// One chosen image on the Create page: its picture, name, size or problem, upload progress and Remove.
import { fmt, h } from './ui.js';

/** {@code extra}: more controls beside the picture (the side a view shows), or null. */
export function fileRow(entry, remove, extra = null) {
  return h(
    'li',
    {},
    h('img', { src: entry.url, alt: '' }),
    h(
      'div',
      {},
      h('div', {}, entry.file.name),
      h(
        'div',
        { class: entry.problem ? 'bad' : 'muted' },
        entry.problem || `${entry.size}, ${fmt(Math.round(entry.file.size / 1024))} KB`,
      ),
      entry.progress
        ? h('progress', { max: 100, value: entry.progress, 'aria-label': 'Upload of ' + entry.file.name })
        : null,
      extra,
    ),
    h('button', { type: 'button', class: 'secondary', onclick: remove }, 'Remove'),
  );
}
