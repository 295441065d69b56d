// Compiles a TypeScript project with the TypeScript compiler's API (a full type-check: the program
// and every diagnostic, as `tsc --noEmit` does), keeps the program live, and writes V8's heap
// snapshot of this process: the heap of a real TypeScript compile.
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
const ts = createRequire(project)('typescript');
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
writeHeapSnapshot(out);
console.log(
  `files ${program.getSourceFiles().length} diagnostics ${diagnostics.length} in ${dirname(project)}`,
);
