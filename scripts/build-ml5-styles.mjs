// Builds the built-in styles that come from ml5 checkpoints: every models/ml5-NAME/ folder becomes
// dist/models/NAME.onnx, by the built CLI's own `stylerun models import-ml5`. Run after tsc, by `npm run build`
// and by bin/stylerun.js (which also asks `staleMl5Styles` whether to). Generated, not committed: the checkpoint
// is the source, and the ~6.7 MB model would double the repository's size for nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkpointPrefix = 'ml5-';

/** Each ml5 checkpoint under `root`/models and the model the build makes of it. */
export function ml5Styles(root) {
  const models = join(root, 'models');
  return readdirSync(models, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(checkpointPrefix))
    .map((e) => ({
      name: e.name.slice(checkpointPrefix.length),
      checkpoint: join(models, e.name),
      output: join(root, 'dist', 'models', `${e.name.slice(checkpointPrefix.length)}.onnx`),
    }));
}

/** The styles whose model is missing or older than a file of its checkpoint. */
export function staleMl5Styles(root) {
  return ml5Styles(root).filter(({ checkpoint, output }) => {
    if (!existsSync(output)) return true;
    const built = statSync(output).mtimeMs;
    return readdirSync(checkpoint).some((f) => statSync(join(checkpoint, f)).mtimeMs > built);
  });
}

/** Builds every style (stdout carries one line per model); false if one failed. */
export function buildMl5Styles(root) {
  const cli = join(root, 'dist', 'launcher', 'cli', 'cli.js');
  return ml5Styles(root).every(({ checkpoint, output }) => {
    const r = spawnSync(process.execPath, [cli, 'models', 'import-ml5', checkpoint, '--output', output], { stdio: 'inherit' });
    return r.status === 0;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!buildMl5Styles(dirname(dirname(fileURLToPath(import.meta.url))))) process.exit(1);
}
