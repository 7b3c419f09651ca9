// One spelling per address, so that the same client is recorded, grouped and compared alike:
// IPv4 dotted, an IPv4-mapped IPv6 address as the IPv4 it carries, IPv6 in RFC 5952's form
// (lowercase, no leading zeros, the longest run of zero groups as '::').
import { isIP } from 'node:net';

/** The address in its one spelling; '' when it is not an address. */
export function canonicalAddress(address: string): string {
  const text = address.trim();
  if (isIP(text) === 4) return text;
  const groups = ipv6Groups(text);
  if (!groups) return '';
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return ipv4Of(groups[6] ?? 0, groups[7] ?? 0);
  return formatIpv6(groups);
}

/**
 * Who a signed-out client is, for grouping: an IPv6 client's /64 (one subscriber's network,
 * whose addresses it can change at will), an IPv4 client's address. '' when unknown.
 */
export function networkOf(address: string): string {
  const canonical = canonicalAddress(address);
  if (isIP(canonical) !== 6) return canonical;
  const groups = ipv6Groups(canonical) ?? [];
  return `${formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The eight 16-bit groups of an IPv6 address (a zone is ignored), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  const bare = address.split('%')[0] ?? '';
  if (isIP(bare) !== 6) return undefined;
  let text = bare;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const [left = '', right] = text.split('::');
  if (right === undefined) return parse(left);
  const head = parse(left);
  const rest = parse(right);
  return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

function formatIpv6(groups: number[]): string {
  // The first longest run of two or more zero groups becomes '::'.
  let start = -1;
  let length = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > length && j - i >= 2) {
      start = i;
      length = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (start < 0) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}
