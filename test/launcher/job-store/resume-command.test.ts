import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeCommand } from '../../../launcher/job-store/resume-command.js';

describe('resumeCommand', () => {
  it('names the work folder the job used', () => {
    expect(resumeCommand('1a2b3c4d', '/data/jobs')).toBe('stylerun --resume 1a2b3c4d --work-dir /data/jobs');
  });

  it('leaves --work-dir out when the job used the default work folder', () => {
    expect(resumeCommand('1a2b3c4d', resolve('.stylerun', 'jobs'))).toBe('stylerun --resume 1a2b3c4d');
  });

  it('quotes a work folder whose name the shell would split', () => {
    expect(resumeCommand('1a2b3c4d', "/data/Bob's jobs")).toBe(`stylerun --resume 1a2b3c4d --work-dir '/data/Bob'\\''s jobs'`);
  });
});
