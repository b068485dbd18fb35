import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelChecked, type ModelShape } from '../../models/contract.js';
import type { FramePath } from '../../rank/frame-path.js';
import { InGraphPath } from '../../rank/in-graph-path.js';
import { JsPath } from '../../rank/js-path.js';
import { SideSessionPath } from '../../rank/side-session-path.js';
import { blurModel, invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-paths-'));
const written = (name: string, bytes: Uint8Array) => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};
const models = {
  'invert (no multiple)': written('invert.onnx', invertModel()),
  'a blur with multiple 4': written('blur.onnx', blurModel(4)),
  'painterly-starry': new URL('../../models/painterly-starry.onnx', import.meta.url).pathname,
  'mobile-style (pads internally)': join(dataDir, 'models', 'mobile-style.onnx'),
};

/** Random frames from a fixed seed (xorshift32), so a failure can be replayed. */
function randomFrames(n: number, width: number, height: number, seed: number): Buffer[] {
  let s = seed;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), s >>> 0);
  return Array.from({ length: n }, () => Buffer.from(Array.from({ length: width * height * 3 }, () => next() % 256)));
}

async function styled(path: FramePath, frames: Buffer[]): Promise<number[][]> {
  const out = await path.run(frames);
  await path.release();
  return out.map((f) => [...f]);
}

describe('the in-graph and side-session paths against the JavaScript path', () => {
  for (const [name, modelPath] of Object.entries(models)) {
    for (const [width, height] of [[53, 37], [64, 48]] as const) {
      // Every path feeds the model the same float values, so the outputs agree to the last bit; only the
      // rounding differs: Math.round takes exact halves up, ONNX Round to even. Hence "within one level".
      it(`agrees within one level on 2 random ${width}x${height} frames through ${name}`, async () => {
        const { session, shape } = await loadModelChecked(modelPath);
        const dynamic = shape as Extract<ModelShape, { kind: 'dynamic' }>;
        const frames = randomFrames(2, width, height, width * height);
        const reference = await styled(new JsPath(session, shape, width, height), frames);
        const candidates = [
          await InGraphPath.create(readFileSync(modelPath), { ...dynamic, width, height }, {}),
          await SideSessionPath.create(session, dynamic, width, height, 1),
        ];
        for (const path of candidates) {
          const out = await styled(path, frames);
          out.forEach((frame, b) => {
            const worst = Math.max(...frame.map((v, i) => Math.abs(v - reference[b]![i]!)));
            expect(worst, `${path.note}, frame ${b}`).toBeLessThanOrEqual(1);
          });
        }
        await session.release();
      });
    }
  }
});
