// Entry of a mutator worker when gclab runs from TypeScript source: Node 20's workers do not inherit
// tsx's loader, so this registers it and then loads the worker module named in `workerData.entry`.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
