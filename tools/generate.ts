import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderClientRoutes, withApiTable } from './commandTable.js';

/** `npm run generate`: rewrites what is derived from the command declarations. */
const root = join(import.meta.dirname, '..');
const apiPath = join(root, 'docs', 'api.md');
writeFileSync(apiPath, withApiTable(readFileSync(apiPath, 'utf8')));
writeFileSync(join(root, 'client', 'commandRoutes.ts'), renderClientRoutes());
process.stdout.write('docs/api.md (command table) and client/commandRoutes.ts written\n');
