/**
 * The process `gclab verify` runs one collector's campaign in (see `verify-supervisor.ts`): it
 * receives a `VerifyTask` over IPC, loads the collector (registered name or module path), runs
 * `verifyCollector`, and sends its progress and result. Before each operation of each lockstep run
 * it writes the operation to the task's ops file, so that the supervisor, when it has to kill a
 * collector that never returns, can say which operations were running.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { formatOp, GclabError, type TraceOp } from '@gclab/core';
import { verifyCollector } from '@gclab/verify';
import { UsageError } from './errors.ts';
import { findCollector } from './registry.ts';
import { loadStrategyModule } from './strategy-module.ts';
import type { ChildMessage, VerifyTask } from './verify-supervisor.ts';

function send(message: ChildMessage): void {
  process.send!(message);
}

async function run(task: VerifyTask): Promise<void> {
  const fd = openSync(task.opsFile, 'w');
  let position = 0;
  const write = (line: string): void => {
    position += writeSync(fd, `${line}\n`, position);
  };
  try {
    for (const [index, target] of task.targets.entries()) {
      const descriptor =
        target.strategyModule !== undefined
          ? await loadStrategyModule(target.strategyModule)
          : findCollector(target.strategy!);
      send({ type: 'started', index });
      const result = verifyCollector(descriptor, {
        runs: task.runs,
        seed: task.seed,
        maxOps: task.maxOps,
        timeLimitMs: task.timeLimitMs,
        ...(task.stressRuns === undefined ? {} : { stressRuns: task.stressRuns }),
        onProgress: (done) => send({ type: 'progress', index, done }),
        observer: {
          runStarted(heapLimit: number | null, corpus: { index: number; name: string } | null): void {
            ftruncateSync(fd, 0);
            position = 0;
            write(heapLimit === null ? 'none' : String(heapLimit));
            if (corpus !== null) write(`# corpus ${corpus.index} ${corpus.name}`);
          },
          opStarted(op: TraceOp): void {
            write(formatOp(op));
          },
        },
      });
      send({ type: 'result', index, result });
    }
  } finally {
    closeSync(fd);
  }
}

process.once('message', (task: VerifyTask) => {
  run(task).then(
    () => process.disconnect(),
    (error: unknown) => {
      const usage = error instanceof UsageError;
      const text =
        error instanceof GclabError
          ? error.message
          : error instanceof Error
            ? (error.stack ?? `${error.name}: ${error.message}`)
            : String(error);
      send({
        type: 'error',
        kind: usage ? 'usage' : error instanceof GclabError ? 'failure' : 'internal',
        text,
      });
      process.disconnect();
    },
  );
});
