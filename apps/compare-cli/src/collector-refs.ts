/**
 * References to registered collectors for worker processes: `@gclab/bench` runs each cell in a fresh
 * process that imports its collector by `{ module, exportName }`. The registry holds descriptors; the
 * reference of each is found by looking, among the packages that define collectors, for the export
 * that is that very descriptor, so registering a collector needs no second list.
 */
import type { CollectorEntry } from '@gclab/bench';
import type { CollectorDescriptor } from '@gclab/core';
import { UsageError } from './errors.ts';
import { collectorNames, findCollector } from './registry.ts';

/** The packages whose exports may be registered collectors. */
export const COLLECTOR_MODULES: readonly string[] = [
  '@gclab/core',
  '@gclab/refcount',
  '@gclab/generational',
  '@gclab/tracing-gc',
];

/** The module and export that hold `descriptor`; throws `UsageError` when no package exports it. */
export async function collectorEntry(descriptor: CollectorDescriptor): Promise<CollectorEntry> {
  for (const module of COLLECTOR_MODULES) {
    const exports = (await import(module)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(exports)) {
      if (value === descriptor) return { name: descriptor.name, ref: { module, exportName } };
    }
  }
  throw new UsageError(
    `collector ${descriptor.name} is registered but no package in ${COLLECTOR_MODULES.join(', ')} exports it`,
  );
}

/** Entries for `names` (`all` = every registered collector); unknown names are a `UsageError`. */
export async function collectorEntries(names: readonly string[]): Promise<CollectorEntry[]> {
  const chosen = names.length === 1 && names[0] === 'all' ? collectorNames() : names;
  return Promise.all(chosen.map((name) => collectorEntry(findCollector(name))));
}
