// Place the map's labels and icons for the current view, so that no two overlap.
//
// Run in the browser whenever the view, the plot's size or a candidate source changes:
// the pixel size of a metre is only known here. Candidates are tried in priority order
// ("You are here", the chosen booth and search hits, hall names, icons, booth numbers,
// exhibitor names) and each is kept only if its box, measured with the canvas's own
// measureText in the font its HTML label is drawn with, meets no box kept before it
// (a greedy pass over a grid of cells). Booth numbers and names are kept only where they
// fit inside their booth. What is kept goes into the "shown" sources with sync off: the
// placement is the browser's own business and is never sent back to the server.
const CELL = 64;
const GAP = 3;

const measurer = (() => {
  let ctx = null;
  const cache = new Map();
  return (font, text) => {
    const key = font + "\u0000" + text;
    let m = cache.get(key);
    if (m === undefined) {
      ctx ??= document.createElement("canvas").getContext("2d");
      ctx.font = font;
      const t = ctx.measureText(text);
      const h = (t.fontBoundingBoxAscent ?? 0) + (t.fontBoundingBoxDescent ?? 0);
      m = [t.width, h > 0 ? h : parseFloat(font.match(/(\d+(\.\d+)?)px/)[1]) * 1.3];
      if (cache.size > 20000) { cache.clear(); }
      cache.set(key, m);
    }
    return m;
  };
})();

class Boxes {
  constructor() { this.cells = new Map(); }
  * _keys(b) {
    for (let i = Math.floor(b[0] / CELL); i <= Math.floor(b[2] / CELL); i++) {
      for (let j = Math.floor(b[1] / CELL); j <= Math.floor(b[3] / CELL); j++) {
        yield i * 100003 + j;
      }
    }
  }
  hits(b) {
    for (const k of this._keys(b)) {
      for (const o of this.cells.get(k) ?? []) {
        if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) { return true; }
      }
    }
    return false;
  }
  add(b) {
    for (const k of this._keys(b)) {
      const list = this.cells.get(k);
      if (list === undefined) { this.cells.set(k, [b]); } else { list.push(b); }
    }
  }
  // Keep box b if it is on screen and meets no kept box.
  take(b, W, H) {
    if (b[0] < 0 || b[1] < 0 || b[2] > W || b[3] > H || this.hits(b)) { return false; }
    this.add(b);
    return true;
  }
}

// A text's box around screen point (sx, sy), padded by GAP: centred, above or below it.
function textBox(font, text, sx, sy, baseline) {
  const [w, h] = measurer(font, text);
  const top = baseline === "bottom" ? sy - h : baseline === "top" ? sy : sy - h / 2;
  return [sx - w / 2 - GAP, top - GAP, sx + w / 2 + GAP, top + h + GAP];
}

function place(a) {
  const {fig, xr, yr, fonts} = a;
  const W = fig.inner_width, H = fig.inner_height;
  const dx = xr.end - xr.start, dy = yr.end - yr.start;
  if (!(W > 0 && H > 0 && dx > 0 && dy > 0)) { return; }
  const ppm = W / dx;
  const sx = (x) => (x - xr.start) * W / dx;
  const sy = (y) => (yr.end - y) * H / dy;
  const boxes = new Boxes();
  // "You are here": its icon and its label are kept whatever else there is.
  const here = a.here.data;
  for (let i = 0; i < (here.x?.length ?? 0); i++) {
    const x = sx(here.x[i]), y = sy(here.y[i]), r = a.here_px / 2 + GAP;
    boxes.add([x - r, y - r, x + r, y + r]);
    boxes.add(textBox(fonts.here, here.label[i], x, y + a.here_offset, "top"));
  }
  const out = {};
  out.marks = keep(a.marks.data, ["x", "y", "text", "fg", "bg"], (d, i) =>
    boxes.take(textBox(fonts.mark, d.text[i], sx(d.x[i]), sy(d.y[i]), "bottom"), W, H));
  out.halls = keep(a.halls.data, ["x", "y", "text"], (d, i) =>
    boxes.take(textBox(fonts.hall, d.text[i], sx(d.x[i]), sy(d.y[i]), "middle"), W, H));
  const size = Math.min(a.icon_max, Math.max(a.icon_min, a.icon_m * ppm));
  out.icons = keep(a.icons.data, ["x", "y", "url"], (d, i) => {
    const x = sx(d.x[i]), y = sy(d.y[i]), r = size / 2 + GAP;
    return boxes.take([x - r, y - r, x + r, y + r], W, H);
  });
  out.icons.size = out.icons.x.map(() => size);
  const b = a.booths.data;
  const fits = (font, text, i) => {
    const [w, h] = measurer(font, text);
    return text && w + 2 * GAP <= b.w[i] * ppm && h <= b.h[i] * ppm / 2;
  };
  out.ids = keep(b, ["cx", "cy", "booth_id"], (d, i) => fits(fonts.id, d.booth_id[i], i)
    && boxes.take(textBox(fonts.id, d.booth_id[i], sx(d.cx[i]), sy(d.cy[i]), "bottom"), W, H));
  out.names = keep(b, ["cx", "cy", "exhibitor"], (d, i) => fits(fonts.name, d.exhibitor[i], i)
    && boxes.take(textBox(fonts.name, d.exhibitor[i], sx(d.cx[i]), sy(d.cy[i]), "top"), W, H));
  for (const [key, src] of Object.entries(a.out)) {
    src.setv({data: out[key]}, {sync: false});
  }
}

// Return the columns of the rows of d for which test(d, i) holds.
function keep(d, cols, test) {
  const res = Object.fromEntries(cols.map((c) => [c, []]));
  const n = d[cols[0]]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    if (test(d, i)) { for (const c of cols) { res[c].push(d[c][i]); } }
  }
  return res;
}

// Once per animation frame however many ranges and sources changed.
export default (args) => {
  const {fig} = args;
  if (fig.__fp_place_pending) { return; }
  fig.__fp_place_pending = true;
  requestAnimationFrame(() => {
    fig.__fp_place_pending = false;
    place(args);
  });
};
