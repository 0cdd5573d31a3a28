// The images chosen on Create, kept in this browser (IndexedDB) until their job is created or they are removed, so
// that a reload or a trip to Checkout loses nothing; and the sample image the first steps offer.
import { state } from './ui.js';

const STORE = 'selection';
const key = () => 'create.' + state.claims?.sub;

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('image2model', 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => {
      db.close();
      resolve(request.result);
    };
    tx.onerror = () => reject(tx.error);
  });
}

/** Keeps the usable images and the quality; none left, nothing is kept. A browser without IndexedDB keeps nothing. */
export async function keep(entries, quality) {
  const files = entries.filter((e) => !e.problem).map((e) => ({ name: e.file.name, type: e.file.type, blob: e.file }));
  try {
    await run('readwrite', (s) => (files.length ? s.put({ files, quality }, key()) : s.delete(key())));
  } catch (e) {
    // Keeping is a convenience: Create works without it.
  }
}

export async function forgetKept() {
  try {
    await run('readwrite', (s) => s.delete(key()));
  } catch (e) {
    // Nothing was kept.
  }
}

/** How many images are kept (0 when none). */
export async function keptCount() {
  try {
    return (await run('readonly', (s) => s.get(key())))?.files?.length || 0;
  } catch (e) {
    return 0;
  }
}

/** What Create starts with: the sample (from the first steps), the images kept from before, or nothing. */
export async function initialSelection() {
  if (new URLSearchParams(location.hash.split('?')[1] || '').get('sample')) {
    const blob = await (await fetch('/img/sample-product.jpg')).blob();
    return { files: [new File([blob], 'sample-product.jpg', { type: 'image/jpeg' })], quality: 'low' };
  }
  try {
    const kept = await run('readonly', (s) => s.get(key()));
    if (kept?.files?.length) {
      return { files: kept.files.map((f) => new File([f.blob], f.name, { type: f.type })), quality: kept.quality };
    }
  } catch (e) {
    // Nothing kept.
  }
  return null;
}
