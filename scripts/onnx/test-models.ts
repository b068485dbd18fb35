// Tiny ONNX models for tests: one that keeps the model contract, and one per way of breaking it.
// Each returns the serialized model; tests write it to a temp file and load it with onnxruntime.
import { GraphBuilder } from '../../models/onnx/graph-builder.js';

const dynamicImage = ['N', 3, 'H', 'W'] as const;

/** output = 255 - input, float32 [N,3,H,W] with every dim but the channels dynamic: keeps the contract. */
export function invertModel(opset = 17): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage);
  g.output(g.node('Sub', [g.scalar(255), x]), 'output', dynamicImage);
  return g.toModel({ opset });
}

/**
 * A 3x3 box blur (AveragePool, edges averaged over the pixels inside) that declares `stylerun.multiple`:
 * every output pixel on the right and bottom edge depends on how the frame was padded.
 */
export function blurModel(multiple: number, opset = 17): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage);
  const blurred = g.node('AveragePool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 0 });
  g.output(blurred, 'output', dynamicImage);
  return g.toModel({ opset, metadata: { 'stylerun.multiple': String(multiple) } });
}

/** output = input * `factor` + `offset`: with (0.5, 0) odd inputs land on exact halves; large factors leave 0..255. */
export function affineModel(factor: number, offset: number, opset = 17): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage);
  g.output(g.node('Add', [g.node('Mul', [x, g.scalar(factor)]), g.scalar(offset)]), 'output', dynamicImage);
  return g.toModel({ opset });
}

/** output = (x - x) / (x - x): NaN everywhere, like a model that breaks. */
export function nanModel(opset = 17): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage);
  const zero = g.node('Sub', [x, x]);
  g.output(g.node('Div', [zero, zero]), 'output', dynamicImage);
  return g.toModel({ opset });
}

/** Drops the bottom row and right column: the output is smaller than the input, so it must be resized back. */
export function trimmingModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage);
  const trimmed = g.node('Slice', [x, g.int64s([0, 0]), g.int64s([-1, -1]), g.int64s([2, 3])]);
  g.output(trimmed, 'output', ['N', 3, 'H2', 'W2']);
  return g.toModel();
}

/** 255 - input, computed on the input padded by `pad` pixels at the bottom and right (as models that
 * round odd sizes up to their stride do): the output is larger than the input. */
export function paddingInvertModel(pad: number): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage);
  const padded = g.node('Pad', [x, g.int64s([0, 0, 0, 0, 0, 0, pad, pad])], { mode: 'edge' });
  g.output(g.node('Sub', [g.scalar(255), padded]), 'output', ['N', 3, 'H2', 'W2']);
  return g.toModel();
}

/** Identity on a fixed [1,3,size,size] input, like the Model Zoo's 224x224 fast-neural-style models. */
export function fixedSizeModel(size: number): Uint8Array {
  const g = new GraphBuilder();
  const shape = [1, 3, size, size];
  const x = g.input('input1', shape);
  g.output(g.node('Add', [x, g.scalar(0)]), 'output1', shape);
  return g.toModel();
}

/** Two image inputs added together: breaks "exactly one input". */
export function twoInputModel(): Uint8Array {
  const g = new GraphBuilder();
  const a = g.input('content', dynamicImage);
  const b = g.input('style', dynamicImage);
  g.output(g.node('Add', [a, b]), 'output', dynamicImage);
  return g.toModel();
}

/** An int64 image input cast to float: breaks "the input is float32". */
export function int64InputModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dynamicImage, 'int64');
  g.output(g.node('Cast', [x], { to: 1 }), 'output', dynamicImage);
  return g.toModel();
}

/** A [N,4,H,W] (RGBA) input reduced to 3 channels by a 1x1 Conv: breaks "3 channels in". */
export function wrongChannelsModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', ['N', 4, 'H', 'W']);
  const dropAlpha = new Float32Array(3 * 4);
  for (let c = 0; c < 3; c++) dropAlpha[c * 4 + c] = 1;
  const w = g.constant('drop_alpha', [3, 4, 1, 1], dropAlpha);
  g.output(g.node('Conv', [x, w]), 'output', dynamicImage);
  return g.toModel();
}
