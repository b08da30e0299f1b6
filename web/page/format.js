// How the page writes numbers, durations and sizes, and hands files to the browser. No state.

const intFormat = new Intl.NumberFormat('en-US');
export const fmtInt = (v) => (v == null ? '–' : intFormat.format(Math.round(v)));

export function fmtCompact(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}

export function fmtDuration(s) {
  if (s == null || !Number.isFinite(s)) return '–';
  s = Math.max(0, Math.round(s));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const fmtLoss = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(3));

export function fmtPpl(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  return v >= 100 ? fmtInt(v) : v.toFixed(1);
}

// A learning rate: two significant digits, in exponent form below 0.001 (5.0e-4), '–' when unknown.
export function fmtLr(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  return v < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(2)));
}

export function fmtBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

// Hands bytes (or a Blob, or text) to the browser as a download named `name`.
export function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
