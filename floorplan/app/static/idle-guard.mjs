// The kiosk's browser-side guard, run once when the document is ready: no accidental
// zoom or scroll on a touch screen, and back to the home view after idle_ms without
// input (only once someone used the page, or it was opened on a route), and only when
// the server answers.
export default ({idle_ms, home}) => {
  const meta = document.querySelector('meta[name=viewport]') || document.createElement('meta');
  meta.name = 'viewport';
  meta.content = 'width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no';
  document.head.appendChild(meta);
  document.documentElement.style.overflow = 'hidden';
  document.documentElement.style.overscrollBehavior = 'none';
  document.body.style.overflow = 'hidden';
  document.body.style.touchAction = 'manipulation';
  document.addEventListener('gesturestart', (e) => e.preventDefault());
  document.addEventListener('wheel', (e) => { if (e.ctrlKey) e.preventDefault(); },
                            {passive: false});
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && ['+', '-', '=', '0'].includes(e.key)) e.preventDefault();
  });
  if (idle_ms <= 0) { return; }
  let touched = new URLSearchParams(location.search).has('to');
  let last = Date.now();
  const poke = () => { touched = true; last = Date.now(); };
  for (const ev of ['pointerdown', 'keydown', 'wheel', 'touchstart']) {
    document.addEventListener(ev, poke, {capture: true, passive: true});
  }
  window.__idle_home = home;
  setInterval(() => {
    if (touched && Date.now() - last >= idle_ms) {
      touched = false;
      // Through the connection watchdog: it goes only when the server answers (else it
      // shows its banner and comes home once the server is back), never to an error page.
      if (window.__fp_conn) { window.__fp_conn.go(home); } else { location.replace(home); }
    }
  }, 500);
};
