import { runThreads, ThreadPool } from '@gclab/threads';
const pool = new ThreadPool();
for (const [shared, singletons] of [[0.5, 0.5], [1, 1]]) {
  const r = await runThreads({ variant: 'non-atomic', threads: 2, opsPerThread: 4_000_000, shared, singletons, seed: 7 }, pool);
  console.log(shared, singletons, (r.opsPerSecond/1e6).toFixed(2), JSON.stringify(r.check), 'uaf', r.totals.useAfterFree, 'under', r.totals.underflows, 'corrupt', r.totals.corruptFreeLists);
}
await pool.close();
