// The page a review link opens, signed in or not: a job's models to look at in 3D, and per model
// "Approve" or "Request changes" with a comment. It shows nothing else of the company.
import { publicApi } from './api.js';
import { h, message, showPublic as show, thumb, when } from './ui.js';

const decisionWords = { approve: 'Approved', request_changes: 'Changes requested' };

export async function reviewPage(token) {
  let review;
  try {
    review = await publicApi('/reviews/view', { token });
  } catch (e) {
    return show(
      e.code === 'share_expired' ? 'This review link has expired' : 'This review link cannot be opened',
      message(e.message),
      h('p', { class: 'muted' }, 'Ask whoever sent it for a new link.'),
    );
  }
  // One viewer for the page (each model-viewer adds its own announcements region); a model's picture shows it there.
  const first = review.models[0];
  const viewer = h('model-viewer', {
    id: 'review-viewer',
    src: first?.model.url,
    alt: first ? '3D model ' + first.name : '3D model',
    'camera-controls': true,
    'touch-action': 'pan-y',
    'environment-image': 'neutral',
    ...(first?.thumbnail ? { poster: first.thumbnail.url } : {}),
  });
  const showIn3d = (m) => {
    viewer.setAttribute('src', m.model.url);
    viewer.setAttribute('alt', '3D model ' + m.name);
    if (m.thumbnail) viewer.setAttribute('poster', m.thumbnail.url);
    viewer.scrollIntoView({ behavior: 'smooth', block: 'center' });
  };
  show(
    `Review: ${review.jobName || 'models'}`,
    h(
      'p',
      { class: 'muted' },
      `Shared by ${review.companyName}. The link works until ${when(review.expiresAt)}. ` +
        'Look at each model, then approve it or say what should change.',
    ),
    viewer,
    h(
      'ul',
      { class: 'review', id: 'review-models' },
      ...review.models.map((m) => card(token, m, review.allowDownload, showIn3d)),
    ),
  );
}

function card(token, m, allowDownload, showIn3d) {
  const said = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' }, decided(m.review));
  const comment = h('textarea', { id: 'comment-' + m.fileId, rows: 2, maxlength: 1000 });
  const decide = async (decision) => {
    try {
      const after = await publicApi('/reviews/decide', { token, fileId: m.fileId, decision, comment: comment.value });
      const now = after.models.find((x) => x.fileId === m.fileId);
      said.textContent = decided(now?.review);
    } catch (e) {
      said.textContent = e.message;
    }
  };
  return h(
    'li',
    { 'data-file': m.fileId },
    h('h2', {}, m.name),
    h(
      'button',
      { type: 'button', class: 'picture', onclick: () => showIn3d(m) },
      thumb(m.thumbnail, '', 200),
      h('span', {}, 'View in 3D'),
    ),
    h('label', { for: 'comment-' + m.fileId }, 'Comment (needed to request changes)'),
    comment,
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => decide('approve') }, 'Approve'),
      ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => decide('request_changes') }, 'Request changes'),
      allowDownload && m.download ? ' ' : null,
      allowDownload && m.download ? h('a', { href: m.download.url, class: 'button secondary' }, 'Download GLB') : null,
    ),
    said,
  );
}

function decided(review) {
  if (!review) return 'Not reviewed yet.';
  const words = decisionWords[review.decision] || review.decision;
  return `${words}${review.comment ? ': ' + review.comment : ''} (${when(review.at)})`;
}
