// The return from Stripe Checkout: the payment confirmed with the new balance, and the way back to the chosen images.
import { balanceLine } from './api.js';
import { keptCount } from './kept-files.js';
import { fmt, h, images } from './ui.js';

/** After Checkout: the balance, read again until Stripe's event has arrived (a few seconds at most). */
export async function confirmBalance(status) {
  // The images chosen on Create before Checkout are still there: one click back to them.
  const kept = await keptCount();
  if (kept)
    status.after(
      h('p', {}, h('a', { href: '#/create', class: 'button', id: 'back-to-images' }, `Back to your ${images(kept)}`)),
    );
  const first = await balanceLine();
  for (let i = 0; i < 8 && first; i++) {
    await new Promise((done) => {
      setTimeout(done, 1500);
    });
    const now = await balanceLine();
    if (now && now.available !== first.available) {
      status.textContent = `Thank you: the payment went through. Your balance is now ${fmt(now.available)} credits.`;
      return;
    }
  }
  if (first) status.textContent = `Thank you: the payment went through. Your balance: ${fmt(first.available)} credits.`;
}
