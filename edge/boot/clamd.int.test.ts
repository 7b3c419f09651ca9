// `npm start` with CLAMD_URL unset looks for clamd where it usually is, and takes the first
// address that answers; with none answering, uploads stay refused as documented.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateClamd, startClamd, WITHOUT_CLAMD_REASON, withoutClamd } from '../../test/clamd.ts';
import { findClamd, freePort } from './infra.ts';

let clamd: PrivateClamd;
let nobody: string;

beforeAll(async () => {
  if (withoutClamd) return;
  clamd = await startClamd();
  nobody = `tcp://127.0.0.1:${await freePort()}`;
}, 60_000);
afterAll(() => clamd?.stop());

describe.skipIf(withoutClamd)(
  `finding clamd for npm start${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`,
  () => {
    it('takes the first address that answers, over TCP or its socket', async () => {
      expect(await findClamd([nobody, clamd.url])).toBe(clamd.url);
      expect(await findClamd(['unix:/nonexistent/clamd.ctl', `unix:${clamd.socketPath}`, clamd.url])).toBe(
        `unix:${clamd.socketPath}`,
      );
    });

    it('finds none when nothing answers', async () => {
      expect(await findClamd([nobody, 'unix:/nonexistent/clamd.ctl'])).toBeUndefined();
    });
  },
);
