// The README's picture of a job report: a real job with one injected failure (rank 1 exits mid-job on its
// first attempt, and the rerun styles only what was not committed), its report opened in headless Chromium
// (Debian's `chromium`, or STYLERUN_CHROMIUM) and saved as docs/report.png.
// Usage (project root, after the build): node dist/scripts/report/screenshot.js
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { invertModel } from '../onnx/test-models.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-report-shot-'));
const input = join(dir, 'friday-320.mp4');
const model = join(dir, 'invert.onnx');
writeFileSync(model, invertModel());
execFileSync(ffmpegPath(), ['-v', 'error', '-i', '../shared/data/video/friday.mp4', '-vf', 'scale=320:320', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', input]);
const job = spawnSync(process.execPath, ['dist/launcher/cli/cli.js', '-n', '3', '--input', input, '--output', join(dir, 'styled.mp4'), '--model', model, '--work-dir', join(dir, 'work'), '--max-restarts', '2', '--chunk-frames', '16'], {
  encoding: 'utf8', env: { ...process.env, STYLERUN_FAULT: 'rank=1,attempt=1,after=40,action=exit' },
});
if (job.status !== 0) throw new Error(`the job failed: ${job.stderr}`);
const report = /; report (\S+)/.exec(job.stdout)![1]!;
const executablePath = [process.env.STYLERUN_CHROMIUM, '/usr/bin/chromium'].find((p): p is string => !!p && existsSync(p));
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1080, height: 700 }, deviceScaleFactor: 1 });
await page.goto(pathToFileURL(report).href);
const out = resolve('docs', 'report.png');
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`${report}\n-> ${out}`);
