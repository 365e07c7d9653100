// Colours as the operations give them (six hex digits, opacity in percent)
// in the form sharp takes.

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0–1. */
  alpha: number;
}

export function rgba(hex: string, opacityPercent = 100): Rgba {
  const n = Number.parseInt(hex, 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255, alpha: Math.min(100, Math.max(0, opacityPercent)) / 100 };
}
