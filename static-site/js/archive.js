// "Download all": a job's models in one ZIP, in the format chosen, with their pictures and a manifest.
import { api } from './api.js';
import { h, startDownload } from './ui.js';

export function downloadAll(job) {
  const said = h('span', { role: 'status', 'aria-live': 'polite', class: 'muted', id: 'archive-status' });
  const format = h(
    'select',
    { id: 'archive-format' },
    ...['glb', 'obj', 'stl', 'usdz', 'fbx'].map((f) => h('option', { value: f }, f.toUpperCase())),
  );
  return h(
    'form',
    {
      class: 'inline',
      id: 'archive-form',
      onsubmit: async (e) => {
        e.preventDefault();
        said.textContent = 'Preparing the ZIP…';
        try {
          const made = await api('POST', `/jobs/${job.jobId}/archive`, { format: format.value });
          startDownload(made.url, made.fileName);
          said.textContent = 'Downloading ' + made.fileName + '.';
        } catch (err) {
          said.textContent = err.message;
        }
      },
    },
    h('div', {}, h('label', { for: 'archive-format' }, 'Format'), format),
    h('button', { type: 'submit', class: 'secondary', id: 'download-all' }, 'Download all'),
    said,
  );
}
