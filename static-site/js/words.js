// Plain words for what the API calls states and entry types: what a designer reads on the jobs and credits pages.
import { fmt, h } from './ui.js';

const FILE_STATES = {
  AWAITING_UPLOAD: 'Waiting for upload',
  UPLOADED: 'Checking the image',
  SUBMITTED: 'Generating',
  DONE: 'Ready',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled, credits returned',
};
const JOB_STATES = {
  CREATED: 'Waiting for upload',
  PROCESSING: 'Generating',
  DONE: 'Ready',
  PARTIAL: 'Partly ready',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** A file's state in words, with its reason when it failed. */
export function fileState(f) {
  if (f.state === 'UPLOADED' && f.queued) {
    // Checked and waiting for the generator: its turn comes after the images ahead of it.
    const ready = f.queueEstimateSeconds
      ? `, ready in about ${Math.max(1, Math.round(f.queueEstimateSeconds / 60))} min`
      : '';
    return f.queuePosition > 1
      ? `Waiting its turn (${f.queuePosition - 1} of yours ahead${ready})`
      : `Next in line${ready}`;
  }
  const words = FILE_STATES[f.state] || f.state;
  return f.state === 'FAILED' && f.reason ? `${words}: ${f.reason}` : words;
}

/** A job's state in words; a cancelled job says how many of its models were made before. */
export function jobState(j) {
  const done = j.counts ? j.counts.done : (j.files || []).filter((f) => f.state === 'DONE').length;
  if (j.state === 'CANCELLED' && done) return `Cancelled (${done} ready, the rest returned)`;
  return JOB_STATES[j.state] || j.state;
}

/** A state badge: the words, coloured by the state. */
export const badge = (state, words, id) => h('span', { class: 'state ' + state, id }, words);

/** The job a hold's reference names (JOB#<job>#<file>), or null. */
function jobOf(reference) {
  const match = /^JOB#(j[0-9a-f]+)#/.exec(reference || '');
  return match ? match[1] : null;
}

/** A ledger entry as a sentence, with a link to its job; never a raw key or a payment provider's id. */
export function ledgerWhat(e) {
  const job = jobOf(e.reference);
  const link = job ? [' (', h('a', { href: '#/jobs/' + job }, 'see the job'), ')'] : [];
  switch (e.type) {
    case 'RESERVE':
      return ['Reserved for an image', ...link];
    case 'CAPTURE':
      return ['Charged: the model is ready', ...link];
    case 'RELEASE':
      return ['Returned: the image was not made', ...link];
    case 'EXPIRE':
      return ['Returned: the reservation ran out', ...link];
    case 'PURCHASE':
      return [`Bought ${fmt(e.amount)} credits`];
    case 'GRANT':
      return [
        e.reference === 'trial' || !e.reference
          ? 'Trial credits'
          : e.reference.startsWith('plan_')
            ? 'Included in your plan this month'
            : 'Granted by Image2Model: ' + e.reference,
      ];
    case 'ADJUST':
      return ['Adjusted by Image2Model' + (e.reference && !/^[a-z]+_/.test(e.reference) ? ': ' + e.reference : '')];
    case 'REFUND':
      return ['Taken back: a payment was refunded'];
    default:
      return [e.type];
  }
}

/** What the entry did to the credits available: signed; a charge of reserved credits changes nothing more. */
export function ledgerAmount(e) {
  if (e.type === 'CAPTURE') return '±0';
  const minus = ['RESERVE', 'REFUND'].includes(e.type) || e.amount < 0;
  return (minus ? '−' : '+') + fmt(Math.abs(e.amount));
}

/** Who made a ledger entry when it was no member: the system's own writers, or an operator (named in the audit log). */
export const actorWords = (actor, type) =>
  ({ system: 'Image2Model', billing: 'Stripe payment' })[actor] ||
  (type === 'ADJUST' ? 'An operator (see the audit log)' : 'A former member');
