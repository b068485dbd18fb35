import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../support/cli.js';
import { invertJob } from '../support/invert-job.js';
import { shellWord } from '../../common/shell-word.js';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The terminal's text as it ends up, near enough: escape sequences out, each redraw on a line of its own. */
const screenText = (raw: string) => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r\n|\r|\n/).filter((l) => l.trim());

// Progress bars need a terminal: util-linux's `script` runs the real CLI on a pseudo-terminal.
describe.skipIf(!hasScript)('progress on a terminal', () => {
  it('draws an overall bar with frames/s and ETA, and a line per rank with its host, state, range, frames, device and attempt', async () => {
    const { dir, model, input } = await invertJob('progress', 120);
    const command = [process.execPath, cliPath, '-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', join(dir, 'work'), '--chunk-frames', '20']
      .map(shellWord).join(' ');
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, STYLERUN_LOG_FORMAT: '' }, timeout: 120_000 });
    expect(r.status, r.stdout).toBe(0);
    const lines = screenText(r.stdout);
    expect(lines.some((l) => /\d+% \| \d+\/120 frames \| (\d+\.\d|-) frames\/s \| ETA (\d+ s|-)$/.test(l))).toBe(true);
    // whether a redraw catches rank 0 still working depends on timing (60 small frames go fast); the working
    // line's form is checked without a clock in test/launcher/cli/progress.test.ts
    expect(lines.some((l) => /^ {2}rank 0 \S+ (working|done) +frames 0-59 \d+\/60 cpu attempt 1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}rank 1 \S+ done +frames 60-119 60\/60 cpu attempt 1/.test(l))).toBe(true);
    expect(lines.some((l) => /100% \| 120\/120 frames/.test(l))).toBe(true);
    // on a terminal the log reads as text, and the summary follows the bars
    expect(lines.some((l) => l.startsWith('[stylerun] '))).toBe(true);
    expect(lines.some((l) => l.startsWith('done: '))).toBe(true);
  }, 120_000);
});
