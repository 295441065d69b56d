// Runs a Python script under CPython compiled to WebAssembly (an npm alias of the `pyodide` package):
//   node run-pyodide.mjs VERSION SCRIPT [ARGS...]
// VERSION is a CPython `major.minor` with a `pyodide-VERSION` alias among the dependencies of
// @gclab/experiments (package.json). The script's directory is mounted at its own path, sys.argv is
// SCRIPT ARGS..., standard output and error are passed through byte for byte, and the exit status is
// the script's (SystemExit's code; 1 after an uncaught exception, whose traceback goes to stderr;
// 127 when no such interpreter is installed). The directories named in GCLAB_PYODIDE_MOUNTS (separated
// by the platform's path delimiter, `:`) are mounted at their own paths too, read and write, so a
// script can run a program or write a result file that lives elsewhere (gc_profile.py does both).
// Plain JavaScript on purpose: a launcher for a child process, with nothing to typecheck.
import { readFileSync } from 'node:fs';
import { delimiter, dirname, resolve } from 'node:path';

const [version, script, ...args] = process.argv.slice(2);
if (version === undefined || script === undefined) {
  process.stderr.write('usage: node run-pyodide.mjs VERSION SCRIPT [ARGS...]\n');
  process.exit(2);
}
let pyodideModule;
try {
  pyodideModule = await import(`pyodide-${version}`);
} catch {
  process.stderr.write(
    `no interpreter for CPython ${version}: the npm package pyodide-${version} is not installed\n`,
  );
  process.exit(127);
}
const path = resolve(script);
const write = (stream) => (bytes) => {
  stream.write(Buffer.from(bytes));
  return bytes.length;
};
const pyodide = await pyodideModule.loadPyodide({ args: [], env: { PYTHONHASHSEED: '0' } });
pyodide.setStdout({ write: write(process.stdout) });
pyodide.setStderr({ write: write(process.stderr) });
// Mount the script's directory and the extra ones; a directory inside another mounted one is
// reached through that mount.
const mounts = (process.env.GCLAB_PYODIDE_MOUNTS ?? '').split(delimiter).filter((d) => d !== '');
const dirs = [dirname(path), ...mounts.map((d) => resolve(d))].sort();
const roots = dirs.filter((d, i) => !dirs.slice(0, i).some((r) => d === r || d.startsWith(`${r}/`)));
for (const dir of roots) {
  pyodide.FS.mkdirTree(dir);
  if (typeof pyodide.mountNodeFS === 'function') pyodide.mountNodeFS(dir, dir);
  else if (dir === dirname(path)) pyodide.FS.writeFile(path, readFileSync(path));
}
pyodide.globals.set('_gclab_argv', pyodide.toPy([path, ...args]));
const status = pyodide.runPython(`
def _gclab_main(argv):
    import os, runpy, sys, traceback
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(argv[0]))
    os.chdir(os.path.dirname(argv[0]))
    try:
        runpy.run_path(argv[0], run_name="__main__")
        status = 0
    except SystemExit as e:
        if e.code is None:
            status = 0
        elif isinstance(e.code, int):
            status = e.code
        else:
            print(e.code, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return status
_gclab_main(_gclab_argv)
`);
process.exitCode = status;
