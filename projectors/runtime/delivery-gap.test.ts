import { describe, expect, it } from 'vitest';
import { watchDeliveries } from './delivery-gap.ts';

describe('a worker watching its deliveries', () => {
  it('takes each delivery after the last one the consumer made before it, redeliveries too', () => {
    const next = watchDeliveries(7);
    expect([8, 9, 10, 11].map(next)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reports a delivery it never received', () => {
    const next = watchDeliveries(0);
    expect(next(1)).toBeUndefined();
    expect(next(4)).toEqual({ expected: 2, got: 4 });
  });

  it('reports deliveries made before it started that it never received', () => {
    expect(watchDeliveries(3)(6)).toEqual({ expected: 4, got: 6 });
  });

  it('follows a new consumer leader that numbers again from an older delivery', () => {
    const next = watchDeliveries(0);
    for (const s of [1, 2, 3, 4]) next(s);
    expect(next(3)).toBeUndefined();
    expect(next(4)).toBeUndefined();
    expect(next(6)).toEqual({ expected: 5, got: 6 });
  });
});
