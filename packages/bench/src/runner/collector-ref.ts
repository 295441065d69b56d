/**
 * Loading a collector descriptor from a reference `{ module, exportName }`: the way a worker process
 * gets its one collector without the harness importing any strategy package. A module is a package
 * name (resolved from this package, so any workspace package works) or an absolute file path.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CollectorDescriptor, GclabError, isCollectorDescriptor } from '@gclab/core';
import type { CollectorRef } from './cell.ts';

/** A reference that does not lead to a collector descriptor. */
export class CollectorRefError extends GclabError {
  override name = 'CollectorRefError';
}

/** The import specifier of a reference's module. */
export function moduleSpecifier(ref: CollectorRef): string {
  return isAbsolute(ref.module) ? pathToFileURL(ref.module).href : ref.module;
}

/** Imports `ref.module` and returns its export `ref.exportName`, checked to be a descriptor. */
export async function loadCollector(ref: CollectorRef): Promise<CollectorDescriptor> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleSpecifier(ref))) as Record<string, unknown>;
  } catch (error) {
    throw new CollectorRefError(
      `cannot import collector module '${ref.module}': ${(error as Error).message}`,
    );
  }
  const value = mod[ref.exportName];
  if (!isCollectorDescriptor(value)) {
    throw new CollectorRefError(`'${ref.module}' has no collector descriptor named '${ref.exportName}'`);
  }
  return value;
}
