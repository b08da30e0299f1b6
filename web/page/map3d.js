// The map's 3D view (PCA or t-SNE in three dimensions): an orbit camera that the pointer turns and
// the wheel zooms, the perspective projection of a frame (n, 3) to canvas pixels with a depth for
// every point, and the depth cue (far points smaller and fainter). The map (map.js) keeps
// everything else as in 2D: labels, selection, neighbours, clusters, search, overlays and the click
// that selects a word, all from the screen positions computed here. The points themselves go to
// the GPU (gl-points.js); without WebGL, drawPointsInDepth puts them on the map's canvas, far first,
// one path per depth band and colour.

export const DEPTH_BANDS = 8;      // the depth cue's steps, far to near
const CAMERA = 3.5;                // camera distance from the centre, in radii of the points' sphere
const PAD = 28;                    // CSS px kept free around the fitted sphere
const TURN = 0.008;                // radians per CSS px dragged
const DRAG_PX = 3;                 // a press that moves further is a turn, not a click
const START = Object.freeze({ yaw: 0.5, pitch: 0.3, zoom: 1 });  // a quarter-profile: depth shows at once

// The data-space sphere around the points of `coords` (n, 3): {cx, cy, cz, r}, centred on their box,
// just wide enough for every point, so that no turn takes one out of the picture.
export function bounds3(coords) {
  const lo = [Infinity, Infinity, Infinity]; const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < coords.length; i += 1) {
    const v = coords[i];
    if (!Number.isFinite(v)) continue;
    const k = i % 3;
    if (v < lo[k]) lo[k] = v;
    if (v > hi[k]) hi[k] = v;
  }
  if (lo[0] > hi[0]) return { cx: 0, cy: 0, cz: 0, r: 1 };
  const [cx, cy, cz] = [0, 1, 2].map((k) => (lo[k] + hi[k]) / 2);
  let r2 = 0;
  for (let i = 0; i + 2 < coords.length; i += 3) {
    const d2 = (coords[i] - cx) ** 2 + (coords[i + 1] - cy) ** 2 + (coords[i + 2] - cz) ** 2;
    if (d2 > r2) r2 = d2;
  }
  return { cx, cy, cz, r: Math.max(Math.sqrt(r2), 1e-6) };
}

// Yaw, pitch and zoom, changed by dragging and the wheel on `canvas` while active (3D frames shown).
export class Orbit {
  constructor(canvas, onChange) {
    this.onChange = onChange;
    this.active = false;
    this.dragged = false;   // the last press turned the view (its click selects nothing)
    this.reset(false);
    let from = null;
    canvas.addEventListener('pointerdown', (e) => {
      if (!this.active || e.button !== 0) return;
      from = { x: e.clientX, y: e.clientY, x0: e.clientX, y0: e.clientY };
      this.dragged = false;
      try { canvas.setPointerCapture(e.pointerId); } catch { /* a synthetic pointer: no capture */ }
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!from || !this.active) return;
      this.yaw += (e.clientX - from.x) * TURN;
      this.pitch = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, this.pitch + (e.clientY - from.y) * TURN));
      from.x = e.clientX;
      from.y = e.clientY;
      if (Math.hypot(e.clientX - from.x0, e.clientY - from.y0) > DRAG_PX) this.dragged = true;
      this.onChange();
    });
    const end = () => { from = null; };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('wheel', (e) => {
      if (!this.active) return;
      e.preventDefault();
      this.zoom = Math.max(0.3, Math.min(40, this.zoom * Math.exp(-e.deltaY * 0.002)));
      this.onChange();
    }, { passive: false });
  }

  reset(notify = true) {
    Object.assign(this, START);
    if (notify) this.onChange();
  }
}

// The screen place of every point of `pos` (n, 3) seen through `orbit` around the sphere `fit`, in
// a canvas of `size` {w, h}: fills `out` {sx, sy (CSS px), depth (0 farthest .. 1 nearest), scale
// (the perspective's size factor)}, each a Float32Array(n) reused when long enough; returns it.
export function project3(pos, n, fit, orbit, size, out = {}) {
  for (const key of ['sx', 'sy', 'depth', 'scale']) if (!(out[key]?.length >= n)) out[key] = new Float32Array(n);
  const { w, h } = size;
  const s = (Math.min(w, h) / 2 - PAD) * orbit.zoom;
  const cy = Math.cos(orbit.yaw); const sy = Math.sin(orbit.yaw);
  const cp = Math.cos(orbit.pitch); const sp = Math.sin(orbit.pitch);
  const inv = 1 / fit.r;
  for (let i = 0; i < n; i += 1) {
    const x = (pos[3 * i] - fit.cx) * inv; const y = (pos[3 * i + 1] - fit.cy) * inv; const z = (pos[3 * i + 2] - fit.cz) * inv;
    const x1 = cy * x + sy * z; const z1 = cy * z - sy * x;    // yaw: about the vertical axis
    const y2 = cp * y - sp * z1; const z2 = sp * y + cp * z1;  // pitch: about the horizontal axis
    const f = CAMERA / (CAMERA - Math.max(-1, Math.min(1, z2)));
    out.sx[i] = w / 2 + s * x1 * f;
    out.sy[i] = h / 2 - s * y2 * f;
    out.depth[i] = (Math.max(-1, Math.min(1, z2)) + 1) / 2;
    out.scale[i] = f;
  }
  return out;
}

// The three axes through the data's origin (the mean of the vectors for PCA), faint, for orientation.
export function drawAxes3(ctx, fit, orbit, size, colour) {
  const ends = new Float32Array(18);  // (6, 3): -r and +r along x, y, z
  for (let k = 0; k < 3; k += 1) {
    ends[6 * k + k] = -fit.r;
    ends[6 * k + 3 + k] = fit.r;
  }
  const p = project3(ends, 6, fit, orbit, size);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let k = 0; k < 3; k += 1) {
    ctx.moveTo(p.sx[2 * k], p.sy[2 * k]);
    ctx.lineTo(p.sx[2 * k + 1], p.sy[2 * k + 1]);
  }
  ctx.stroke();
}

// Draws n points far to near in DEPTH_BANDS bands; within a band, one path per group (cluster
// colour). radius(i): CSS px; group(i): 0..groups-1; style(g, band): sets the fill and alpha.
export function drawPointsInDepth(ctx, screen, n, { radius, groups, group, style }) {
  const band = new Uint8Array(n);
  const count = new Int32Array(DEPTH_BANDS + 1);
  for (let i = 0; i < n; i += 1) {
    band[i] = Math.min(DEPTH_BANDS - 1, Math.floor(screen.depth[i] * DEPTH_BANDS));
    count[band[i] + 1] += 1;
  }
  for (let b = 0; b < DEPTH_BANDS; b += 1) count[b + 1] += count[b];
  const order = new Int32Array(n);  // point indices by band, far first; frequent words last in a band
  const at = count.slice(0, DEPTH_BANDS);
  for (let i = n - 1; i >= 0; i -= 1) order[at[band[i]]++] = i;
  for (let b = 0; b < DEPTH_BANDS; b += 1) {
    for (let g = 0; g < groups; g += 1) {
      style(g, b);
      ctx.beginPath();
      for (let m = count[b]; m < count[b + 1]; m += 1) {
        const i = order[m];
        if (group(i) !== g) continue;
        const r = radius(i);
        ctx.moveTo(screen.sx[i] + r, screen.sy[i]);
        ctx.arc(screen.sx[i], screen.sy[i], r, 0, 2 * Math.PI);
      }
      ctx.fill();
    }
  }
}
