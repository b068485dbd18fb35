// A state set with checked moves (after Temporal's worker): one state at a time, changed only along a
// table of allowed moves, every move logged at debug; an illegal move is a bug and throws.
import type { Logger } from './log.js';

/** From each state, the states it may move to. */
export type Moves<S extends string> = Readonly<Record<S, readonly S[]>>;

/** Holds one state of `moves`; `name` tags the log lines and errors ("group", "job"). */
export class StateMachine<S extends string> {
  private current: S;

  constructor(
    private readonly name: string,
    initial: S,
    private readonly moves: Moves<S>,
    private readonly log?: Logger,
    private readonly onMove?: (from: S, to: S, why: string) => void,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  transition(to: S, why = ''): void {
    const from = this.current;
    if (!this.moves[from].includes(to)) throw new Error(`illegal ${this.name} state move ${from} -> ${to}${why ? ` (${why})` : ''}`);
    this.current = to;
    this.log?.debug(`${this.name} ${from} -> ${to}`, { why: why || undefined });
    this.onMove?.(from, to, why);
  }
}
