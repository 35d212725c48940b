// Ticks SLA countdowns in the browser, once a second, from the due instant the server rendered: the server only
// sends changes (a new due instant, a pause, a breach), never a render per second. Each countdown is a
// <span class="sla-live" data-due="…" data-rendered="…" data-prefix="…"> that the server leaves empty (data-rendered may
// sit on an enclosing element instead, as on the breach board, whose rows then stay the same between renders); the
// server's own text next to it shows until the first tick (and without JavaScript).
(() => {
  const skew = new WeakMap();

  function span(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
    if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
    if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
    return `${sec}s`;
  }

  function tick() {
    const browserNow = Date.now();
    document.querySelectorAll('.sla-live[data-due]').forEach(el => {
      // The server's clock is the truth: correct for the difference seen when the element was rendered.
      if (!skew.has(el)) skew.set(el, Date.parse(el.dataset.rendered ?? el.closest('[data-rendered]')?.dataset.rendered) - browserNow);
      const now = browserNow + skew.get(el);
      const left = Date.parse(el.dataset.due) - now;
      const text = (el.dataset.prefix || '') + (left >= 0 ? `${span(left)} left` : `${span(left)} late`);
      if (el.textContent !== text) el.textContent = text;
      const chip = el.closest('.mud-chip');
      if (chip) chip.classList.toggle('sla-overdue', left < 0);
    });
  }

  // Instants (<Time>) in the reader's own time zone. Blazor renders the span empty and may later change data-at;
  // data-shown remembers what was filled in, so a changed instant is shown again.
  const full = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  const compact = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  function localize() {
    document.querySelectorAll('.local-time[data-at]').forEach(el => {
      if (el.dataset.shown === el.dataset.at) return;
      const at = new Date(el.dataset.at);
      if (isNaN(at)) return;
      el.textContent = (el.dataset.compact === 'true' ? compact : full).format(at);
      el.dataset.shown = el.dataset.at;
    });
  }

  setInterval(() => { tick(); localize(); }, 1000);
  document.addEventListener('DOMContentLoaded', localize);
  document.addEventListener('DOMContentLoaded', tick);
})();
