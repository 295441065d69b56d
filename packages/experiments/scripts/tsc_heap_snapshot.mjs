// Compiles a TypeScript project with the TypeScript compiler's API (a full type-check: the program
// and every diagnostic, as `tsc --noEmit` does), keeps the program live, and writes V8's heap
// snapshot of this process: the heap of a real TypeScript compile.
//
// Why the stack trace before the snapshot: V8's snapshot writer (Node 20's V8 11.3) records each
// function's line and column with Script::GetPositionInfo, which, for a script whose line ends were
// never computed, scans the script's source from its start for every function. typescript.js is one
// 9 MB script with hundreds of thousands of closures alive after a compile, so the writer ran for
// hours (seen under gdb: every sample in V8HeapExplorer::ExtractLocationForJSFunction ->
// Script::GetPositionInfo). Formatting a stack trace through typescript.js computes and caches that
// script's line ends (the handle-taking GetPositionInfo calls Script::InitLineEnds), after which the
// snapshot of the whole repository's compile takes about 35 s here instead of never finishing.
//
// Usage: node tsc_heap_snapshot.mjs TSCONFIG OUT
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const [configPath, out] = process.argv.slice(2);
if (configPath === undefined || out === undefined) {
  console.error('usage: node tsc_heap_snapshot.mjs TSCONFIG OUT');
  process.exit(2);
}
const project = resolve(configPath);
// The project's own TypeScript when it has one, else the one this repository depends on.
let ts;
try {
  ts = createRequire(project)('typescript');
} catch {
  ts = createRequire(import.meta.url)('typescript');
}
const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d.messageText) };
const parsed = ts.getParsedCommandLineOfConfigFile(project, {}, host);
if (parsed === undefined) process.exit(1);
const program = ts.createProgram({
  rootNames: parsed.fileNames,
  options: parsed.options,
  projectReferences: parsed.projectReferences,
});
const diagnostics = ts.getPreEmitDiagnostics(program);
globalThis.compiled = { program, diagnostics, checker: program.getTypeChecker() };
try {
  ts.forEach([0], () => {
    throw new Error('computes typescript.js line ends');
  });
} catch (e) {
  if (!String(e.stack).includes('typescript')) console.error('warning: no typescript.js frame');
}
writeHeapSnapshot(out);
console.log(
  `files ${program.getSourceFiles().length} diagnostics ${diagnostics.length} in ${dirname(project)}`,
);
