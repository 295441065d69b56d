/**
 * What a named experiment is: a name, a one-line summary, its options, a run function that returns
 * figures (what `--json` prints) and a formatter that renders them as text. `gclab experiment NAME`
 * builds its command line from this description; the experiment itself knows no command line.
 *
 * An experiment that runs collectors takes them as descriptors from its caller (the CLI's registry
 * is the only place that knows every strategy), through `ExperimentContext`.
 */
import { type CollectorDescriptor, GclabError } from '@gclab/core';

/** An option value that does not parse or is out of range; the message says what was expected. */
export class ExperimentOptionError extends GclabError {
  override name = 'ExperimentOptionError';
}

/** One option of an experiment (`--KEY <VALUE>`, in kebab case on the command line). */
export interface ExperimentOption {
  /** The key in the options the run function receives (camel case, e.g. `longLived`). */
  readonly key: string;
  /** A one-letter alias (e.g. `n` for `-n`), if any. */
  readonly short?: string;
  /** The value's placeholder in usage text (e.g. `bytes`). */
  readonly value: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The value when the option is not given. */
  readonly defaultValue: unknown;
  /** Parses the option's text; throws `ExperimentOptionError` when it is not valid. */
  readonly parse: (text: string) => unknown;
}

/** What the caller hands an experiment. */
export interface ExperimentContext {
  /** Every registered collector, in display order. */
  readonly collectors: readonly CollectorDescriptor[];
}

/** A named experiment; `R` is its figures. */
export interface Experiment<R = unknown> {
  /** Name, as typed after `gclab experiment`. */
  readonly name: string;
  /** One line for `gclab experiment list`. */
  readonly summary: string;
  /** Its options, in `--help` order. */
  readonly options: readonly ExperimentOption[];
  /** Example command lines (after `gclab `), for `--help`. */
  readonly examples: readonly string[];
  /** Runs it with every option's value (parsed, or its default). */
  run(options: Readonly<Record<string, unknown>>, context: ExperimentContext): R | Promise<R>;
  /** The text form of the figures. */
  format(figures: R): string;
  /** Why the run failed (printed after the figures, exit 1), or null; none: it cannot fail. */
  failure?(figures: R): string | null;
}

/**
 * An integer command-line flag from `min` to `max` (not to be confused with core's `integerOption`,
 * which reads collector options); `expected` completes the error message
 * `expected <expected>.` (e.g. `a block count from 1 to 10000000`).
 */
export function integerFlag(spec: {
  key: string;
  short?: string;
  value: string;
  description: string;
  defaultValue: number;
  min: number;
  max: number;
  expected: string;
}): ExperimentOption {
  const { min, max, expected, ...rest } = spec;
  return {
    ...rest,
    parse: (text: string): number => {
      const trimmed = text.trim();
      const n = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max)
        throw new ExperimentOptionError(`expected ${expected}.`);
      return n;
    },
  };
}

/** Reads option `key` as a number (the run functions' side of `integerFlag`). */
export function numberValue(options: Readonly<Record<string, unknown>>, key: string): number {
  const v = options[key];
  if (typeof v !== 'number')
    throw new ExperimentOptionError(`option ${key}: expected a number, got ${String(v)}.`);
  return v;
}
