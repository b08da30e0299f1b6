// Semantic axes on the page: the map's caption for them, and their names drawn at the ends of the
// map's x and y lines ("← she, woman" … "he, man →"), as a map overlay (map.js setOverlay). The
// axes themselves are read and computed by the core (src/semantic_axes.cpp): `axes` here is the
// worker's description of them, {x, y: {positive, negative, pairs, label_positive, label_negative},
// cosine, orthogonal}. No text here reaches the DOM except through textContent.

const EDGE = 8;          // CSS px from the canvas' sides
const TOP = 34;          // …and from its top and bottom, where the map's messages and legend sit
const FONT_PX = 12;

// The caption over the map: what x and y are, and whether y was made orthogonal to x.
export function axesCaption(axes) {
  const end = (a) => `${a.label_negative} → ${a.label_positive}`;
  const cos = Number(axes.cosine);
  const y = axes.orthogonal
    ? `y made orthogonal to x (as written they had cosine ${cos.toFixed(2)})`
    : `y as written (cosine ${cos.toFixed(2)} with x)`;
  return `semantic axes · x: ${end(axes.x)} · y: ${end(axes.y)} · ${y} · each word at its cosine with the axes`;
}

// The overlay naming the axes' ends, drawn where the map's lines through 0 meet its edges (0 is a
// word the axis cannot tell apart). Returns the rectangles it used, which labels keep clear of.
export function axesOverlay(axes) {
  return {
    words: [],
    draw(ctx, layer) {
      if (layer.projection !== 'axes') return null;  // the timeline shows PCA frames meanwhile
      const { w, h } = layer.size;
      const origin = layer.origin ?? { x: w / 2, y: h / 2 };
      const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
      ctx.font = `600 ${FONT_PX}px ${layer.theme.font}`;
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      const rects = [];
      const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      // Text at (x, y), its right end at x when `align` is right; moved up (or, near the top, down)
      // past the legend and messages over the canvas.
      const put = (text, x, y, align) => {
        const width = ctx.measureText(text).width;
        const left = align === 'right' ? x - width : x;
        const step = y < h / 2 ? 1 : -1;
        for (let tries = 0; tries < 6; tries += 1) {
          const hit = (layer.avoid ?? []).find((r) => overlaps(r, { x: left, y: y - FONT_PX / 2 - 2, w: width, h: FONT_PX + 4 }));
          if (!hit) break;
          y = step > 0 ? hit.y + hit.h + FONT_PX / 2 + 3 : hit.y - FONT_PX / 2 - 3;
        }
        ctx.textAlign = 'left';
        ctx.lineWidth = 3;
        ctx.strokeStyle = layer.theme.halo;
        ctx.strokeText(text, left, y);
        ctx.fillStyle = layer.theme.accent;
        ctx.fillText(text, left, y);
        rects.push({ x: left - 2, y: y - FONT_PX / 2 - 2, w: width + 4, h: FONT_PX + 4 });
      };
      const lineY = clamp(origin.y - 10, TOP, h - TOP);
      put(`← ${axes.x.label_negative}`, EDGE, lineY, 'left');
      put(`${axes.x.label_positive} →`, w - EDGE, lineY, 'right');
      const lineX = clamp(origin.x + 6, EDGE, w - 160);
      put(`↑ ${axes.y.label_positive}`, lineX, TOP - 10, 'left');
      put(`↓ ${axes.y.label_negative}`, lineX, h - TOP + 10, 'left');
      return rects;
    },
  };
}
