// Builds the bundled procedural styles (models/painterly-*.onnx) from the paintings in ../shared/data/styles.
// Run after tsc: `npm run build:models` (node dist/scripts/build-builtin-styles.js). Deterministic: the same
// paintings give the same bytes, so the committed models only change when the recipe does.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../common/paths.js';
import { decodeRgb } from './painterly/decode-rgb.js';
import { kmeansPalette, type Rgb } from './painterly/kmeans.js';
import { painterlyModel } from './painterly/painterly-graph.js';

/** One bundled style: the painting its palette comes from and the model file it becomes. */
interface BuiltinStyle {
  readonly painting: string;
  readonly model: string;
  readonly paletteSize: number;
}

const styles: readonly BuiltinStyle[] = [
  { painting: 'starry-night.jpg', model: 'painterly-starry.onnx', paletteSize: 10 },
  { painting: 'great-wave.jpg', model: 'painterly-wave.onnx', paletteSize: 10 },
];

// Small enough that k-means is instant, large enough to keep the painting's minor colours.
const paletteSampleWidth = 64;
const paletteSampleHeight = 40;

/** The painting's palette: k-means over a downscaled copy. */
export function paletteOf(paintingPath: string, paletteSize: number): Rgb[] {
  return kmeansPalette(decodeRgb(paintingPath, paletteSampleWidth, paletteSampleHeight), paletteSize);
}

function main(): void {
  const root = packageRoot();
  const stylesDir = resolve(root, '../shared/data/styles');
  for (const style of styles) {
    const palette = paletteOf(join(stylesDir, style.painting), style.paletteSize);
    const bytes = painterlyModel(palette);
    const out = join(root, 'models', style.model);
    writeFileSync(out, bytes);
    const swatches = palette.map((c) => '#' + c.map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join(''));
    console.log(`${out}: ${bytes.length} bytes, palette ${swatches.join(' ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
