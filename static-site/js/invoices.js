// The Billing page's invoices: each of the plan's invoices with its date, amount and state, its page and PDF at Stripe.
import { api } from './api.js';
import { isAdmin } from './session.js';
import { h, money, table } from './ui.js';

const STATES = {
  paid: 'Paid',
  open: 'Waiting for payment',
  void: 'Cancelled',
  uncollectible: 'Not collected',
  draft: 'Draft',
};

/** The section (admins), or nothing when the company has no invoice yet. */
export async function invoicesSection() {
  if (!isAdmin()) return null;
  const { invoices } = await api('GET', '/billing/invoices').catch(() => ({ invoices: [] }));
  if (!invoices.length) return null;
  return h(
    'section',
    { 'aria-labelledby': 'invoices-title' },
    h('h2', { id: 'invoices-title' }, 'Invoices'),
    table(
      'invoices',
      ['Date', 'Invoice', 'Amount', 'State', ''],
      invoices.map((i) => [
        new Date(i.created).toLocaleDateString(),
        i.hostedUrl ? h('a', { href: i.hostedUrl, rel: 'noopener', target: '_blank' }, i.number || i.id) : i.number,
        money(i.amountCents),
        STATES[i.status] || i.status,
        i.pdfUrl
          ? h(
              'a',
              { href: i.pdfUrl, rel: 'noopener' },
              'PDF',
              h('span', { class: 'visually-hidden' }, ' of ' + i.number),
            )
          : '',
      ]),
    ),
  );
}
