import { loadStrategyModule } from './src/strategy-module.ts';
import { runReplay } from './src/replay-run.ts';
import { DEFAULT_HOOK_TIME_LIMITS } from './src/collector-fault.ts';
const d = await loadStrategyModule('examples/collectors/tiny-mark-sweep.ts');
for (let i = 0; i < 3; i++) {
  for (const contain of [false, true]) {
    const t = performance.now();
    runReplay({ file: '/tmp/h15a/long.trace', descriptor: d, ...(contain ? { contain: { limits: DEFAULT_HOOK_TIME_LIMITS, heartbeat: null } } : {}) });
    console.log(contain ? 'contained' : 'plain    ', (performance.now() - t).toFixed(0), 'ms');
  }
}
