// Tell the server the view box once a pan or zoom settles (debounced: one message, not one
// per frame), for venues whose booths are sent for the view only.
export default ({src, xr, yr}) => {
  if (src._fp_timer) { clearTimeout(src._fp_timer); }
  src._fp_timer = setTimeout(() => {
    const v = [xr.start, xr.end, yr.start, yr.end];
    if (!v.every(Number.isFinite)) { return; }
    src.data = {x0: [v[0]], x1: [v[1]], y0: [v[2]], y1: [v[3]]};
  }, 150);
};
