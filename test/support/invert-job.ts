import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { makeIndexedVideo } from './media.js';

/** A fresh folder (`stylerun-PREFIX-…`) with what a small real job needs: the invert model and an indexed clip of `frames` frames. */
export async function invertJob(prefix: string, frames: number): Promise<{ dir: string; model: string; input: string }> {
  const dir = mkdtempSync(join(tmpdir(), `stylerun-${prefix}-`));
  const model = join(dir, 'invert.onnx');
  writeFileSync(model, invertModel());
  const input = join(dir, 'in.mp4');
  await makeIndexedVideo(input, frames);
  return { dir, model, input };
}
