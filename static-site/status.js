// Shows GET /health: which of the system's resources answer.
(async function showStatus() {
  const summary = document.getElementById('summary');
  const rows = document.getElementById('components');
  try {
    const response = await fetch('/health', { headers: { accept: 'application/json' } });
    const health = await response.json();
    summary.textContent = health.status === 'ok' ? 'All systems working.' : 'Some parts are down: ' + health.down.join(', ');
    summary.className = health.status === 'ok' ? 'ok' : 'down';
    rows.replaceChildren(...Object.entries(health.components).map(([name, c]) => {
      const tr = document.createElement('tr');
      for (const text of [name, c.resource, c.status + (c.error ? ' (' + c.error + ')' : '')]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      }
      tr.lastChild.className = c.status === 'ok' ? 'ok' : 'down';
      return tr;
    }));
  } catch (e) {
    summary.textContent = 'The API did not answer: ' + e.message;
    summary.className = 'down';
  }
})();
