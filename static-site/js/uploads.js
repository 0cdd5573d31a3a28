// Uploads of chosen images to their presigned URLs, all at once, each with its progress on its entry.
import { uploadHeaders } from './api.js';

/**
 * Sends each {upload, entry} (the API's signed PUT, the Create page's chosen image); entry.progress and
 * entry.problem follow each one, and onProgress(fraction of all bytes sent) is called as they go.
 */
export async function uploadAll(uploads, onProgress) {
  const total = uploads.reduce((a, u) => a + u.entry.file.size, 0) || 1;
  const loaded = new Array(uploads.length).fill(0);
  await Promise.all(
    uploads.map(
      ({ upload, entry }, i) =>
        new Promise((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('PUT', upload.url);
          Object.entries(uploadHeaders(upload)).forEach(([name, value]) => xhr.setRequestHeader(name, value));
          xhr.upload.onprogress = (p) => {
            entry.progress = Math.round((100 * p.loaded) / p.total);
            loaded[i] = p.loaded;
            onProgress(loaded.reduce((a, b) => a + b, 0) / total);
          };
          xhr.onloadend = () => {
            entry.progress = 100;
            entry.problem = xhr.status === 200 ? null : 'The upload failed (' + xhr.status + ').';
            onProgress(loaded.reduce((a, b) => a + b, 0) / total);
            resolve();
          };
          xhr.send(entry.file);
        }),
    ),
  );
}
