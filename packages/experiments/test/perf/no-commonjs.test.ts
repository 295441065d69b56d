/**
 * The processes that time collectors (the perf children, which import @gclab/experiments and through
 * it every library; `gclab run`'s workers, which import @gclab/bench and the strategy packages) run
 * under tsx. Under tsx, `require`-ing a CommonJS module from node_modules has esbuild transform it
 * synchronously, which detaches an ArrayBuffer; the first detach in a process invalidates V8's
 * ArrayBuffer-detaching protector and every typed-array loop runs 35-80% slower afterwards (see
 * packages/bench/src/metrics/pause-distribution.ts). This checks, deterministically, that importing
 * everything those processes import loads no CommonJS module besides tsx's and esbuild's own.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const repo = fileURLToPath(new URL('../../../../', import.meta.url));

describe('measuring processes', () => {
  it('load no CommonJS module through tsx (which would slow every typed-array loop)', () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('@gclab/experiments');",
      "await import('@gclab/bench');",
      "await import('@gclab/core');",
      "await import('@gclab/generational');",
      "await import('@gclab/refcount');",
      "await import('@gclab/tracing-gc');",
      "await import('@gclab/allocator');",
      'console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));',
    ].join('\n');
    const run = spawnSync(
      process.execPath,
      ['--conditions=@gclab/source', '--import', tsx, '--input-type=module', '-e', script],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(run.stderr).not.toMatch(/Error/);
    const loaded = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
    expect(loaded.length).toBeGreaterThan(0); // tsx's own modules: the check sees the cache
    const foreign = loaded.filter((path) => !/node_modules\/(tsx|esbuild)\//.test(path));
    expect(foreign).toEqual([]);
  }, 60_000);
});
