#!/usr/bin/env node
// The CLI is TypeScript like the rest of the hub; tsx loads it without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../edge/cli.ts');
