// given(events).when(command).then(events | error), after Emmett's DeciderSpecification.
import { expect } from 'vitest';
import { HearthError } from '../contracts/errors.ts';
import type { Decider } from '../writers/log/append.ts';

export function deciderSpec<S, C, E>(decider: Decider<S, C, E>) {
  return {
    given: (events: E[]) => ({
      when: (command: C) => {
        const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState));
        return {
          thenEmits: (expected: E[]) => expect(strip(run())).toEqual(strip(expected)),
          thenNothing: () => expect(run()).toEqual([]),
          thenFails: (code: string) => {
            let caught: unknown;
            try {
              run();
            } catch (err) {
              caught = err;
            }
            expect(caught).toBeInstanceOf(HearthError);
            expect((caught as HearthError).code).toBe(code);
          },
        };
      },
    }),
  };
}

// Protobuf messages carry a $typeName; comparing plain values keeps failures readable.
function strip<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
