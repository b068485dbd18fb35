// `stylerun status [JOB]`: asks a running job's coordinator how it is doing, authenticating as a rank does
// (the job token from the owner-only coordinator.json in the job folder, the certificate pinned where the
// job uses TLS). A job that is not running answers from its record, if it left one.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { UsageError } from '../../common/errors/usage-error.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { ExitCode } from '../../common/exit-codes.js';
import { JOB_TOKEN_FILE_VARIABLE, readJobToken } from '../../common/job-token.js';
import { coordinatorCertVariable } from '../../common/tls.js';
import { coordinatorClient } from '../../common/coordinator-client.js';
import type { StatusReply__Output } from '../../proto/generated/stylerun/v1/StatusReply.js';
import { readCoordinatorRecord, type CoordinatorRecord } from '../job-store/coordinator-record.js';
import { readJobRecord, type JobRecord } from '../job-store/job-record.js';
import { resumeCommand } from '../job-store/resume-command.js';

/** How long a Status call may take: a coordinator that cannot answer in this time is as good as gone. */
const deadlineMs = 5_000;

/** The running job's answer, or the job's record when it is not running; throws a UsageError naming what is missing. */
export async function jobStatus(workRoot: string, jobId: string | undefined): Promise<{ reply?: StatusReply__Output; notRunning?: string; record?: JobRecord }> {
  if (jobId !== undefined && !/^[0-9a-f]{8}$/.test(jobId)) throw new UsageError(`status needs a job id like 1a2b3c4d, got "${jobId}"`);
  const id = jobId ?? (await onlyRunningJob(workRoot));
  const dir = join(workRoot, id);
  // a job's folder has its record from its start, or its coordinator's while it runs
  if (!existsSync(join(dir, 'job.json')) && !readCoordinatorRecord(dir)) throw new UsageError(`no job ${id} in ${workRoot}`);
  const record = readCoordinatorRecord(dir);
  if (record) {
    try {
      return { reply: await askCoordinator(record) };
    } catch {
      // its launcher was killed before it could remove the record: the job is not running
    }
  }
  const job = existsSync(join(dir, 'job.json')) ? readJobRecord(workRoot, id) : undefined;
  return { notRunning: notRunning(id, workRoot, job), record: job };
}

/** What a job that is not running says of itself: how it ended, from its record. */
export function notRunning(id: string, workRoot: string, r: JobRecord | undefined): string {
  if (!r) return `job ${id} is not running`;
  const f = r.figures;
  if (r.state === 'succeeded') {
    return `job ${id} succeeded at ${r.endedAt}: ${r.output}${f ? `, ${f.frames} frames in ${(f.wallMs / 1000).toFixed(2)} s (${f.framesPerSecond.toFixed(1)} frames/s)` : ''}, ${r.history?.attempts.length ?? '?'} attempt(s); report ${join(workRoot, id, 'report.html')}`;
  }
  const ended = r.state === 'failed' ? `failed at ${r.endedAt}${r.error ? `: ${r.error.replace(/; finish it with .*$/, '')}` : ''}` : `is not running (created ${r.createdAt})`;
  return `job ${id} ${ended}; finish it with ${resumeCommand(id, workRoot)}`;
}

/**
 * `stylerun status --coordinator HOST:PORT`: asks a coordinator this machine has no job folder of (an engine's
 * rank 0 on another node, say), authenticating as a rank of another host does: the job token from the file
 * STYLERUN_JOB_TOKEN_FILE names (its owner's only), the certificate pinned from STYLERUN_COORDINATOR_CERT.
 */
export async function coordinatorStatus(address: string, env: NodeJS.ProcessEnv): Promise<StatusReply__Output> {
  if (!/^[^\s:]+:\d+$/.test(address)) throw new UsageError(`--coordinator takes HOST:PORT, got "${address}"`);
  if (!env[JOB_TOKEN_FILE_VARIABLE]) {
    throw new UsageError(`status --coordinator needs the job token: set ${JOB_TOKEN_FILE_VARIABLE} to a file only you may read (mode 0600) holding it (the job folder's coordinator.json has it)`);
  }
  const jobToken = readJobToken({ [JOB_TOKEN_FILE_VARIABLE]: env[JOB_TOKEN_FILE_VARIABLE] });
  try {
    return await askCoordinator({ address, jobToken, certPem: env[coordinatorCertVariable] || undefined });
  } catch (e) {
    const err = e as { code?: number; details?: string };
    // the token is never quoted: only what the coordinator (or the channel) said
    throw new StylerunError('NO_COORDINATOR', ExitCode.usage, `no answer from a coordinator at ${address}: ${err.code === grpc.status.PERMISSION_DENIED ? 'the job token was refused' : err.details ?? String(e)}`);
  }
}

/** Asks the coordinator at `record.address` for its Status, presenting the job token. */
export function askCoordinator(record: Pick<CoordinatorRecord, 'address' | 'jobToken' | 'certPem'>): Promise<StatusReply__Output> {
  const client = coordinatorClient(record.address, record.certPem);
  return new Promise<StatusReply__Output>((resolve, reject) => {
    client.Status({ job_token: record.jobToken }, { deadline: Date.now() + deadlineMs }, (err, reply) => (err || !reply ? reject(err) : resolve(reply)));
  }).finally(() => client.close());
}

/** The job and each rank, a line each, as `stylerun status` prints them. */
export function formatStatus(s: StatusReply__Output): string {
  const lines = [`job ${s.job_id}: ${s.job_state}, attempt ${s.attempt} (${s.state}), ${s.committed_frames} of ${s.total_frames} frames committed`];
  for (const r of s.ranks) {
    const heartbeat = `${(Number(r.last_heartbeat_ms_ago) / 1000).toFixed(1)} s ago`;
    lines.push(`  rank ${r.rank}  ${r.state.padEnd(8)} ${r.host}${r.pid ? ` pid ${r.pid}` : ''}  frames ${r.frames_done}  ${r.execution_provider || '-'}  heartbeat ${heartbeat}`);
  }
  return lines.join('\n');
}

async function onlyRunningJob(workRoot: string): Promise<string> {
  let ids: string[] = [];
  try {
    ids = readdirSync(workRoot);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`cannot read ${workRoot} (${code === 'ENOTDIR' ? 'not a folder' : code}); check --work-dir`);
  }
  // a record whose coordinator does not answer is a launcher that was killed before it could remove it
  const answers = await Promise.all(ids.map(async (id) => {
    const record = readCoordinatorRecord(join(workRoot, id));
    return record && (await askCoordinator(record).then(() => true, () => false)) ? id : undefined;
  }));
  const running = answers.filter((id): id is string => id !== undefined);
  if (running.length === 1) return running[0]!;
  if (running.length === 0) throw new UsageError(`no running job in ${workRoot}; name one: stylerun status JOB`);
  throw new UsageError(`${running.length} running jobs in ${workRoot} (${running.join(', ')}); name one: stylerun status JOB`);
}
