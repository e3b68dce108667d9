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
// Pixels kept clear around each label; a booth's number sits this far above its centre
// and its name as far below (the label sets' y_offset).
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
      // Lines as an HTML label draws them (white-space: pre): the widest and their sum.
      let w = 0, h = 0;
      for (const line of text.split("\n")) {
        const t = ctx.measureText(line);
        const lh = (t.fontBoundingBoxAscent ?? 0) + (t.fontBoundingBoxDescent ?? 0);
        w = Math.max(w, t.width);
        h += lh > 0 ? lh : parseFloat(font.match(/(\d+(\.\d+)?)px/)[1]) * 1.3;
      }
      m = [w, h];
      if (cache.size > 20000) { cache.clear(); }
      cache.set(key, m);
    }
    return m;
  };
})();

// Break text at spaces into at most max_lines lines no wider than width pixels; null if
// it cannot be done (a word too wide, too many lines).
function wrap(font, text, width, max_lines) {
  const lines = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.length ? lines[lines.length - 1] + " " + word : null;
    if (last !== null && measurer(font, last)[0] <= width) {
      lines[lines.length - 1] = last;
    } else if (measurer(font, word)[0] <= width && lines.length < max_lines) {
      lines.push(word);
    } else {
      return null;
    }
  }
  return lines.length ? lines.join("\n") : null;
}

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
  // What sits over the map's corners: the icon key, the north arrow, the scale bar.
  const pv = window.Bokeh?.index?.find_one(fig);
  if (pv) {
    const c = pv.canvas_view.el.getBoundingClientRect();
    const ox = c.left + pv.frame.bbox.left, oy = c.top + pv.frame.bbox.top;
    for (const m of a.corners) {
      const el = Bokeh.index.find_one(m)?.el;
      const r = el?.getBoundingClientRect();
      if (r && r.width) {
        boxes.add([r.left - ox - GAP, r.top - oy - GAP, r.right - ox + GAP, r.bottom - oy + GAP]);
      }
    }
  }
  // The scale bar as last drawn (canvas pixels), else the corner it is drawn in.
  const bar = window.Bokeh?.index?.find_one(a.scale_bar)?.bbox;
  if (pv && bar && bar.width) {
    const {left, top} = pv.frame.bbox;
    boxes.add([bar.left - left - GAP, bar.top - top - GAP, bar.right - left + GAP, bar.bottom - top + GAP]);
  } else {
    boxes.add([0, H - a.scale_box[1], a.scale_box[0], H]);
  }
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
  // A hall's name moves up or down its hall (tall, narrow halls side by side) to a free
  // place before it is given up.
  out.halls = keep(a.halls.data, ["x", "y", "text"], (d, i) => {
    const [, h] = measurer(fonts.hall, d.text[i]);
    for (const k of [0, -1.5, 1.5, -3, 3]) {
      const y = sy(d.y[i]) + k * h;
      if (boxes.take(textBox(fonts.hall, d.text[i], sx(d.x[i]), y, "middle"), W, H)) {
        return {y: yr.end - y * dy / H};
      }
    }
    return false;
  });
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
    && boxes.take(textBox(fonts.id, d.booth_id[i], sx(d.cx[i]), sy(d.cy[i]) - GAP, "bottom"), W, H));
  // An exhibitor's name in up to three lines as wide as its booth.
  out.names = keep(b, ["cx", "cy", "exhibitor"], (d, i) => {
    const text = d.exhibitor[i] && wrap(fonts.name, d.exhibitor[i], d.w[i] * ppm - 2 * GAP, 3);
    return text !== null && text !== "" && fits(fonts.name, text, i)
      && boxes.take(textBox(fonts.name, text, sx(d.cx[i]), sy(d.cy[i]) + GAP, "top"), W, H)
      && {exhibitor: text};
  });
  // A pan mostly keeps the same labels (they are in map coordinates): only a changed set
  // is handed to Bokeh, which builds an HTML element per label on each change.
  const last = fig.__fp_place_last ??= {};
  for (const [key, src] of Object.entries(a.out)) {
    const sig = JSON.stringify(out[key]);
    if (last[key] !== sig) {
      last[key] = sig;
      src.setv({data: out[key]}, {sync: false});
    }
  }
}

// Return the columns of the rows of d for which test(d, i) holds; a test may return an
// object of values that replace the row's own (a label moved).
function keep(d, cols, test) {
  const res = Object.fromEntries(cols.map((c) => [c, []]));
  const n = d[cols[0]]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const ok = test(d, i);
    if (ok) { for (const c of cols) { res[c].push(ok[c] ?? d[c][i]); } }
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
    const t0 = performance.now();
    place(args);
    // Its cost, for benchmarks/bench_mapview.py (a user-timing entry, kept by the browser).
    performance.measure("label-place", {start: t0});
  });
};
