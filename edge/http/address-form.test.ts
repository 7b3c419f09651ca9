import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalAddress, networkOf } from './address-form.ts';

describe('the one spelling of an address', () => {
  it('keeps IPv4 as it is and turns an IPv4-mapped address into its IPv4', () => {
    expect(canonicalAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(canonicalAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(canonicalAddress('::FFFF:cb00:7107')).toBe('203.0.113.7');
  });

  it('writes IPv6 in RFC 5952’s form', () => {
    expect(canonicalAddress('2001:0DB8:0000:0000:0000:0000:0000:0007')).toBe('2001:db8::7');
    expect(canonicalAddress('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(canonicalAddress('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalAddress('::')).toBe('::');
    expect(canonicalAddress('fe80::1%eth0')).toBe('fe80::1');
  });

  it('is empty for what is not an address', () => {
    expect(canonicalAddress('')).toBe('');
    expect(canonicalAddress('unknown')).toBe('');
    expect(canonicalAddress('2001:db8::7::1')).toBe('');
  });

  it('is a fixed point, and names the same address as any other spelling', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const once = canonicalAddress(address);
        expect(once).not.toBe('');
        expect(canonicalAddress(once)).toBe(once);
        expect(canonicalAddress(address.toUpperCase())).toBe(once);
      }),
    );
  });
});

describe('the network a signed-out client is grouped by', () => {
  it('is an IPv6 client’s /64, whatever address of it is used', () => {
    expect(networkOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('is an IPv4 client’s address, mapped or not', () => {
    expect(networkOf('198.51.100.4')).toBe('198.51.100.4');
    expect(networkOf('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(networkOf('')).toBe('');
  });
});
