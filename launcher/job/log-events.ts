// The job's log lines, read from its events: what `stylerun` prints while a job runs.
import type { Logger } from '../../common/log.js';
import type { JobEvent, JobListener } from './events.js';

/** A listener that logs each event as the launcher always has (progress is the CLI's display's: launcher/cli/progress.ts). */
export function logJobEvents(log: Logger): JobListener {
  return (e: JobEvent) => {
    switch (e.kind) {
      case 'job-started':
        log.info(`job ${e.jobId} (work folder ${e.workDir})`);
        if (e.resumed) log.info(`resuming: ${e.committedFrames} frames already committed`);
        return;
      case 'attempt-started':
        log.info(`attempt ${e.attempt} of ${e.maxAttempts}: ${e.ranks} ranks, ${e.framesToStyle} of ${e.totalFrames} frames to style${e.framesRedone ? ` (${e.framesRedone} redone)` : ''}`);
        if (e.leftOutSlots.length) log.warn(`left out slot(s) ${e.leftOutSlots.join(', ')} after consecutive failures`);
        return;
      case 'rank-state':
        if (e.state === 'ready') log.info(`rank ${e.rank} ready`, { pid: e.pid, ep: e.executionProvider, load_ms: e.loadMs === undefined ? undefined : Math.round(e.loadMs) });
        return;
      case 'model-note':
        log.info(`model: ${e.note}`);
        return;
      case 'barrier-passed':
        log.info(`barrier passed: ${e.ranks} ranks ready`, { ms: e.ms });
        return;
      case 'attempt-failed':
        log.warn(`attempt ${e.attempt} failed; root cause: ${e.rootCause}`);
        return;
      case 'nothing-to-style':
        log.info('every frame is committed: nothing to style');
        return;
      case 'state':
      case 'chunk-committed':
      case 'rank-done':
      case 'progress':
      case 'gathered':
      case 'done':
        return; // the state at debug (the state machine logs it), chunks are many; progress and the summary are the CLI's (launcher/cli/progress.ts, summary.ts)
    }
  };
}
