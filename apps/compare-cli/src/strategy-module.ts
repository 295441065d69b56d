/**
 * `--strategy-module PATH`: a collector from a user's own JavaScript or TypeScript module, so anyone
 * can run (and, later, verify) a collector written outside gclab against the same harness.
 *
 * The module exports a `CollectorDescriptor` as its default export or as a named export
 * `descriptor`. It is checked before use; `create` is wrapped so that a collector missing hooks is
 * reported as the module's mistake. TypeScript modules load because the command runs under tsx.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Collector,
  type CollectorDescriptor,
  type CollectorOptions,
  descriptorProblems,
  type Heap,
  missingHooks,
} from '@gclab/core';
import { StrategyModuleError } from './errors.ts';

/** Loads and checks the collector descriptor exported by the module at `path` (relative to the cwd). */
export async function loadStrategyModule(path: string): Promise<CollectorDescriptor> {
  const absolute = resolve(path);
  let isFile: boolean;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    throw new StrategyModuleError(path, 'no such file');
  }
  if (!isFile) throw new StrategyModuleError(path, 'not a file');
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new StrategyModuleError(path, `could not be loaded: ${reason}`);
  }
  const exported = module.default !== undefined ? module.default : module.descriptor;
  const which = module.default !== undefined ? 'the default export' : "the export 'descriptor'";
  if (exported === undefined) {
    throw new StrategyModuleError(
      path,
      "exports no collector descriptor (expected a default export or an export named 'descriptor')",
    );
  }
  const problems = descriptorProblems(exported);
  if (problems.length > 0) {
    throw new StrategyModuleError(path, `${which} is not a collector descriptor: ${problems.join('; ')}`);
  }
  const descriptor = exported as CollectorDescriptor;
  return {
    name: descriptor.name,
    family: descriptor.family,
    summary: descriptor.summary,
    constraints: descriptor.constraints,
    create(heap: Heap, options?: CollectorOptions): Collector {
      const collector = descriptor.create(heap, options);
      const missing = missingHooks(collector);
      if (missing.length > 0) {
        throw new StrategyModuleError(
          path,
          `create() returned a collector without the hooks ${missing.join(', ')} (extend CollectorBase)`,
        );
      }
      return collector;
    },
  };
}
