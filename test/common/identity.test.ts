import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../common/errors/identity-error.js';
import { ExitCode } from '../../common/exit-codes.js';
import { DEFAULT_COORDINATOR_PORT, identityFromEnv, ignoredEngineVariables } from '../../common/identity.js';

const OPEN_MPI_RANK_2_OF_4 = {
  OMPI_COMM_WORLD_RANK: '2',
  OMPI_COMM_WORLD_SIZE: '4',
  OMPI_COMM_WORLD_LOCAL_RANK: '0',
  OMPI_COMM_WORLD_LOCAL_SIZE: '2',
};

function identityErrorFrom(env: NodeJS.ProcessEnv): IdentityError {
  try {
    identityFromEnv(env);
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw error;
  }
  throw new Error('expected an IdentityError');
}

describe('identityFromEnv', () => {
  describe('finding no engine', () => {
    it('returns undefined for an empty environment, which is the launcher itself', () => {
      expect(identityFromEnv({})).toBeUndefined();
    });

    it('returns undefined when only unrelated variables are set', () => {
      expect(identityFromEnv({ PATH: '/usr/bin', HOME: '/root', STYLERUN_WORLD_SIZE: '4' })).toBeUndefined();
    });

    it('treats an empty variable as unset', () => {
      expect(identityFromEnv({ OMPI_COMM_WORLD_RANK: '' })).toBeUndefined();
    });

    it('does not take RANK alone for torchrun, because the name is too common', () => {
      expect(identityFromEnv({ RANK: '1' })).toBeUndefined();
    });
  });

  describe('each engine', () => {
    it("reads the rank, sizes and coordinator from stylerun's variables", () => {
      expect(
        identityFromEnv({
          STYLERUN_RANK: '3',
          STYLERUN_WORLD_SIZE: '8',
          STYLERUN_LOCAL_RANK: '1',
          STYLERUN_LOCAL_WORLD_SIZE: '2',
          STYLERUN_COORDINATOR: 'node0:7070',
        }),
      ).toEqual({
        rank: 3,
        worldSize: 8,
        localRank: 1,
        localWorldSize: 2,
        coordinator: { host: 'node0', port: 7070 },
        source: 'stylerun',
      });
    });

    it("reads the rank from Open MPI's variables and leaves the coordinator to rank 0", () => {
      expect(identityFromEnv(OPEN_MPI_RANK_2_OF_4)).toEqual({
        rank: 2,
        worldSize: 4,
        localRank: 0,
        localWorldSize: 2,
        source: 'openmpi',
      });
    });

    it('takes the coordinator of an Open MPI rank from STYLERUN_COORDINATOR', () => {
      const identity = identityFromEnv({ ...OPEN_MPI_RANK_2_OF_4, STYLERUN_COORDINATOR: '10.0.0.4:7070' });
      expect(identity?.coordinator).toEqual({ host: '10.0.0.4', port: 7070 });
    });

    it("reads the rank from MPICH's and Intel MPI's variables", () => {
      const env = { PMI_RANK: '5', PMI_SIZE: '6', MPI_LOCALRANKID: '1', MPI_LOCALNRANKS: '3' };
      expect(identityFromEnv(env)).toEqual({
        rank: 5,
        worldSize: 6,
        localRank: 1,
        localWorldSize: 3,
        source: 'mpich',
      });
    });

    it('assumes one rank per machine when the engine gives no local variables', () => {
      const identity = identityFromEnv({ PMI_RANK: '1', PMI_SIZE: '2' });
      expect(identity).toMatchObject({ localRank: 0, localWorldSize: 1 });
    });

    it("tags an Open MPI rank as Azure ML's and takes the coordinator from AZ_BATCH_MASTER_NODE", () => {
      expect(identityFromEnv({ ...OPEN_MPI_RANK_2_OF_4, AZ_BATCH_MASTER_NODE: '10.0.0.4:6105' })).toEqual({
        rank: 2,
        worldSize: 4,
        localRank: 0,
        localWorldSize: 2,
        coordinator: { host: '10.0.0.4', port: 6105 },
        source: 'azureml',
      });
    });

    it('gives the default port to the bare address in AZ_BATCHAI_MPI_MASTER_NODE', () => {
      const identity = identityFromEnv({ ...OPEN_MPI_RANK_2_OF_4, AZ_BATCHAI_MPI_MASTER_NODE: '10.0.0.4' });
      expect(identity?.source).toBe('azureml');
      expect(identity?.coordinator).toEqual({ host: '10.0.0.4', port: DEFAULT_COORDINATOR_PORT });
    });

    it('prefers AZ_BATCH_MASTER_NODE to AZ_BATCHAI_MPI_MASTER_NODE because it carries a port', () => {
      const identity = identityFromEnv({
        ...OPEN_MPI_RANK_2_OF_4,
        AZ_BATCHAI_MPI_MASTER_NODE: '10.0.0.9',
        AZ_BATCH_MASTER_NODE: '10.0.0.4:6105',
      });
      expect(identity?.coordinator).toEqual({ host: '10.0.0.4', port: 6105 });
    });

    it("reads the rank and coordinator from torchrun's variables", () => {
      expect(
        identityFromEnv({
          RANK: '1',
          WORLD_SIZE: '2',
          LOCAL_RANK: '1',
          LOCAL_WORLD_SIZE: '2',
          MASTER_ADDR: 'trainer-0',
          MASTER_PORT: '29500',
        }),
      ).toEqual({
        rank: 1,
        worldSize: 2,
        localRank: 1,
        localWorldSize: 2,
        coordinator: { host: 'trainer-0', port: 29500 },
        source: 'torchrun',
      });
    });

    it('reads the rank of a Kubernetes Indexed Job pod and the size from STYLERUN_WORLD_SIZE', () => {
      const env = { JOB_COMPLETION_INDEX: '7', STYLERUN_WORLD_SIZE: '10', STYLERUN_COORDINATOR: 'job-0.svc:7070' };
      expect(identityFromEnv(env)).toEqual({
        rank: 7,
        worldSize: 10,
        localRank: 0,
        localWorldSize: 1,
        coordinator: { host: 'job-0.svc', port: 7070 },
        source: 'kubernetes',
      });
    });
  });

  describe('precedence', () => {
    it("lets stylerun's variables win over Open MPI's", () => {
      const identity = identityFromEnv({ ...OPEN_MPI_RANK_2_OF_4, STYLERUN_RANK: '0', STYLERUN_WORLD_SIZE: '1' });
      expect(identity).toMatchObject({ rank: 0, worldSize: 1, source: 'stylerun' });
    });

    it("lets Open MPI's variables win over MPICH's and torchrun's", () => {
      const identity = identityFromEnv({
        ...OPEN_MPI_RANK_2_OF_4,
        PMI_RANK: '0',
        PMI_SIZE: '1',
        RANK: '0',
        WORLD_SIZE: '1',
      });
      expect(identity).toMatchObject({ rank: 2, source: 'openmpi' });
    });

    it("lets MPICH's variables win over torchrun's, and torchrun's over Kubernetes'", () => {
      const torchrun = { RANK: '0', WORLD_SIZE: '1' };
      expect(identityFromEnv({ ...torchrun, PMI_RANK: '1', PMI_SIZE: '2' })?.source).toBe('mpich');
      const kubernetes = { JOB_COMPLETION_INDEX: '3', STYLERUN_WORLD_SIZE: '4' };
      expect(identityFromEnv({ ...torchrun, ...kubernetes })?.source).toBe('torchrun');
    });

    it('prefers STYLERUN_COORDINATOR to MASTER_ADDR and MASTER_PORT, which belong to torch', () => {
      const identity = identityFromEnv({
        RANK: '0',
        WORLD_SIZE: '1',
        MASTER_ADDR: 'trainer-0',
        MASTER_PORT: '29500',
        STYLERUN_COORDINATOR: 'trainer-0:7070',
      });
      expect(identity?.coordinator).toEqual({ host: 'trainer-0', port: 7070 });
    });
  });

  describe('bad values', () => {
    it('rejects a rank that is not a whole number, naming the variable and the value', () => {
      const error = identityErrorFrom({ ...OPEN_MPI_RANK_2_OF_4, OMPI_COMM_WORLD_RANK: 'two' });
      expect(error).toMatchObject({ variable: 'OMPI_COMM_WORLD_RANK', value: 'two' });
      expect(error.message).toMatch(/^OMPI_COMM_WORLD_RANK='two' is not a whole number >= 0; /);
    });

    it.each(['-1', '1.5', ' 1', '0x1', '1e3', '99999999999999999999'])('rejects the rank %j', (rank) => {
      expect(identityErrorFrom({ PMI_RANK: rank, PMI_SIZE: '4' }).variable).toBe('PMI_RANK');
    });

    it('rejects a rank that is not below the world size', () => {
      const error = identityErrorFrom({ STYLERUN_RANK: '4', STYLERUN_WORLD_SIZE: '4' });
      expect(error).toMatchObject({ variable: 'STYLERUN_RANK', value: '4' });
      expect(error.message).toContain('is not below STYLERUN_WORLD_SIZE=4');
    });

    it('rejects a world size of zero', () => {
      expect(identityErrorFrom({ RANK: '0', WORLD_SIZE: '0' }).variable).toBe('WORLD_SIZE');
    });

    it('rejects a local rank that is not below the local size, even when the size is unset', () => {
      const error = identityErrorFrom({ PMI_RANK: '1', PMI_SIZE: '4', MPI_LOCALRANKID: '1' });
      expect(error.variable).toBe('MPI_LOCALRANKID');
      expect(error.message).toContain('MPI_LOCALNRANKS (unset, so 1)');
    });

    it("says to set the Job's completions when a Kubernetes pod has no STYLERUN_WORLD_SIZE", () => {
      const error = identityErrorFrom({ JOB_COMPLETION_INDEX: '0' });
      expect(error).toMatchObject({ variable: 'STYLERUN_WORLD_SIZE', value: undefined });
      expect(error.message).toContain("completions");
    });

    it('says how to run as the launcher when a rank variable comes without its size', () => {
      const error = identityErrorFrom({ STYLERUN_RANK: '0' });
      expect(error.message).toContain('unset STYLERUN_RANK to run as the launcher');
    });

    it.each(['node0', 'node0:', ':7070', 'node0:0', 'node0:65536', 'node0:http', '::1'])(
      'rejects the coordinator %j',
      (coordinator) => {
        const env = { STYLERUN_RANK: '0', STYLERUN_WORLD_SIZE: '1', STYLERUN_COORDINATOR: coordinator };
        const error = identityErrorFrom(env);
        expect(error).toMatchObject({ variable: 'STYLERUN_COORDINATOR', value: coordinator });
      },
    );

    it('accepts an IPv6 coordinator in brackets and the ports 1 and 65535', () => {
      const base = { STYLERUN_RANK: '0', STYLERUN_WORLD_SIZE: '1' };
      const coordinatorOf = (address: string) =>
        identityFromEnv({ ...base, STYLERUN_COORDINATOR: address })?.coordinator;
      expect(coordinatorOf('[::1]:1')).toEqual({ host: '::1', port: 1 });
      expect(coordinatorOf('h:65535')).toEqual({ host: 'h', port: 65535 });
    });

    it('rejects a bad MASTER_PORT and a MASTER_ADDR without its port', () => {
      const torchrun = { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: 'trainer-0' };
      expect(identityErrorFrom({ ...torchrun, MASTER_PORT: '70000' }).variable).toBe('MASTER_PORT');
      expect(identityErrorFrom(torchrun)).toMatchObject({ variable: 'MASTER_PORT', value: undefined });
    });

    it('writes the message on one line and exits with the usage code', () => {
      const error = identityErrorFrom({ JOB_COMPLETION_INDEX: '0' });
      expect(error.message).not.toContain('\n');
      expect(error).toMatchObject({ code: 'RANK_ENVIRONMENT_INVALID', exitCode: ExitCode.usage });
    });
  });
});

describe('ignoredEngineVariables', () => {
  it('names the other engines\' rank variables set beside the chosen engine\'s', () => {
    const env = { OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '2', RANK: '0', WORLD_SIZE: '4', JOB_COMPLETION_INDEX: '3' };
    expect(identityFromEnv(env)?.source).toBe('openmpi');
    expect(ignoredEngineVariables(env, 'openmpi')).toEqual(['RANK=0 (torchrun)', 'JOB_COMPLETION_INDEX=3 (a Kubernetes Indexed Job)']);
    // Azure ML is Open MPI's variables: they are its own, not another engine's
    expect(ignoredEngineVariables({ ...env, AZ_BATCH_MASTER_NODE: '10.0.0.4:6105' }, 'azureml')).toEqual(['RANK=0 (torchrun)', 'JOB_COMPLETION_INDEX=3 (a Kubernetes Indexed Job)']);
  });

  it('is empty for one engine\'s variables, and for a RANK without WORLD_SIZE (too common a name to be torchrun\'s)', () => {
    expect(ignoredEngineVariables({ PMI_RANK: '0', PMI_SIZE: '2' }, 'mpich')).toEqual([]);
    expect(ignoredEngineVariables({ PMI_RANK: '0', PMI_SIZE: '2', RANK: '7' }, 'mpich')).toEqual([]);
  });
});
