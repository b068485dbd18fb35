import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RestError as EsmRestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { azureBlob, isRestStatus } from '../../../common/storage/azure-sdk.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? (d.name === 'generated' ? [] : sources(join(dir, d.name))) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('the Azure SDK, loaded at first use', () => {
  it('is imported for its values only by common/storage/azure-sdk.ts and the rank’s upload module (loaded by a dynamic import)', () => {
    // A static value import would load the SDK (about 0.24 s of CPU) in every launcher, engine process and rank.
    const staticValueImport = /^import\s+(?!type\b)[^;]*from\s+'@azure\/storage-blob'/m;
    const offenders = ['common', 'launcher', 'rank', 'models', 'proto'].flatMap(sources).filter((f) => staticValueImport.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual(['rank/chunk-to-blob.ts']);
    const rankMain = readFileSync(join(root, 'rank/main.ts'), 'utf8');
    expect(rankMain).not.toMatch(/^import[^;]*chunk-to-blob/m);
    expect(rankMain).toMatch(/await import\('\.\/chunk-to-blob\.js'\)/);
  });

  it('gives one module, and recognises the SDK’s RestError by status from either of its builds', () => {
    expect(azureBlob()).toBe(azureBlob());
    const cjs = new (azureBlob().RestError)('not found', { statusCode: 404 });
    const esm = new EsmRestError('conflict', { statusCode: 409 });
    expect(isRestStatus(cjs, 404)).toBe(true);
    expect(isRestStatus(esm, 409)).toBe(true);
    expect(isRestStatus(esm, 404)).toBe(false);
    expect(isRestStatus(Object.assign(new Error('x'), { statusCode: 404 }), 404)).toBe(false);
    expect(isRestStatus(undefined, 404)).toBe(false);
  });
});
