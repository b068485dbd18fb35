// The command that finishes an unfinished job, printed when a job is interrupted or gives up. A job is
// found by its id under its work folder, so the command must name that folder unless it is the default.
import { workRoot, type JobOptions } from '../cli/options.js';
import { shellWord } from '../../common/shell-word.js';

/** `stylerun --resume ID [--work-dir DIR]`, ready to paste into a shell. */
export function resumeCommand(jobId: string, jobsRoot: string): string {
  const isDefault = jobsRoot === workRoot({});
  return `stylerun --resume ${jobId}${isDefault ? '' : ` --work-dir ${shellWord(jobsRoot)}`}`;
}


/**
 * What finishes the job: the resume command, or under an engine (whose job id is a hash of the job), the
 * same command run again.
 */
export function finishCommand(jobId: string, opts: Pick<JobOptions, 'workRoot' | 'engine' | 'workStore' | 'workName'>): string {
  if (opts.engine) return `the same ${opts.engine} command run again`;
  // a Blob --work-dir's SAS is never printed: the user adds their own
  return opts.workStore ? resumeCommand(jobId, `${opts.workName}${opts.workStore.credential.kind === 'sas' ? '?<SAS>' : ''}`) : resumeCommand(jobId, opts.workRoot);
}
