/**
 * The registry: every collector the `gclab` command knows, as descriptors. This file is the only
 * place in gclab that imports every strategy package (DESIGN.md, "Layers"); the harness and the
 * commands take descriptors from here and never import a strategy themselves.
 *
 * To register a collector, import its descriptor and append it to `collectors`, one entry a line.
 * The order is the order of `gclab list` and of report columns: the baseline first, then reference
 * counting, hybrids and tracing collectors.
 */
import { type CollectorDescriptor, noGc } from '@gclab/core';
import { cpython, cpython312, cpython313, cpython314, cpython315 } from '@gclab/generational';
import { lxr, refcount, refcountDeferred, refcountTrialDeletion } from '@gclab/refcount';
import {
  genCopy,
  immix,
  incremental,
  markCompact,
  markSweep,
  semispace,
  stickyImmix,
} from '@gclab/tracing-gc';
import { UnknownCollectorError } from './errors.ts';

/** Every registered collector, in display order. Names are unique (a test checks it). */
export const collectors: readonly CollectorDescriptor[] = [
  // the baseline
  noGc,
  // reference counting
  refcount,
  refcountDeferred,
  refcountTrialDeletion,
  // hybrids
  cpython,
  cpython312,
  cpython313,
  cpython314,
  cpython315,
  lxr,
  // tracing
  markSweep,
  markCompact,
  incremental,
  semispace,
  genCopy,
  immix,
  stickyImmix,
];

/** The names of the registered collectors, in display order. */
export function collectorNames(): string[] {
  return collectors.map((c) => c.name);
}

/** The collector registered as `name`; throws `UnknownCollectorError` listing the valid names. */
export function findCollector(name: string): CollectorDescriptor {
  const found = collectors.find((c) => c.name === name);
  if (found === undefined) throw new UnknownCollectorError(name, collectorNames());
  return found;
}
