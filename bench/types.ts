// What every figure module hands back to run.ts, so the report is built in one place.
import type { BenchContext } from './context.ts';

/** What a figure that replays a published history beside UNNEST takes from run.ts. */
export type ReplayFigureOptions = {
  ctx: BenchContext;
  events: number;
  publishInFlight: number;
  unnestBatch: number;
  step: (text: string) => void;
};

export type Measurement = {
  label: string;
  unit: string;
  /** The rate compared against targets (per second), or the figure an absolute target bounds. */
  value: number;
  count: number;
  seconds: number;
  /** Diagnostic numbers shown under the table and kept in results.json. */
  details?: Record<string, number | string>;
};

export type Target =
  | {
      description: string;
      /** figure.value / baseline.value must be at least this. */
      minRatio: number;
    }
  | {
      description: string;
      /** An absolute bound: figure.value (in figure.unit) must be below this. */
      below: number;
    };

export type FigureResult = {
  id: string;
  title: string;
  figure: Measurement | null;
  baseline: Measurement | null;
  target?: Target;
  /** Set when the figure cannot be measured yet; the report prints it instead of numbers. */
  pending?: string;
};
