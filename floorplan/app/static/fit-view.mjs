// Fit the map's view to the box in src (x = [x0, x1], y = [y0, y1], pad = a share of the
// box added on each side), keeping the plot's aspect ratio. Done in the browser, where
// the plot's pixel size is known; run whenever src changes.
export default ({src, xr, yr, fig, min_span}) => {
  const [x0, x1] = src.data.x, [y0, y1] = src.data.y;
  if (x0 === undefined) { return; }
  const pad = 1 + 2 * src.data.pad[0];
  let w = Math.max(x1 - x0, min_span) * pad, h = Math.max(y1 - y0, min_span) * pad;
  const W = fig.inner_width || 1, H = fig.inner_height || 1;
  if (w / h < W / H) { w = h * W / H; } else { h = w * H / W; }
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  // As Bokeh's own zoom does: else the next redraw re-fits the data range.
  xr.have_updated_interactively = true;
  yr.have_updated_interactively = true;
  xr.setv({start: cx - w / 2, end: cx + w / 2});
  yr.setv({start: cy - h / 2, end: cy + h / 2});
};
