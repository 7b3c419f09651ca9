// The hashing half of verify's chain (chain-thread.ts): events arrive canonically encoded in a
// shared ring, each after 32 bytes of room for the link before it; this thread writes that link
// there, hashes the whole in one native call, and answers the links verify compares. Plain
// JavaScript: a thread that loaded TypeScript would start several times slower than it hashes.
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const LINK_BYTES = 32;
const ring = Buffer.from(workerData.ring);
// The running link as a string digest, as hashed: no buffer allocated per event.
let running = '\0'.repeat(LINK_BYTES);

/**
 * { first, at, resets, reports }: events first, first + 1, … lie at ring[at[2j], at[2j + 1]);
 * before event resets[r].at the running link is resets[r].link; the links after `reports` are
 * answered, in order, as { links }.
 */
parentPort.on('message', ({ first, at, resets, reports }) => {
  const links = [];
  let r = 0;
  let k = 0;
  while (r < resets.length && resets[r].at < first) r++;
  while (k < reports.length && reports[k] < first) k++;
  for (let j = 0; j < at.length; j += 2) {
    const i = first + j / 2;
    const from = at[j];
    if (r < resets.length && resets[r].at === i) {
      running = Buffer.from(resets[r].link).toString('latin1');
      r++;
    }
    for (let b = 0; b < LINK_BYTES; b++) ring[from + b] = running.charCodeAt(b);
    running = hash('sha256', ring.subarray(from, at[j + 1]), 'binary');
    if (k < reports.length && reports[k] === i) {
      links.push(Buffer.from(running, 'latin1'));
      k++;
    }
  }
  parentPort.postMessage({ links });
});
