// Copies the non-TypeScript files the built code loads at run time (the .proto) next to it in dist/.
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/proto', { recursive: true });
cpSync('proto/stylerun.proto', 'dist/proto/stylerun.proto');
