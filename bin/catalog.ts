// npm run catalog: writes contracts/catalog.comments.json (the comments of the .proto files and
// of contracts/subjects.ts) and docs/events.md (the catalogue as a page). contracts/catalog.test.ts
// fails while either is stale.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMENTS_FILE, EVENTS_DOC, generateCatalog, ROOT } from './catalog-sources.ts';

const { comments, markdown } = generateCatalog();
writeFileSync(COMMENTS_FILE, `${JSON.stringify(comments, null, 2)}\n`);
// Biome's layout, so `npm run lint` accepts the file as written.
execFileSync(join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', COMMENTS_FILE], { cwd: ROOT });
mkdirSync(dirname(EVENTS_DOC), { recursive: true });
writeFileSync(EVENTS_DOC, markdown);
console.log(`wrote ${COMMENTS_FILE} and ${EVENTS_DOC}`);
