import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { invertJob } from '../support/invert-job.js';

// The report of a job with one injected failure, opened in a real headless Chromium (Debian's, through
// playwright-core, which downloads no browser of its own).
describe.skipIf(!chromiumPath)('the job report in a browser', () => {
  it('draws a lane per rank per attempt, the failure and the gather, with no console error; `stylerun report` writes it again the same', async () => {
    const { dir, model, input } = await invertJob('report', 60);
    const work = join(dir, 'work');
    const r = await runCli(['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', work, '--chunk-frames', '10', '--max-restarts', '1'], {
      cwd: dir, env: { STYLERUN_FAULT: 'rank=1,attempt=1,after=15,action=exit' },
    });
    expect(r.code, r.stderr).toBe(0);
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(r.stderr)![1]!;
    const reportPath = /; report (\S+)/.exec(r.stdout)![1]!;
    expect(reportPath).toBe(join(work, jobId, 'report.html'));

    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(reportPath).href);
      const lanes = await page.$$eval('g.lane[data-rank]', (gs) => gs.map((g) => {
        const box = (g as SVGGElement).getBoundingClientRect();
        return { attempt: (g as SVGGElement).dataset.attempt, rank: (g as SVGGElement).dataset.rank, width: box.width, height: box.height };
      }));
      expect(lanes.map((l) => `${l.attempt}/${l.rank}`)).toEqual(['1/0', '1/1', '2/0', '2/1']);
      for (const l of lanes) expect(l.width * l.height).toBeGreaterThan(0);
      // every part of every lane is drawn, none of no width
      const widths = await page.$$eval('rect.seg', (rs) => rs.map((x) => x.getBoundingClientRect().width));
      expect(widths.length).toBeGreaterThanOrEqual(4 * 2 + 1);
      expect(Math.min(...widths)).toBeGreaterThan(0);
      // rank 1's failure is the root cause; rank 0 was stopped with the attempt
      expect(await page.locator('g.lane[data-attempt="1"][data-rank="1"] g.failure').count()).toBe(1);
      expect(await page.locator('g.lane[data-attempt="1"][data-rank="0"] g.stopped').count()).toBe(1);
      expect(await page.locator('g.failure').count()).toBe(1);
      expect(await page.locator('g.failure').isVisible()).toBe(true);
      expect(await page.locator('g.gather-lane rect.gather').isVisible()).toBe(true);
      expect(await page.locator('table.attempts').innerText()).toMatch(/1\s+failed\s+2\s+60\s+0\s+rank 1 .*exited with code 3/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }

    const again = join(dir, 'again.html');
    const written = await runCli(['report', jobId, '--work-dir', work, '--output', again], { cwd: dir });
    expect([written.code, written.stdout.trim()]).toEqual([0, again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(reportPath, 'utf8'));
  }, 120_000);

  it('refuses a job it does not hold with exit code 2', async () => {
    const r = await runCli(['report', '0badc0de', '--work-dir', join(tmpdir(), 'nowhere')], { cwd: tmpdir() });
    expect([r.code, r.stderr.trim()]).toEqual([2, `stylerun: error: no job 0badc0de in ${join(tmpdir(), 'nowhere')} (check --work-dir)`]);
  });
});
