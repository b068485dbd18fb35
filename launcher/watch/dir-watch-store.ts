// The state of `stylerun watch` over a local (or shared network) directory: the files under it, and in the
// ops directory one record per upload (done/, failed/, parked/, logs/) and claims/NAME.lock. A lock is
// linked into place whole, says until when it holds, and is rewritten while the job runs; a lock past its time
// is taken over by renaming it away first, which only one watcher can do, and only if what was renamed is the
// lock judged past its time (not another watcher's new one, which is put back).
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createWhole, parseJsonIfAny, readTextIfAny, writeWhole } from '../../common/write-whole.js';
import { hostname } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { Upload, UploadRecord } from './watch-decisions.js';
import type { Claim, WatchStore } from './watch-store.js';

/** A file is taken once it has not changed for this long (or write it under a hidden name, then rename it). */
const settleMs = 2_000;

interface Lock {
  owner: string;
  untilMs: number;
}

/** The watch store of directory `source`, with records in `ops`. */
export class DirWatchStore implements WatchStore {
  private readonly me = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly source: string,
    private readonly ops: string,
    private readonly claimSeconds: number,
    /** Folders under `source` that hold the watcher's outputs, if any. */
    private readonly outputs: readonly string[] = [],
  ) {
    mkdirSync(ops, { recursive: true });
  }

  get ownPrefixes(): string[] {
    return [this.ops, ...this.outputs].map((d) => relative(this.source, d)).filter((r) => r && !r.startsWith('..')).map((r) => `${r.split(sep).join('/')}/`);
  }

  async list(): Promise<Upload[]> {
    const out: Upload[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name.startsWith('.')) continue; // hidden: partial uploads, the default ops folder
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.isFile()) {
          const st = statSync(path, { throwIfNoEntry: false });
          if (!st) continue; // removed since the listing: nothing to take
          if (st.mtimeMs > Date.now() - settleMs) continue; // still being written, perhaps
          out.push({ name: relative(this.source, path).split(sep).join('/'), bytes: st.size, modifiedMs: st.mtimeMs });
        }
      }
    };
    walk(this.source);
    return out;
  }

  async records(): Promise<Map<string, UploadRecord>> {
    const records = new Map<string, UploadRecord>();
    for (const kind of ['failed', 'done', 'parked'] as const) {
      const root = join(this.ops, kind);
      const walk = (dir: string) => {
        let entries;
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const path = join(dir, e.name);
          if (e.isDirectory()) walk(path);
          else if (e.name.endsWith('.json')) {
            const name = relative(root, path).split(sep).join('/').slice(0, -'.json'.length);
            if (kind !== 'failed') records.set(name, { kind });
            else records.set(name, { kind, failures: failuresIn(path) });
          }
        }
      };
      walk(root);
    }
    return records;
  }

  async recordOf(name: string): Promise<UploadRecord | undefined> {
    const record = (kind: string) => join(this.ops, kind, `${name}.json`);
    // as in records(), done and parked outrank an earlier failure
    if (existsSync(record('done'))) return { kind: 'done' };
    if (existsSync(record('parked'))) return { kind: 'parked' };
    if (!existsSync(record('failed'))) return undefined;
    return { kind: 'failed', failures: failuresIn(record('failed')) };
  }

  /** Test hooks: `onStale` runs once a claim has been judged past its time, before it is taken over. */
  hooks: { onStale?: () => Promise<void> } = {};

  async claim(name: string): Promise<Claim | undefined> {
    const path = join(this.ops, 'claims', `${name}.lock`);
    mkdirSync(dirname(path), { recursive: true });
    if (!this.create(path)) {
      const judged = readTextIfAny(path);
      const held = parseJsonIfAny<Lock>(judged);
      if (held && held.untilMs > Date.now()) return undefined;
      await this.hooks.onStale?.();
      // past its time (or unreadable): whoever renames it away takes it over; the others find it gone
      const stale = `${path}.stale-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(path, stale);
      } catch {
        return undefined;
      }
      if (readTextIfAny(stale) !== judged) {
        // another watcher took it over between the look and the rename: what was renamed is its new claim, put back
        try {
          linkSync(stale, path);
        } catch {
          // a third watcher has claimed it since: that one holds it, and the one put back here sees its loss
        }
        rmSync(stale, { force: true });
        return undefined;
      }
      rmSync(stale, { force: true });
      if (!this.create(path)) return undefined;
    }
    const lost = new AbortController();
    const renew = setInterval(() => {
      const held = this.read(path);
      if (held?.owner !== this.me) {
        clearInterval(renew);
        lost.abort(new Error(`lost the claim on ${name}`));
        return;
      }
      writeWhole(path, JSON.stringify(this.lock()));
    }, (this.claimSeconds * 1000) / 3);
    return {
      lost: lost.signal,
      release: async () => {
        clearInterval(renew);
        if (this.read(path)?.owner === this.me) unlinkSync(path);
      },
    };
  }

  async markDone(name: string, record: Record<string, unknown>): Promise<void> {
    this.write('done', name, record);
  }

  async recordFailure(name: string, failures: number, error: string): Promise<void> {
    this.write('failed', name, { failures, error });
  }

  async park(name: string, why: Record<string, unknown>): Promise<void> {
    const from = join(this.source, name);
    const to = join(this.ops, 'parked', name);
    mkdirSync(dirname(to), { recursive: true });
    try {
      renameSync(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      copyFileSync(from, to); // another file system
      unlinkSync(from);
    }
    this.write('parked', name, why);
  }

  async keepLogs(name: string, run: string, dir: string): Promise<void> {
    const to = join(this.ops, 'logs', name, run);
    mkdirSync(to, { recursive: true });
    for (const file of readdirSync(dir)) copyFileSync(join(dir, file), join(to, file));
  }

  private lock(): Lock {
    return { owner: this.me, untilMs: Date.now() + this.claimSeconds * 1000 };
  }

  /** Creates the lock at `path`, whole (common/write-whole.ts); false where a claim is there. */
  private create(path: string): boolean {
    return createWhole(path, JSON.stringify(this.lock()));
  }

  private read(path: string): Lock | undefined {
    return parseJsonIfAny<Lock>(readTextIfAny(path));
  }

  private write(kind: string, name: string, record: Record<string, unknown>): void {
    const path = join(this.ops, kind, `${name}.json`);
    mkdirSync(dirname(path), { recursive: true });
    writeWhole(path, JSON.stringify({ upload: name, at: new Date().toISOString(), ...record }, null, 1));
  }
}

/** The failure count a failed/ record holds. */
function failuresIn(path: string): number {
  return Number((JSON.parse(readFileSync(path, 'utf8')) as { failures?: number }).failures ?? 0);
}
