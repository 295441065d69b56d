/**
 * `gclab census`: the text and JSON forms on the committed example snapshot (figures exact: the
 * file is fixed), the HTML report, and usage errors (exit 2, no stack trace; `file:line:col` for a
 * malformed snapshot).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Census } from '@gclab/experiments';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-in-process.ts';

const EXAMPLE = 'examples/snapshots/json-loads.pyheap';

describe.concurrent('gclab census', () => {
  it('--json: the example snapshot, its cycles, and counting alone leaking what cycles reach', async () => {
    const r = await runCli(['census', EXAMPLE, '--strategies', 'refcount,cpython,mark-sweep', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as Census;
    expect(c.format).toBe('cpython');
    expect([c.objects, c.edges, c.roots]).toEqual([33637, 64300, 7122]);
    expect(c.cycles.objects).toBe(6897);
    expect(c.cycles.largest).toBe(6308);
    expect(c.types[0]).toEqual({ type: 'str', objects: 11870, bytes: 1054324 });
    const [rc, cp, ms] = c.collectors;
    expect(rc!.name).toBe('refcount');
    expect([rc!.dropFreedObjects, rc!.leakedObjects]).toEqual([5066, 28571]);
    expect([cp!.dropFreedObjects, cp!.collectedObjects, cp!.leakedObjects]).toEqual([5066, 28571, 0]);
    expect(ms!.leakedObjects).toBe(0);
    expect([rc!.headerWords, cp!.headerWords, ms!.headerWords]).toEqual([1, 3, 0]);
    expect(rc!.headerBytes).toBe(33637 * 16);
  }, 180_000); // the command runs three collectors on 33,637 objects, on a busy 2-core machine

  it('text: the tables, and an HTML report with charts', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'gclab-census-')), 'census.html');
    const r = await runCli(['census', EXAMPLE, '-s', 'refcount,mark-sweep', '--no-run', '--html', html]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Heap census: examples/snapshots/json-loads.pyheap (cpython');
    expect(r.stdout).toMatch(/6\.9k\s+│\s+20\.5%/);
    expect(r.stdout).toMatch(/refcount\s+│\s+16\s+│\s+10\.5%/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h1>Heap census</h1>');
    expect(page.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
  }, 180_000);

  it('usage errors: no snapshot, a missing file, a malformed one (file:line:col)', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'gclab-census-')), 'bad.heapsnapshot');
    writeFileSync(bad, '{"snapshot":{"meta":{}},\n"nodes":[1,2,oops]}');
    const [none, missing, malformed] = await Promise.all([
      runCli(['census']),
      runCli(['census', 'no/such.heapsnapshot']),
      runCli(['census', bad]),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: give a snapshot file or --capture PROGRAM (one of them)\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: snapshot no/such.heapsnapshot: cannot read it: no such file\n');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(`${bad}:1:24: snapshot.meta.node_fields is not a list of strings\n`);
  }, 180_000);

  it('--heap-limit: a collector that cannot hold the heap is out of memory, the others stand', async () => {
    // 9 MiB holds the example's 4.6 MiB under mark-sweep, not in semispace's two halves, nor with
    // refcount's extra word per object.
    const limit = ['census', EXAMPLE, '-s', 'mark-sweep,semispace,refcount', '--heap-limit', '9MB'];
    const [json, text] = await Promise.all([runCli([...limit, '--json']), runCli(limit)]);
    expect(json.code).toBe(0);
    const [ms, ss, rc] = (JSON.parse(json.stdout) as Census).collectors;
    expect([ms!.ran, ms!.failure, ms!.leakedObjects]).toEqual([true, null, 0]);
    expect(ms!.collectedObjects).toBeGreaterThan(33_000);
    expect([ss!.ran, rc!.ran]).toEqual([false, false]);
    expect(ss!.failure).toMatch(
      /^out of memory: semispace could not allocate \d+ bytes \(reserved 9437184 of limit 9437184/,
    );
    expect(rc!.failure).toMatch(/^out of memory: refcount could not allocate/);
    expect(rc!.headerShare).toBeGreaterThan(0); // the layout's figures need no run
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/semispace\s+│\s+8\s+│\s+5\.6%\s+│\s+\+0\.0%\s+│\s+out of memory/);
    expect(text.stdout).toContain('Did not run to the end\nsemispace: out of memory: semispace could not');
  }, 180_000);

  it('--tsconfig only with --capture tsc and existing, --python only with a Python program (exit 2)', async () => {
    const [alone, python, missing] = await Promise.all([
      runCli(['census', EXAMPLE, '--tsconfig', 'tsconfig.json']),
      runCli(['census', '--capture', 'json-loads', '--tsconfig', 'tsconfig.json']),
      runCli(['census', '--capture', 'tsc', '--tsconfig', 'no/such/tsconfig.json']),
    ]);
    expect([alone.code, python.code, missing.code]).toEqual([2, 2, 2]);
    expect(alone.stderr).toBe('error: --tsconfig goes with --capture tsc only\n');
    expect(python.stderr).toBe('error: --tsconfig goes with --capture tsc only\n');
    expect(missing.stderr).toBe('error: --tsconfig: no such file: no/such/tsconfig.json\n');
    const [tsc, noCapture, badVersion] = await Promise.all([
      runCli(['census', '--capture', 'tsc', '--python', '3.14']),
      runCli(['census', EXAMPLE, '--python', '3.14']),
      runCli(['census', '--capture', 'json-loads', '--python', '2.7']),
    ]);
    expect([tsc.code, noCapture.code, badVersion.code]).toEqual([2, 2, 2]);
    expect(tsc.stderr).toBe('error: --python goes with --capture of a Python program only\n');
    expect(noCapture.stderr).toBe(tsc.stderr);
    expect(badVersion.stderr).toContain("'2.7' is invalid");
    const [unknown, noFile] = await Promise.all([
      runCli(['census', '--capture', 'javac']),
      runCli(['census', '--capture', 'no/such/program.py']),
    ]);
    expect([unknown.code, noFile.code]).toEqual([2, 2]);
    expect(unknown.stderr).toBe(
      "error: unknown capture program 'javac' (tsc, ast-parse, json-loads, stdlib-import, or a Python FILE.py)\n",
    );
    expect(noFile.stderr).toBe('error: --capture: no such Python program: no/such/program.py\n');
  });
});
