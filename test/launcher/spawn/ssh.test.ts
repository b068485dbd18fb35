import { describe, expect, it } from 'vitest';
import { bootstrapLine } from '../../../common/rank-bootstrap.js';
import { remoteCommand } from '../../../launcher/spawn/ssh.js';

describe('the remote command of a rank started over ssh', () => {
  it('names only the node and the rank entry: the environment and the token go down stdin', () => {
    expect(remoteCommand('/usr/bin/node', "/opt/style run/it's/main.js")).toBe("STYLERUN_BOOTSTRAP=stdin exec '/usr/bin/node' '/opt/style run/it'\\''s/main.js'");
    const line = bootstrapLine({ env: { STYLERUN_RANK: '1' }, jobToken: 'secret' });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ env: { STYLERUN_RANK: '1' }, jobToken: 'secret' });
  });
});
