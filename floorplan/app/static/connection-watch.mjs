// The page's connection watchdog, run once when the document is ready (phase "ready")
// and by Bokeh's "connection_lost" document event (phase "lost").
//
// A page learns that its server is out of reach three ways: Bokeh's websocket closes
// (a restart, a crash: at once), the browser goes offline (at once), or a heartbeat to
// the cheap probe URL fails twice in a row (a silent network drop: within ~2 beats).
// Then it shows a calm banner over the page (the last map stays visible), asks the
// probe again with a growing delay (backoff, capped so that it notices the server's
// return within max_ms), and as soon as the server answers, reloads into reload_url
// (the same kiosk, language and home view), after a random wait of up to jitter_ms so
// that a hall of kiosks does not come back in one burst. A page whose session is gone
// cannot be revived in place: Panel does not let Bokeh reconnect it, so it reloads.
// `block` names the buttons (by CSS class) to disable meanwhile, and puts a shield over
// the page so that nothing else takes a click either.
// window.__fp_conn.go(url) navigates only when the server answers (the idle reset uses
// it: a kiosk never navigates into a browser error page).
export default ({phase, reload_url, probe_url, beat_ms, max_ms, jitter_ms, banner_html,
                 style_text, block}) => {
  if (phase === 'lost') {
    if (window.__fp_conn) { window.__fp_conn.lost('websocket'); }
    return;
  }
  if (window.__fp_conn) { return; }
  const log = [];
  const note = (what) => { log.push({what, at: Date.now()}); };
  const style = document.createElement('style');
  style.textContent = style_text;
  document.head.appendChild(style);
  const banner = document.createElement('div');
  banner.className = 'fp-conn-banner';
  banner.setAttribute('role', 'status');
  banner.setAttribute('aria-live', 'polite');
  banner.innerHTML = banner_html;  // rendered by the server's template, escaped there
  banner.hidden = true;
  const shield = document.createElement('div');
  shield.className = 'fp-conn-shield';
  shield.hidden = true;
  document.body.append(shield, banner);
  const root = document.documentElement;
  root.dataset.fpConnection = 'ok';
  const probe = async (timeout_ms) => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeout_ms);
    try {
      const r = await fetch(probe_url, {cache: 'no-store', signal: ctl.signal});
      return r.ok;
    } catch (e) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  let lost_since = null, delay = 0, timer = null, fails = 0, leaving = false;
  const disable = () => {
    if (!block || !block.length) { return; }
    for (const doc of (window.Bokeh ? Bokeh.documents : [])) {
      for (const m of doc.all_models) {
        const classes = m.css_classes || [];
        if ('disabled' in m && block.some((c) => classes.includes(c))) { m.disabled = true; }
      }
    }
  };
  const leave = (url) => {
    if (leaving) { return; }
    leaving = true;
    note('reload');
    setTimeout(() => location.replace(url), Math.random() * jitter_ms);
  };
  const retry = async () => {
    timer = null;
    note('probe');
    if (navigator.onLine !== false && await probe(Math.min(3000, max_ms))) {
      leave(reload_url);
      return;
    }
    delay = Math.min(max_ms, Math.max(500, delay * 1.6));
    timer = setTimeout(retry, delay);
  };
  const lost = (why) => {
    if (lost_since !== null || leaving) { return; }
    lost_since = Date.now();
    note('lost:' + why);
    root.dataset.fpConnection = 'lost';
    banner.hidden = false;
    shield.hidden = !(block && block.length);
    disable();
    delay = 0;
    timer = setTimeout(retry, 500);
  };
  addEventListener('offline', () => lost('offline'));
  addEventListener('online', () => {
    if (lost_since !== null && timer !== null) { clearTimeout(timer); retry(); }
  });
  setInterval(async () => {
    if (lost_since !== null || leaving) { return; }
    if (await probe(Math.min(4000, beat_ms))) { fails = 0; }
    else if (++fails >= 2) { lost('heartbeat'); }
  }, beat_ms);
  window.__fp_conn = {
    lost,
    log,
    get lost_since() { return lost_since; },
    go: async (url) => {
      if (lost_since !== null || leaving) { note('go:held'); return; }
      if (await probe(3000)) { leave(url); } else { note('go:held'); lost('navigate'); }
    },
  };
};
