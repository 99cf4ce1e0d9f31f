// Number formatting shared by lesson views and the CLI (pure).

/** 4 decimals, exponent form for very large or small magnitudes, ∞ and NaN spelled out, a real minus sign. */
export function fmt(v, digits = 4) {
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  const a = Math.abs(v);
  const s = a !== 0 && (a >= 1e5 || a < 1e-4) ? v.toExponential(digits - 1) : v.toFixed(digits);
  return s.replace('-', '−');
}
