/**
 * Checks that a value is a collector descriptor (the shape of `CollectorDescriptor`) before a heap
 * relies on it, so a user's module gets a message naming what is wrong rather than a crash deep inside
 * a run. The one check: the command's `--strategy-module`, the runner's worker processes and the
 * verifier's campaign script all use it.
 */
import type { CollectorDescriptor, CollectorFamily } from './collector.ts';

/** The families a descriptor may declare. */
export const COLLECTOR_FAMILIES: readonly CollectorFamily[] = [
  'baseline',
  'reference-counting',
  'hybrid',
  'tracing',
];

const BOOLEAN_CONSTRAINTS = [
  'movesObjects',
  'reclaimsCycles',
  'countsReferences',
  'generational',
  'incremental',
] as const;

/** The most header words a collector may declare (far more than any real collector needs). */
const MAX_HEADER_WORDS = 64;

/** The hooks a collector returned by `create` must have (the `Collector` interface). */
export const COLLECTOR_HOOKS = [
  'allocate',
  'postAlloc',
  'writeBarrierPre',
  'writeBarrierPost',
  'rootWritten',
  'collect',
  'step',
  'referenceCount',
  'verify',
  'stats',
] as const;

/** What is wrong with `value` as a descriptor; an empty list when it is one. */
export function descriptorProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [`expected an object, got ${describe(value)}`];
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof d.name !== 'string' || !/^[^\s,]+$/.test(d.name)) {
    problems.push(`name must be a non-empty string without spaces or commas, got ${describe(d.name)}`);
  }
  if (!COLLECTOR_FAMILIES.includes(d.family as CollectorFamily)) {
    problems.push(`family must be one of ${COLLECTOR_FAMILIES.join(', ')}, got ${describe(d.family)}`);
  }
  if (typeof d.summary !== 'string') problems.push(`summary must be a string, got ${describe(d.summary)}`);
  if (typeof d.create !== 'function') problems.push(`create must be a function, got ${describe(d.create)}`);
  const c = d.constraints;
  if (typeof c !== 'object' || c === null) {
    problems.push(`constraints must be an object, got ${describe(c)}`);
  } else {
    const constraints = c as Record<string, unknown>;
    for (const key of BOOLEAN_CONSTRAINTS) {
      if (typeof constraints[key] !== 'boolean') {
        problems.push(`constraints.${key} must be a boolean, got ${describe(constraints[key])}`);
      }
    }
    const h = constraints.headerWords;
    if (!(typeof h === 'number' && Number.isInteger(h) && h >= 0 && h <= MAX_HEADER_WORDS)) {
      problems.push(
        `constraints.headerWords must be an integer from 0 to ${MAX_HEADER_WORDS}, got ${describe(h)}`,
      );
    }
  }
  const sets = d.verifyOptionSets;
  if (sets !== undefined) {
    if (!Array.isArray(sets)) {
      problems.push(`verifyOptionSets must be an array of option objects, got ${describe(sets)}`);
    } else {
      sets.forEach((set: unknown, i) => {
        if (typeof set !== 'object' || set === null || Array.isArray(set))
          problems.push(
            `verifyOptionSets[${i}] must be an object of collector options, got ${describe(set)}`,
          );
      });
    }
  }
  return problems;
}

/** Whether `value` is a collector descriptor. */
export function isCollectorDescriptor(value: unknown): value is CollectorDescriptor {
  return descriptorProblems(value).length === 0;
}

/** The hooks missing from what a descriptor's `create` returned. */
export function missingHooks(collector: unknown): string[] {
  if (typeof collector !== 'object' || collector === null) return [...COLLECTOR_HOOKS];
  const c = collector as Record<string, unknown>;
  return COLLECTOR_HOOKS.filter((hook) => typeof c[hook] !== 'function');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'string') return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}
