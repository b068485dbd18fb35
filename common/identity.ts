// Who this process is in the job, how many ranks there are, and where the coordinator listens, read from the
// variables of whichever engine started it. The environment is passed in so that every engine can be tested
// as a plain object; a process that finds no engine's variables is the launcher itself.
import { IdentityError } from './errors/identity-error.js';

/** Which engine's variables the identity was read from. */
export type IdentitySource = 'stylerun' | 'openmpi' | 'mpich' | 'torchrun' | 'azureml' | 'kubernetes';

/** This process's place in the job, as the engine that started it describes it. */
export type RankIdentity = {
  rank: number;
  worldSize: number;
  /** Index among the ranks on this machine (it picks the GPU); 0 when the engine does not say. */
  localRank: number;
  /** Ranks on this machine; 1 when the engine does not say. */
  localWorldSize: number;
  /** Undefined when nothing names it: rank 0 then hosts it. An IPv6 host comes without brackets. */
  coordinator?: { host: string; port: number };
  source: IdentitySource;
};

/**
 * Port of the coordinator when Azure ML names its master node without one (AZ_BATCHAI_MPI_MASTER_NODE is a bare
 * address): the nodes of one AML cluster reach each other on any port, so a fixed one is enough.
 */
export const DEFAULT_COORDINATOR_PORT = 50051;

type EngineVariables = {
  source: IdentitySource;
  /** How the message names the engine, for a user deciding whether this process should be a rank at all. */
  engine: string;
  rank: string;
  worldSize: string;
  localRank?: string;
  localWorldSize?: string;
  /** What to tell a user whose world-size variable is missing, where the generic advice would mislead. */
  worldSizeFix?: string;
};

const STYLERUN: EngineVariables = {
  source: 'stylerun',
  engine: 'stylerun',
  rank: 'STYLERUN_RANK',
  worldSize: 'STYLERUN_WORLD_SIZE',
  localRank: 'STYLERUN_LOCAL_RANK',
  localWorldSize: 'STYLERUN_LOCAL_WORLD_SIZE',
};
const OPEN_MPI_NAMES = {
  rank: 'OMPI_COMM_WORLD_RANK',
  worldSize: 'OMPI_COMM_WORLD_SIZE',
  localRank: 'OMPI_COMM_WORLD_LOCAL_RANK',
  localWorldSize: 'OMPI_COMM_WORLD_LOCAL_SIZE',
};
const OPEN_MPI: EngineVariables = { source: 'openmpi', engine: 'Open MPI', ...OPEN_MPI_NAMES };
const AZURE_ML: EngineVariables = { source: 'azureml', engine: 'Azure ML (Open MPI)', ...OPEN_MPI_NAMES };
const MPICH: EngineVariables = {
  source: 'mpich',
  engine: 'MPICH/Intel MPI',
  rank: 'PMI_RANK',
  worldSize: 'PMI_SIZE',
  localRank: 'MPI_LOCALRANKID',
  localWorldSize: 'MPI_LOCALNRANKS',
};
const TORCHRUN: EngineVariables = {
  source: 'torchrun',
  engine: 'torchrun',
  rank: 'RANK',
  worldSize: 'WORLD_SIZE',
  localRank: 'LOCAL_RANK',
  localWorldSize: 'LOCAL_WORLD_SIZE',
};
// An Indexed Job gives each pod its index but not the number of completions, so the size is ours to pass,
// and one pod is one rank, hence no local variables.
const KUBERNETES: EngineVariables = {
  source: 'kubernetes',
  engine: 'a Kubernetes Indexed Job',
  rank: 'JOB_COMPLETION_INDEX',
  worldSize: 'STYLERUN_WORLD_SIZE',
  worldSizeFix: "set STYLERUN_WORLD_SIZE to the Job's completions in the pod template",
};

// AZ_BATCH_MASTER_NODE comes first because it carries a port; the older AZ_BATCHAI_ one is a bare address.
const AZURE_MASTER_VARIABLES = ['AZ_BATCH_MASTER_NODE', 'AZ_BATCHAI_MPI_MASTER_NODE'];

/** Reads this rank's identity from `env`; undefined when no engine's variables are set (the launcher). */
export function identityFromEnv(env: NodeJS.ProcessEnv): RankIdentity | undefined {
  const engine = detectEngine(env);
  if (!engine) return undefined;
  const identity: RankIdentity = { ...readCounts(env, engine), source: engine.source };
  const coordinator = coordinatorFromEnv(env, engine);
  if (coordinator) identity.coordinator = coordinator;
  return identity;
}

// Stylerun's own variables win so that stylerun run under mpirun (or on AML) can say what it means itself.
// torchrun needs RANK and WORLD_SIZE together because RANK alone is too common a name to trust.
function detectEngine(env: NodeJS.ProcessEnv): EngineVariables | undefined {
  if (isSet(env, STYLERUN.rank)) return STYLERUN;
  if (isSet(env, OPEN_MPI.rank)) return azureMaster(env) ? AZURE_ML : OPEN_MPI;
  if (isSet(env, MPICH.rank)) return MPICH;
  if (isSet(env, TORCHRUN.rank) && isSet(env, TORCHRUN.worldSize)) return TORCHRUN;
  if (isSet(env, KUBERNETES.rank)) return KUBERNETES;
  return undefined;
}

/**
 * Other engines' rank variables set beside those of the engine `chosen` (detectEngine's order decided between
 * them), as "NAME=value (engine)": a leftover RANK in a shell that runs mpirun, say. Empty where none.
 */
export function ignoredEngineVariables(env: NodeJS.ProcessEnv, chosen: IdentitySource): string[] {
  const others = [OPEN_MPI, MPICH, TORCHRUN, KUBERNETES].filter((e) => e.rank !== detectEngineBySource(chosen)?.rank);
  return others.flatMap((e) => {
    if (!isSet(env, e.rank) || (e === TORCHRUN && !isSet(env, e.worldSize))) return [];
    return [`${e.rank}=${valueOf(env, e.rank)} (${e.engine})`];
  });
}

function detectEngineBySource(source: IdentitySource): EngineVariables | undefined {
  return [STYLERUN, OPEN_MPI, AZURE_ML, MPICH, TORCHRUN, KUBERNETES].find((e) => e.source === source);
}

function readCounts(env: NodeJS.ProcessEnv, engine: EngineVariables): Omit<RankIdentity, 'source'> {
  const rank = readInteger(env, engine, engine.rank, 0);
  const worldSize = readInteger(env, engine, engine.worldSize, 1);
  requireBelow(env, engine.rank, rank, engine.worldSize, worldSize);
  // Not every engine sets the local pair (Kubernetes, some PMIs): one rank per machine is then the safe reading.
  const localRank = readOptionalInteger(env, engine, engine.localRank, 0) ?? 0;
  const localWorldSize = readOptionalInteger(env, engine, engine.localWorldSize, 1) ?? 1;
  if (engine.localRank && engine.localWorldSize) {
    requireBelow(env, engine.localRank, localRank, engine.localWorldSize, localWorldSize);
  }
  return { rank, worldSize, localRank, localWorldSize };
}

// STYLERUN_COORDINATOR wins over the engine's own address: on torchrun MASTER_PORT belongs to torch's store,
// and whoever set ours meant it.
function coordinatorFromEnv(env: NodeJS.ProcessEnv, engine: EngineVariables): RankIdentity['coordinator'] {
  const ours = valueOf(env, 'STYLERUN_COORDINATOR');
  if (ours !== undefined) return parseHostPort('STYLERUN_COORDINATOR', ours, undefined);
  if (engine.source === 'azureml') {
    const master = azureMaster(env);
    return master && parseHostPort(master.variable, master.value, DEFAULT_COORDINATOR_PORT);
  }
  if (engine.source === 'torchrun') return torchrunMaster(env);
  return undefined;
}

function torchrunMaster(env: NodeJS.ProcessEnv): RankIdentity['coordinator'] {
  const host = valueOf(env, 'MASTER_ADDR');
  const port = valueOf(env, 'MASTER_PORT');
  if (host === undefined && port === undefined) return undefined;
  if (host === undefined) throw notSetWith('MASTER_ADDR', 'MASTER_PORT');
  if (port === undefined) throw notSetWith('MASTER_PORT', 'MASTER_ADDR');
  return { host, port: parsePort('MASTER_PORT', port) };
}

function azureMaster(env: NodeJS.ProcessEnv): { variable: string; value: string } | undefined {
  for (const variable of AZURE_MASTER_VARIABLES) {
    const value = valueOf(env, variable);
    if (value !== undefined) return { variable, value };
  }
  return undefined;
}

function readInteger(env: NodeJS.ProcessEnv, engine: EngineVariables, variable: string, min: number): number {
  const value = valueOf(env, variable);
  if (value === undefined) {
    throw new IdentityError({
      variable,
      value,
      problem: `is not set, but ${engine.rank} is, so this process looks like a rank started by ${engine.engine}`,
      fix:
        variable === engine.worldSize && engine.worldSizeFix
          ? engine.worldSizeFix
          : `set ${variable}, or unset ${engine.rank} to run as the launcher`,
    });
  }
  const parsed = parseInteger(value);
  if (parsed === undefined || parsed < min) {
    throw new IdentityError({
      variable,
      value,
      problem: `is not a whole number >= ${min}`,
      fix: `check how ${engine.engine} started this process, or unset ${variable}`,
    });
  }
  return parsed;
}

function readOptionalInteger(
  env: NodeJS.ProcessEnv,
  engine: EngineVariables,
  variable: string | undefined,
  min: number,
): number | undefined {
  return variable && isSet(env, variable) ? readInteger(env, engine, variable, min) : undefined;
}

function requireBelow(
  env: NodeJS.ProcessEnv,
  variable: string,
  index: number,
  sizeVariable: string,
  size: number,
): void {
  if (index < size) return;
  const sizeText = isSet(env, sizeVariable) ? `${sizeVariable}=${size}` : `${sizeVariable} (unset, so ${size})`;
  throw new IdentityError({
    variable,
    value: valueOf(env, variable),
    problem: `is not below ${sizeText}`,
    fix: `${size === 1 ? 'set it to 0' : `set it from 0 to ${size - 1}`}, or raise ${sizeVariable}`,
  });
}

/** `host:port`, `[ipv6]:port`, or (where `defaultPort` is given) a bare host or IPv6 address. */
function parseHostPort(
  variable: string,
  value: string,
  defaultPort: number | undefined,
): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  let host = value;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
  } else if (value.split(':').length === 2) {
    [host = '', port] = value.split(':');
  }
  // Otherwise no colon, or several: an unbracketed IPv6 address, which cannot carry a port.
  if (host !== '' && port !== undefined) return { host, port: parsePort(variable, port, value) };
  if (host !== '' && defaultPort !== undefined) return { host, port: defaultPort };
  const shape = defaultPort === undefined ? 'host:port' : 'host or host:port';
  throw new IdentityError({
    variable,
    value,
    problem: `is not ${shape}`,
    fix: `write it as ${shape}, with an IPv6 address in brackets as in [::1]:${DEFAULT_COORDINATOR_PORT}`,
  });
}

function parsePort(variable: string, port: string, whole: string = port): number {
  const parsed = parseInteger(port);
  if (parsed === undefined || parsed < 1 || parsed > 65535) {
    throw new IdentityError({
      variable,
      value: whole,
      problem: `has port '${port}', not a whole number from 1 to 65535`,
      fix: 'name the port the coordinator listens on',
    });
  }
  return parsed;
}

// Digits only: Number() would also take '', ' 3', '0x10' and '1e3', none of which a launcher writes.
function parseInteger(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const parsed = Number(text);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

function notSetWith(variable: string, partner: string): IdentityError {
  return new IdentityError({
    variable,
    value: undefined,
    problem: `is not set, but ${partner} is`,
    fix: `set both to the coordinator's address, or neither`,
  });
}

// An empty value counts as unset: `VAR= command` is how a shell user clears one for a single command.
function valueOf(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : value;
}

function isSet(env: NodeJS.ProcessEnv, variable: string): boolean {
  return valueOf(env, variable) !== undefined;
}
