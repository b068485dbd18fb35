// Issue #9's figures, side by side in one run on a real Azurite (npm `azurite`, started here):
// 1. one job with input and output on Azurite against the same job on local disk (the reference workload,
//    823 frames of 720x720 with audio, invert model, -n 2, CPU), and with its --work-dir (record, journal,
//    chunks) on Azurite too, REPEAT times each, alternating;
// 2. two watchers over 20 uploads, 2 of them poison, one watcher killed (SIGKILL) mid-job (3 s into styling): jobs run, jobs
//    parked, duplicates, and the frames the killed job had committed and the frames its resumption styled.
// Usage (project root, after the build): [REPEAT=2] node dist/scripts/bench/watch.js
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { startAzurite } from '../azurite/azurite.js';

const cli = 'dist/launcher/cli/cli.js';
const dir = mkdtempSync(join(tmpdir(), 'stylerun-bench-watch-'));
const input = join(dir, 'ref.mp4');
const model = join(dir, 'invert.onnx');
execFileSync('bash', ['-c', `. scripts/bench/workload.sh && reference_workload ${ffmpegPath()} ../shared/data/video/friday.mp4 ${input} && invert_model ${model}`], { stdio: 'inherit' });
const azurite = await startAzurite();
// the watchers' logs are read as text below
const env = { ...process.env, STYLERUN_LOG_FORMAT: 'text', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
try {
  console.log(`# machine: ${cpus().length} cores; node ${process.version}; ${new Date().toISOString()}`);
  for (const c of ['bench', 'uploads', 'styled', 'ops']) await azurite.service.createContainer(c);
  await azurite.service.getContainerClient('bench').getBlockBlobClient('ref.mp4').uploadFile(input);
  const job = ['-n', '2', '--model', model, '--device', 'cpu'];
  const localWork = ['--work-dir', join(dir, 'jobs')];
  const timed = (label: string, args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args, ...job], { env, encoding: 'utf8' });
    console.log(`${label}: rc=${r.status} wall_s=${((performance.now() - t0) / 1000).toFixed(2)}`);
  };
  for (let i = 0; i < Number(process.env.REPEAT ?? 2); i++) {
    timed('local disk in and out', ['--input', input, '--output', join(dir, 'local.mp4'), ...localWork]);
    timed('Azurite in and out', ['--input', 'az://bench/ref.mp4', '--output', `az://bench/styled-${i}.mp4`, ...localWork]);
    timed('Azurite in, out and --work-dir', ['--input', 'az://bench/ref.mp4', '--output', `az://bench/styled-w${i}.mp4`, '--work-dir', 'az://ops/bench-jobs']);
  }

  // 20 uploads: 18 clips of 96 frames at 320x320 (different starts of the same source), 2 poison
  const uploads = azurite.service.getContainerClient('uploads');
  for (let i = 0; i < 18; i++) {
    const clip = join(dir, `clip-${i}.mp4`);
    execFileSync(ffmpegPath(), ['-v', 'error', '-ss', String(i * 0.5), '-i', input, '-vf', 'scale=320:320', '-frames:v', '96', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-shortest', clip]);
    await uploads.getBlockBlobClient(`in/clip-${String(i).padStart(2, '0')}.mp4`).uploadFile(clip);
  }
  await uploads.getBlockBlobClient('in/poison-a.mp4').upload('not a video', 11);
  const truncated = readFileSync(join(dir, 'clip-0.mp4')).subarray(0, 4000);
  await uploads.getBlockBlobClient('in/poison-b.mp4').upload(truncated, truncated.length);
  const args = [cli, 'watch', 'az://uploads/in', '--styled', 'az://styled', '--ops', 'az://ops', '--interval', '2', '--max-failures', '2', '--claim-seconds', '15', ...job, ...localWork, '--chunk-frames', '16'];
  const t0 = performance.now();
  const watchers = [0, 1].map(() => spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  const logs = ['', ''];
  watchers.forEach((w, i) => w.stderr!.on('data', (b: Buffer) => (logs[i] += b.toString())));
  // watcher 0 is killed 3 s after the barrier of its third job (its ranks styling by then)
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if ((logs[0]!.match(/barrier passed/g) ?? []).length >= 3) {
        clearInterval(check);
        setTimeout(resolve, 3000);
      }
    }, 100);
  });
  watchers[0]!.kill('SIGKILL');
  const killed = [...logs[0]!.matchAll(/(in\/\S+): job [0-9a-f]{8}/g)].at(-1)![1]!;
  const count = async (container: string, prefix: string) => {
    let n = 0;
    for await (const b of azurite.service.getContainerClient(container).listBlobsFlat({ prefix })) if (b.name.endsWith('.json')) n++;
    return n;
  };
  while ((await count('ops', 'done/')) + (await count('ops', 'parked/')) < 20) await new Promise((r) => setTimeout(r, 1000));
  const wall = (performance.now() - t0) / 1000;
  watchers[1]!.kill('SIGTERM');
  await new Promise((r) => watchers[1]!.once('exit', r));
  const all = logs.join('');
  const doneLines = [...all.matchAll(/(in\/\S+): done -> /g)].map((m) => m[1]);
  const duplicates = doneLines.length - new Set(doneLines).size;
  const resumedAt = new RegExp(`${killed.replace('.', '\\.')}: job [0-9a-f]{8} \\(resuming\\)[\\s\\S]*?resuming: (\\d+) frames already committed`).exec(logs[1]!);
  console.log(`two watchers, 20 uploads (2 poison), watcher 0 killed during ${killed}: wall_s=${wall.toFixed(1)}`);
  console.log(`  jobs done: ${await count('ops', 'done/')} (watcher 0: ${(logs[0]!.match(/: done -> /g) ?? []).length}, watcher 1: ${(logs[1]!.match(/: done -> /g) ?? []).length})`);
  console.log(`  parked: ${await count('ops', 'parked/')}; duplicates: ${duplicates}`);
  console.log(`  the killed job: resumed by watcher 1 with ${resumedAt?.[1] ?? '?'} of 96 frames already committed, so ${resumedAt ? 96 - Number(resumedAt[1]) : '?'} styled again or for the first time`);
  writeFileSync(join(dir, 'watchers.log'), all);
  console.log(`  logs: ${join(dir, 'watchers.log')}`);
} finally {
  await azurite.stop();
}
