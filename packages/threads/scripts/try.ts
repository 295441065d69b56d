import { runThreads, ThreadPool, THREAD_VARIANTS } from '@gclab/threads';
const shared = Number(process.argv[2] ?? 0), singletons = Number(process.argv[3] ?? 0);
for (const v of THREAD_VARIANTS) {
  const pool = new ThreadPool();
  for (const threads of [1, 2]) {
    await runThreads({ variant: v.name, threads, opsPerThread: 1_000_000, shared, singletons, seed: 1, heapBytes: 8 << 20 }, pool);
    const rates = [];
    let last;
    for (let rep = 0; rep < 3; rep++) {
      const r = await runThreads({ variant: v.name, threads, opsPerThread: 4_000_000, shared, singletons, seed: 1 + rep, heapBytes: 8 << 20 }, pool);
      rates.push((r.opsPerSecond / 1e6).toFixed(2)); last = r;
    }
    console.log(v.name.padEnd(16), threads, rates.join(' '), 'Mops/s', last.check.ok ? 'ok' : JSON.stringify(last.check).slice(0, 300), 'coll', last.totals.collections, 'pause', last.pauseMaxMs.toFixed(1), 'q', last.totals.queued, 'gil', last.totals.gilAcquisitions, 'uaf', last.totals.useAfterFree);
  }
  await pool.close();
}
