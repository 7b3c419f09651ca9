#!/usr/bin/env node
// The CLI is TypeScript like the rest of the hub; tsx loads it without a build step. The
// production image holds only the compiled hub (npm run build:server), so there it runs that.
import { existsSync } from 'node:fs';

const source = new URL('../edge/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/edge/cli.js');
}
