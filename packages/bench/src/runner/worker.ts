/**
 * The worker process entry: started by the runner with `child_process.fork` (with tsx's loader and
 * the `@gclab/source` condition, so TypeScript runs from source). It receives tasks one at a time,
 * imports the task's collector by reference (one collector per process in practice, so V8 sees
 * monomorphic call sites), runs it and replies. It exits when the runner disconnects (the runner
 * ended or died): a worker busy with a task notices when that task ends.
 */
import type { CollectorDescriptor } from '@gclab/core';
import { resolveWorkload } from '../workloads/registry.ts';
import { loadCollector } from './collector-ref.ts';
import { findMinHeap } from './min-heap.ts';
import type { WorkerReply, WorkerTask } from './protocol.ts';
import { errorText, runCellInProcess } from './run-cell.ts';

const loaded = new Map<string, CollectorDescriptor>();

async function descriptorOf(task: WorkerTask): Promise<CollectorDescriptor> {
  const key = `${task.ref.module}#${task.ref.exportName}`;
  let descriptor = loaded.get(key);
  if (descriptor === undefined) {
    descriptor = await loadCollector(task.ref);
    loaded.set(key, descriptor);
  }
  return descriptor;
}

async function handle(task: WorkerTask): Promise<WorkerReply> {
  try {
    const descriptor = await descriptorOf(task);
    if (task.kind === 'cell')
      return { ok: true, value: runCellInProcess(descriptor, task.cell, task.options) };
    const { workload, options } = resolveWorkload(task.workload);
    const params = { size: task.size, seed: task.seed, options };
    return { ok: true, value: findMinHeap(descriptor, workload, params, task.options) };
  } catch (error) {
    return { ok: false, message: errorText(error) };
  }
}

process.on('message', (task: WorkerTask) => {
  void handle(task).then((reply) => process.send?.(reply));
});
// The runner gone (it exited, or was killed with kill -9): nothing would read a reply, so stop.
process.on('disconnect', () => process.exit(0));
// Ctrl-C on a terminal, and a batch scheduler's SIGTERM or SIGHUP, reach the whole process group:
// the runner decides what stops (it keeps completed cells and kills running workers), so a worker
// does not die on its own.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
