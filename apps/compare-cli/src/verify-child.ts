/**
 * The process `gclab verify` runs one collector's campaign in (see `verify-supervisor.ts`): it
 * receives a `VerifyTask` over IPC, loads the collector (registered name or module path), runs
 * `verifyCollector`, and sends its progress and result. Before each operation of each lockstep run
 * it writes the operation to the task's ops file, so that the supervisor, when it has to kill a
 * collector that never returns, can say which operations were running.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { formatOp, GclabError, parseTrace, type TraceOp } from '@gclab/core';
import {
  HostMemoryBudgetError,
  HostMemoryExhaustedError,
  type RunObserver,
  verifyCollector,
  verifyTrace,
} from '@gclab/verify';
import { UsageError } from './errors.ts';
import { findCollector } from './registry.ts';
import { loadStrategyModule } from './strategy-module.ts';
import {
  type ChildMessage,
  ENTER_HOOK,
  LEAVE_HOOK,
  type TraceTask,
  type VerifyTask,
} from './verify-supervisor.ts';

function send(message: ChildMessage): void {
  process.send!(message);
}

async function run(task: VerifyTask): Promise<void> {
  const fd = openSync(task.opsFile, 'w');
  let position = 0;
  const write = (line: string): void => {
    position += writeSync(fd, `${line}\n`, position);
  };
  const observer: RunObserver = {
    runStarted(heapLimit: number | null, corpus: { index: number; name: string } | null): void {
      ftruncateSync(fd, 0);
      position = 0;
      write(heapLimit === null ? 'none' : String(heapLimit));
      if (corpus !== null) write(`# corpus ${corpus.index} ${corpus.name}`);
    },
    opStarted(op: TraceOp): void {
      write(formatOp(op));
    },
  };
  try {
    if (task.trace !== undefined) {
      await checkTrace(task, task.trace, observer, write);
      return;
    }
    for (const [index, target] of task.targets.entries()) {
      const descriptor = await load(target);
      send({ type: 'started', index });
      const result = verifyCollector(descriptor, {
        runs: task.runs,
        seed: task.seed,
        maxOps: task.maxOps,
        timeLimitMs: task.timeLimitMs,
        ...(task.hostMemoryLimit === undefined ? {} : { hostMemoryLimit: task.hostMemoryLimit }),
        ...(task.stressRuns === undefined ? {} : { stressRuns: task.stressRuns }),
        ...(task.format2 === undefined ? {} : { format2: task.format2 }),
        onProgress: (done) => send({ type: 'progress', index, done }),
        observer,
      });
      send({ type: 'result', index, result });
    }
  } finally {
    closeSync(fd);
  }
}

/** The collector of a target: a registered name or a module path. */
function load(target: VerifyTask['targets'][number]) {
  return target.strategyModule !== undefined
    ? loadStrategyModule(target.strategyModule)
    : Promise.resolve(findCollector(target.strategy!));
}

/** `verify --trace`: checks the trace under the first target, writing each hook entered and left. */
async function checkTrace(
  task: VerifyTask,
  trace: TraceTask,
  observer: RunObserver,
  write: (line: string) => void,
): Promise<void> {
  const descriptor = await load(task.targets[0]!);
  const ops = parseTrace(readFileSync(trace.file, 'utf8'), trace.file);
  send({ type: 'started', index: 0 });
  const result = verifyTrace(descriptor, ops, {
    heapLimit: trace.heapLimit,
    collectorOptions: trace.collectorOptions,
    timeLimitMs: task.timeLimitMs,
    ...(task.hostMemoryLimit === undefined ? {} : { hostMemoryLimit: task.hostMemoryLimit }),
    observer,
    hookWatch: {
      entered: (hook) => write(`${ENTER_HOOK} ${hook}`),
      left: (hook) => write(`${LEAVE_HOOK} ${hook}`),
    },
  });
  const v = result.violation;
  send({
    type: 'trace',
    outcome: {
      violation: v === null ? null : { property: v.property, opIndex: v.opIndex, reason: v.reason },
      ops: result.ops,
      outOfMemory: result.outOfMemory,
    },
  });
}

/** How the supervisor is told of `error`: a usage error, a failure, a run past the budget, or a bug. */
function errorMessage(error: unknown): Extract<ChildMessage, { type: 'error' }> {
  // A host-memory budget too small for the campaign is the user's mistake (exit 2); a program past
  // it stops the run (exit 1): both name the option that sets it.
  if (error instanceof HostMemoryBudgetError)
    return { type: 'error', kind: 'usage', text: `--host-memory: ${error.message}` };
  if (error instanceof HostMemoryExhaustedError)
    return { type: 'error', kind: 'host-memory', text: `${error.message}: raise it with --host-memory` };
  const usage = error instanceof UsageError;
  const text =
    error instanceof GclabError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? `${error.name}: ${error.message}`)
        : String(error);
  return {
    type: 'error',
    kind: usage ? 'usage' : error instanceof GclabError ? 'failure' : 'internal',
    text,
  };
}

process.once('message', (task: VerifyTask) => {
  run(task).then(
    () => process.disconnect(),
    (error: unknown) => {
      send(errorMessage(error));
      process.disconnect();
    },
  );
});
