/** A perceptual heat colour scale (dark blue -> teal -> yellow, viridis-like) for maps drawn on canvases. */
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The scale as a CSS gradient, low to high, for a colour bar beside a map. */
export function heatGradientCss(): string {
  return `linear-gradient(to right, ${STOPS.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(i / (STOPS.length - 1)) * 100}%`).join(', ')})`;
}

/** The RGB colour of a value in [0, 1]. */
export function heatColor(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Values scaled to [0, 1] by their maximum (all zero stays zero). */
export function normalize(values: ArrayLike<number>): number[] {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  return Array.from(values, (v) => (max > 0 ? v / max : 0));
}
