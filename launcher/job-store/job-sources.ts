// What a job's chunks are made from: the input, the model and the chunks' encoding. job.json records them when
// the job begins; a resume (by hand, an engine's rerun of the same command, a watcher's) keeps committed chunks
// only while all three are the same, or the output would mix two videos, two styles or two encodings.
import type { ChunkEncoding } from '../../proto/generated/stylerun/v1/ChunkEncoding.js';

/** The job's sources, as job.json records them. */
export interface JobSources {
  /** A digest of the input: its size, its first and last MiB, and what the probe read (codec, size, frame times). */
  input: string;
  /** The model's sha256: its file and any external data files it names. */
  model: string;
  /** How the ranks encode chunks (set by the stylerun that began the job, and by the input's colour). */
  chunks: ChunkEncoding;
}

/** One source that is not what the job began with. */
export type SourceChange =
  | { kind: 'input' }
  | { kind: 'model' }
  /** The chunks' encoding, field by field (`was` and `now` as ffmpeg's names, '' for unset). */
  | { kind: 'chunks'; fields: { name: string; was: string; now: string }[] };

/**
 * What changed since the job began; none for a record from before sources were recorded (nothing to compare:
 * such a resume goes on as it always did).
 */
export function sourceChanges(recorded: JobSources | undefined, now: JobSources): SourceChange[] {
  if (!recorded) return [];
  const changes: SourceChange[] = [];
  if (recorded.input !== now.input) changes.push({ kind: 'input' });
  if (recorded.model !== now.model) changes.push({ kind: 'model' });
  const names = [...new Set([...Object.keys(recorded.chunks ?? {}), ...Object.keys(now.chunks)])].sort();
  const field = (e: ChunkEncoding | undefined, name: string) => String((e as Record<string, unknown> | undefined)?.[name] ?? '');
  const fields = names.map((name) => ({ name, was: field(recorded.chunks, name), now: field(now.chunks, name) })).filter((f) => f.was !== f.now);
  if (fields.length) changes.push({ kind: 'chunks', fields });
  return changes;
}

/**
 * What a resume does where its input or model changed: refuse (by hand: the user may put the original back), or
 * begin again. Chunks encoded otherwise (by another stylerun) always mean beginning again.
 */
export type SourcesPolicy = 'refuse' | 'restart';

/** One line naming what changed, e.g. "the input in.mp4 is not the video this job began with". */
export function describeChanges(changes: readonly SourceChange[], names: { input: string; model: string }): string {
  return changes.map((c) => {
    if (c.kind === 'input') return `the input ${names.input} is not the video the job began with (its size, its first or last MiB, or its frames differ)`;
    if (c.kind === 'model') return `the model ${names.model} is not the one the job began with (its bytes differ)`;
    return `its chunks were encoded otherwise (${c.fields.map((f) => `${f.name} ${f.was || '(unset)'} → ${f.now || '(unset)'}`).join(', ')}: another stylerun, or another ffmpeg, began the job)`;
  }).join('; ');
}
