// The 3D view's points on the GPU: one WebGL draw of every point as a round sprite, on a canvas
// under the map's own (which keeps the labels, rings, arrows and overlays on top). The screen
// positions are the ones the map computed for its labels and clicks (map3d.js project3), uploaded
// each frame, so both canvases agree to the pixel. The depth cue is fog: a far point's colour is
// mixed towards the background, so every point is opaque and the depth test alone decides what is
// in front (no sorting). Where WebGL is missing or its context is lost, `ok` is false and the map
// draws the points on its canvas instead (map3d.js drawPointsInDepth).
//
// Why the GPU: in software rendering (headless Chromium, --disable-gpu) filling 10,000 anti-aliased
// circles on a 2D canvas every frame runs at about 12 frames a second; this layer keeps above 30
// (bench/README.md, Map in 3D).

const VERTEX = `
attribute vec2 a_pos;     // CSS px, from the top left
attribute float a_depth;  // 0 farthest .. 1 nearest
attribute float a_size;   // diameter, CSS px
attribute float a_slot;   // colour slot
uniform vec2 u_canvas;    // CSS px
uniform float u_dpr;
uniform vec3 u_colours[9];
uniform vec3 u_background;
uniform float u_strength; // 1, or less while a selection or a search dims the points
varying vec3 v_colour;
void main() {
  gl_Position = vec4(a_pos.x / u_canvas.x * 2.0 - 1.0, 1.0 - a_pos.y / u_canvas.y * 2.0, 0.9 - 1.8 * a_depth, 1.0);
  gl_PointSize = a_size * u_dpr;
  v_colour = mix(u_background, u_colours[int(a_slot)], (0.3 + 0.7 * a_depth) * u_strength);
}`;
const FRAGMENT = `
precision mediump float;
varying vec3 v_colour;
void main() {
  vec2 d = gl_PointCoord - 0.5;
  if (dot(d, d) > 0.25) discard;
  gl_FragColor = vec4(v_colour, 1.0);
}`;
const STRIDE = 5;        // floats per point: x, y, depth, size, slot
export const SLOTS = 9;  // colour slots: 8 cluster colours and the plain point colour

// A CSS colour as [r, g, b] in 0..1 (any syntax the canvas reads).
function rgb(colour) {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return [r / 255, g / 255, b / 255];
}

export class GlPoints {
  constructor(canvas) {
    this.canvas = canvas;
    this.gl = canvas.getContext('webgl', { antialias: false, alpha: true, premultipliedAlpha: true, depth: true });
    this.data = new Float32Array(0);
    this.shown = false;
    if (!this.gl) return;
    canvas.addEventListener('webglcontextlost', (e) => { e.preventDefault(); this.gl = null; });
    const gl = this.gl;
    const shader = (type, source) => {
      const s = gl.createShader(type);
      gl.shaderSource(s, source);
      gl.compileShader(s);
      return s;
    };
    const program = gl.createProgram();
    gl.attachShader(program, shader(gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, shader(gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) { this.gl = null; return; }
    gl.useProgram(program);
    this.buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    const attribute = (name, size, offset) => {
      const at = gl.getAttribLocation(program, name);
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, size, gl.FLOAT, false, STRIDE * 4, offset * 4);
    };
    attribute('a_pos', 2, 0);
    attribute('a_depth', 1, 2);
    attribute('a_size', 1, 3);
    attribute('a_slot', 1, 4);
    this.uniform = Object.fromEntries(['u_canvas', 'u_dpr', 'u_colours', 'u_background', 'u_strength']
      .map((name) => [name, gl.getUniformLocation(program, name)]));
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LESS);
  }

  get ok() { return this.gl != null; }

  // The canvas' size in CSS px and its device pixel ratio, as the map's.
  resize({ w, h, dpr }) {
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
  }

  // The colours: slots 0..7 the clusters', slot 8 the plain point; the background the fog goes to.
  setColours(colours, background) {
    if (!this.gl) return;
    const flat = new Float32Array(3 * SLOTS);
    colours.slice(0, SLOTS).forEach((c, k) => flat.set(rgb(c), 3 * k));
    this.gl.uniform3fv(this.uniform.u_colours, flat);
    this.gl.uniform3fv(this.uniform.u_background, rgb(background));
  }

  // Draws n points: screen {sx, sy, depth} (map3d.js project3), radius(i) in CSS px, slot(i) a colour
  // slot; strength below 1 fades them all (a selection or search shows). size: the map's {w, h, dpr}.
  draw(screen, n, { radius, slot, strength, size }) {
    const { gl } = this;
    if (!gl) return;
    if (this.data.length < STRIDE * n) this.data = new Float32Array(STRIDE * n);
    const d = this.data;
    for (let i = 0; i < n; i += 1) {
      d[STRIDE * i] = screen.sx[i];
      d[STRIDE * i + 1] = screen.sy[i];
      d[STRIDE * i + 2] = screen.depth[i];
      d[STRIDE * i + 3] = 2 * radius(i);
      d[STRIDE * i + 4] = slot(i);
    }
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.uniform2f(this.uniform.u_canvas, size.w, size.h);
    gl.uniform1f(this.uniform.u_dpr, size.dpr);
    gl.uniform1f(this.uniform.u_strength, strength);
    gl.bufferData(gl.ARRAY_BUFFER, d.subarray(0, STRIDE * n), gl.STREAM_DRAW);
    gl.drawArrays(gl.POINTS, 0, n);
    this.shown = true;
    this.drawn = n;
  }

  // Nothing on the layer (the map is flat).
  clear() {
    if (!this.gl || !this.shown) return;
    this.gl.clearColor(0, 0, 0, 0);
    this.gl.clear(this.gl.COLOR_BUFFER_BIT | this.gl.DEPTH_BUFFER_BIT);
    this.shown = false;
    this.drawn = 0;
  }

  // How many pixels the last draw covered, read back at once (before the browser presents the
  // frame and the buffer is gone): the tests' proof that points are on screen. Call right after draw().
  coveredPixels() {
    const { gl } = this;
    if (!gl) return 0;
    const { width, height } = this.canvas;
    const pixels = new Uint8Array(4 * width * height);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    let covered = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) covered += 1;
    return covered;
  }
}
