// Reading an ml5 fast-style checkpoint: manifest.json names each variable's file and TensorFlow shape, and each
// file is headerless little-endian float32. `checkpointFrom` checks everything against TransformerNet over the
// manifest's text and a function that returns a variable's bytes, so tests can feed it broken checkpoints;
// `readMl5Checkpoint` is the thin part that reads a folder.
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ml5CheckpointError } from './checkpoint-error.js';
import { transformerNet, variableName, type NetLayer } from './transformer-net.js';
import { littleEndianFloat32s } from '../onnx/tensors.js';

/** One manifest.json entry. */
export interface ManifestEntry {
  readonly filename: string;
  readonly shape: readonly number[];
}

interface NamedEntry extends ManifestEntry {
  readonly variable: string;
}

/** One layer's variables, checked against TransformerNet; the weight is still in its TF layout. */
export interface LayerWeights {
  readonly layer: NetLayer;
  /** [k,k,in,out] for a conv, [k,k,out,in] for a transposed conv (TensorFlow's layouts). */
  readonly weightShape: readonly [number, number, number, number];
  readonly weight: Float32Array;
  /** Instance-norm beta and gamma, one per output channel. */
  readonly shift: Float32Array;
  readonly scale: Float32Array;
}

/** A checkpoint whose every variable is present and fits TransformerNet, layers in network order. */
export interface Ml5Checkpoint {
  readonly layers: readonly LayerWeights[];
}

/** Reads and checks the checkpoint in folder `dir`; throws Ml5CheckpointError. */
export function readMl5Checkpoint(dir: string): Ml5Checkpoint {
  if (!isFolder(dir)) throw new Ml5CheckpointError('no-folder', dir, `ml5 checkpoint ${dir} is not a folder; give the folder holding manifest.json`);
  let manifestText: string;
  try {
    manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new Ml5CheckpointError('no-manifest', dir, `ml5 checkpoint ${dir} has no readable manifest.json (${reason})`, { cause });
  }
  return checkpointFrom(manifestText, (variable, filename) => {
    try {
      return readFileSync(join(dir, filename));
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
      throw new Ml5CheckpointError('missing-file', dir, `ml5 checkpoint ${dir}: ${variable}'s file ${filename} cannot be read (${reason})`, { variable, cause });
    }
  }, dir);
}

/**
 * The checkpoint described by `manifestText`, with `readVariable` giving a variable's file bytes.
 * Shapes are checked before any file is read, so a wrong manifest is reported as such, not as a wrong size.
 */
export function checkpointFrom(
  manifestText: string,
  readVariable: (variable: string, filename: string) => Uint8Array,
  dir: string,
): Ml5Checkpoint {
  const manifest = parseManifest(manifestText, dir);
  const entry = (index: number): NamedEntry => {
    const variable = variableName(index);
    const found = manifest.get(variable);
    if (!found) {
      throw new Ml5CheckpointError('missing-variable', dir, `ml5 checkpoint ${dir}: manifest.json does not list ${variable}; TransformerNet needs Variable to Variable_${transformerNet.length * 3 - 1}`, { variable });
    }
    return { ...found, variable };
  };
  const expectShape = (e: NamedEntry, expected: readonly number[], what: string): void => {
    if (e.shape.length !== expected.length || e.shape.some((d, i) => d !== expected[i])) {
      throw new Ml5CheckpointError('wrong-shape', dir, `ml5 checkpoint ${dir}: ${e.variable} has shape [${e.shape.join(',')}] in manifest.json, but ${what} needs [${expected.map((d) => (Number.isNaN(d) ? '*' : d)).join(',')}]`, { variable: e.variable });
    }
  };

  // Channel counts come from the manifest; the table fixes kernels, the 3 RGB channels at both ends and the
  // residual adds' equal widths.
  const plans: Array<{ layer: NetLayer; weight: NamedEntry; shift: NamedEntry; scale: NamedEntry }> = [];
  const inputChannels: number[] = [];
  let channels = 3;
  transformerNet.forEach((layer, i) => {
    const weight = entry(3 * i);
    const what = `layer ${i + 1} (${layer.kind === 'conv' ? 'conv' : 'transposed conv'} ${layer.kernel}x${layer.kernel} stride ${layer.stride})`;
    // NaN (printed as *) when the weight is not even rank 4: any width would do, the rank is what is wrong
    const declaredOut = weight.shape.length === 4 ? weight.shape[layer.kind === 'conv' ? 3 : 2]! : NaN;
    const out = i === transformerNet.length - 1 ? 3 : layer.addInputOf !== undefined ? inputChannels[layer.addInputOf]! : declaredOut;
    const k = layer.kernel;
    expectShape(weight, layer.kind === 'conv' ? [k, k, channels, out] : [k, k, out, channels], what);
    const shift = entry(3 * i + 1);
    const scale = entry(3 * i + 2);
    expectShape(shift, [out], `the instance-norm shift of ${what}`);
    expectShape(scale, [out], `the instance-norm scale of ${what}`);
    inputChannels.push(channels);
    channels = out;
    plans.push({ layer, weight, shift, scale });
  });

  const values = (e: NamedEntry): Float32Array => decodeFloat32(readVariable(e.variable, e.filename), e, dir);
  return {
    layers: plans.map((p) => ({
      layer: p.layer,
      weightShape: p.weight.shape as unknown as readonly [number, number, number, number],
      weight: values(p.weight),
      shift: values(p.shift),
      scale: values(p.scale),
    })),
  };
}

function parseManifest(text: string, dir: string): Map<string, ManifestEntry> {
  const bad = (what: string, cause?: unknown): never => {
    throw new Ml5CheckpointError('bad-manifest', dir, `ml5 checkpoint ${dir}: manifest.json ${what}`, { cause });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return bad(`is not JSON (${(cause as Error).message})`, cause);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('is not an object of variables');
  const manifest = new Map<string, ManifestEntry>();
  for (const [variable, value] of Object.entries(json)) {
    const { filename, shape } = (value ?? {}) as { filename?: unknown; shape?: unknown };
    // a bare file name: the manifest may not send the reader outside the checkpoint folder
    if (typeof filename !== 'string' || filename === '' || basename(filename) !== filename) return bad(`gives ${variable} no plain file name`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) return bad(`gives ${variable} no shape of positive integers`);
    manifest.set(variable, { filename, shape });
  }
  return manifest;
}

// The files are little-endian whatever the host.
function decodeFloat32(bytes: Uint8Array, e: NamedEntry, dir: string): Float32Array {
  const count = e.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) {
    throw new Ml5CheckpointError('wrong-size', dir, `ml5 checkpoint ${dir}: ${e.variable}'s file ${e.filename} has ${bytes.length} bytes, but shape [${e.shape.join(',')}] needs ${count * 4} (float32)`, { variable: e.variable });
  }
  return littleEndianFloat32s(bytes);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
