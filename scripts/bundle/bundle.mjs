// Bundles the two programs every job starts, the launcher's CLI and the rank, each into one CommonJS file
// in dist/bundle/, run through V8's code cache by scripts/bundle/run.cjs (copied beside them). One file
// instead of ~400 modules saves the module loader's resolving and linking; the cache saves compiling.
// Native, lazily loaded or large optional packages stay outside and load from node_modules as usual.
// Each module keeps its own import.meta.url (its file in dist/ or node_modules/, as if unbundled), so
// paths it finds relative to itself (the .proto, yargs's locales, the rank's entry) stay right.
// Without esbuild (dev dependencies omitted) it says so and exits 0: the unbundled dist/ runs as it is.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'dist/bundle');
/** Entry name → the compiled module it bundles. */
export const bundles = { cli: 'dist/launcher/cli/cli.js', rank: 'dist/rank/main.js' };
// (@grpc/proto-loader: grpc-js requires it only for channelz and ORCA, which stylerun does not use)
const external = ['onnxruntime-node', '@azure/storage-blob', 'pino', 'selfsigned', 'azurite', '@grpc/proto-loader'];

let esbuild;
try {
  esbuild = createRequire(join(root, 'package.json'))('esbuild');
} catch {
  process.stderr.write('stylerun: esbuild is not installed; dist/ runs unbundled\n');
  process.exit(0);
}

// defined once at the bundle's top, where `require` and `__dirname` are still the bundle's own (a module may
// name its own `require`, and esbuild renames around it)
const ownUrlHelper = '__stylerunOwnUrl';
const banner = `const ${ownUrlHelper} = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;`;

/** Replaces `import.meta.url` in each bundled file with its own file's URL, found from the bundle's place. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      const contents = readFileSync(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      const rel = JSON.stringify(relative(out, args.path));
      return { contents: contents.replaceAll('import.meta.url', `${ownUrlHelper}(${rel})`), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

mkdirSync(out, { recursive: true });
// compiled code of the bundles being replaced: V8 would take a cache for any source of the same length
for (const name of readdirSync(out)) if (name.endsWith('.v8cache') || name.endsWith('.tmp')) rmSync(join(out, name), { force: true });
for (const [name, entry] of Object.entries(bundles)) {
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    outfile: join(out, `${name}.cjs`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external,
    plugins: [ownUrl],
    banner: { js: banner },
    logLevel: 'error',
    metafile: true,
  });
  // an import() left in a bundle fails at run time: code from V8's cache has no dynamic import callback
  const dynamic = Object.values(result.metafile.outputs).flatMap((o) => o.imports).filter((i) => i.kind === 'dynamic-import' && i.external);
  if (dynamic.length > 0) {
    process.stderr.write(`stylerun: the ${name} bundle keeps import() of ${dynamic.map((i) => i.path).join(', ')}; load it with createRequire instead\n`);
    process.exit(1);
  }
  // the entry a process starts: run the bundle through the code cache
  writeFileSync(join(out, `${name}-main.cjs`), `#!/usr/bin/env node\n'use strict';\nrequire('./run.cjs').runBundle(require('node:path').join(__dirname, '${name}.cjs'));\n`);
}
copyFileSync(join(root, 'scripts/bundle/run.cjs'), join(out, 'run.cjs'));
