// Copies the non-TypeScript files the built code loads at run time next to it in dist/: the .proto (which
// tools read) and the generated static coders (JavaScript that tsc does not compile).
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/proto/generated', { recursive: true });
cpSync('proto/stylerun.proto', 'dist/proto/stylerun.proto');
cpSync('proto/generated/coders.js', 'dist/proto/generated/coders.js');
