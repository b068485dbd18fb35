// The inference thread of a rank (a worker thread started by rank/inference-thread.ts): it loads the model and
// runs batches as they come. onnxruntime-node runs a session on the calling thread, so here it blocks this
// thread, not the rank's JavaScript thread, which meanwhile keeps moving frames between ffmpeg and the queues.
import { parentPort } from 'node:worker_threads';
import type { LogLevel, Logger } from '../common/log.js';
import { crossedError, packFrames, unpackFrames, type FromInference, type ToInference } from './inference-messages.js';
import { Stylizer } from './stylizer.js';

const port = parentPort;
if (!port) throw new Error('rank/inference-worker.js runs as a worker thread of a rank');

function post(message: FromInference, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** A Logger whose records the rank's own logger writes (one stream of records, with the rank's context). */
function forwardingLogger(prefix = ''): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => post({ kind: 'log', level, msg: `${prefix}${msg}`, fields });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (tag) => forwardingLogger(`${prefix}${tag}: `),
    setContext: () => {},
  };
}

let stylizer: Stylizer | undefined;

port.on('message', (m: ToInference) => {
  void handle(m);
});

async function handle(m: ToInference): Promise<void> {
  switch (m.kind) {
    case 'load':
      try {
        stylizer = await Stylizer.load(m.options, forwardingLogger());
        const { executionProvider, batchSize, precision, note, frameFormat } = stylizer;
        post({ kind: 'loaded', model: { executionProvider, batchSize, precision, note, frameFormat } });
      } catch (e) {
        post({ kind: 'load-failed', error: crossedError(e) });
      }
      return;
    case 'run':
      try {
        if (!stylizer) throw new Error('no model loaded');
        const styled = packFrames(await stylizer.run(unpackFrames(m.frames)));
        // the input frames' buffers go back too, for the rank's decoder to fill again (rank/frame-pool.ts)
        const inputs = m.frames.filter((f) => !styled.transfer.includes(f.buffer));
        const sentBack = [...new Set(inputs.map((f) => f.buffer))];
        post({ kind: 'ran', id: m.id, frames: styled.frames, inputs }, [...styled.transfer, ...sentBack]);
      } catch (e) {
        post({ kind: 'run-failed', id: m.id, error: crossedError(e) });
      }
      return;
    case 'release':
      await stylizer?.release().catch(() => {});
      stylizer = undefined;
      post({ kind: 'released' });
      return;
  }
}
