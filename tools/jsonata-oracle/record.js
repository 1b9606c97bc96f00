#!/usr/bin/env node
// Records what JSONata 2.0.6 (the reference implementation, jsonata-js from
// npm) does with each case of the sfn-runtime JSONata reference suite, and
// writes the outcome back into the case file next to the case.
//
// Usage: node record.js [case-file-or-directory ...]
// Default: every *.json file of crates/sfn-runtime/tests/jsonata/.
//
// A case file is a JSON object:
//   {
//     "datasets": { "<name>": <json>, ... },      (optional, shared inputs)
//     "cases": [ { "expr": "...", "data": <json>, "bindings": {...} }, ... ]
//   }
// A case gives its input as "data" (absent: undefined) or as "dataset": "<name>"
// (one of the file's datasets). "bindings" (optional) maps variable names,
// without `$`, to JSON values. "note" (optional) is free text.
//
// Outcomes written (previous ones are replaced):
//   "result": <json>        the result, as JSON.parse(JSON.stringify(result))
//   "undefined": true       the result is undefined
//   "function": true        the result is, or contains, a function value
//   "error": "<code>"       jsonata-js threw an error with this code, and
//   "message": "<text>"     its message, for information
//   "nonfinite": true       the result contains NaN or an infinity (JSON cannot
//                           carry it); the Rust test skips such a case
//
// Each case is evaluated twice on fresh copies of its input, in a worker
// thread stopped after 10 s. These are reported and make the script exit with
// status 1 (the outcome is still written; remove or fix the case):
// differing outcomes (a non-deterministic expression), malformed or duplicate
// cases, "error": "TIMEOUT" (jsonata-js did not finish), "error": "JS" (a
// JavaScript exception, not a jsonata error, escaped the library) and results
// holding a lone surrogate (which Rust strings cannot carry).

'use strict';

const fs = require('fs');
const path = require('path');
const jsonata = require('jsonata');
const { Worker, isMainThread, parentPort } = require('worker_threads');

const pkg = require('jsonata/package.json');
if (pkg.version !== '2.0.6') {
  console.error(`expected jsonata 2.0.6, found ${pkg.version}: run npm ci`);
  process.exit(2);
}

const CASE_KEYS = new Set(['expr', 'data', 'dataset', 'bindings', 'note']);
const OUTCOME_KEYS = ['result', 'undefined', 'function', 'error', 'message', 'nonfinite'];
// JSON.stringify escapes lone surrogates as \udxxx text.
const LONE_SURROGATE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;
const DEFAULT_DIR = path.join(__dirname, '..', '..', 'crates', 'sfn-runtime', 'tests', 'jsonata');

// Is `v` (or anything inside it) a JSONata function value?
function containsFunction(v, seen = new Set()) {
  if (typeof v === 'function') return true;
  if (v === null || typeof v !== 'object') return false;
  if (v._jsonata_lambda || v._jsonata_function) return true;
  if (seen.has(v)) return false;
  seen.add(v);
  const items = Array.isArray(v) ? v : Object.values(v);
  return items.some((x) => containsFunction(x, seen));
}

// Does `v` hold a number JSON cannot represent?
function containsNonFinite(v) {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === null || typeof v !== 'object') return false;
  const items = Array.isArray(v) ? v : Object.values(v);
  return items.some(containsNonFinite);
}

// Evaluates one case inside the worker thread.
async function evaluateCase(expr, dataJson, bindingsJson) {
  // Fresh copies: evaluation must not see another run's mutations.
  const data = dataJson === undefined ? undefined : JSON.parse(dataJson);
  const bindings = bindingsJson === undefined ? undefined : JSON.parse(bindingsJson);
  try {
    const compiled = jsonata(expr);
    const r = await compiled.evaluate(data, bindings);
    if (r === undefined) return { undefined: true };
    if (containsFunction(r)) return { function: true };
    if (containsNonFinite(r)) return { nonfinite: true };
    const json = JSON.stringify(r);
    if (json === undefined) return { undefined: true };
    return { result: JSON.parse(json) };
  } catch (e) {
    if (e && typeof e.code === 'string') {
      return { error: e.code, message: String(e.message) };
    }
    // Not a jsonata error (a JavaScript exception escaping the library).
    return { error: 'JS', message: String(e && e.message ? e.message : e) };
  }
}

// The evaluation runs in a worker thread, so that an expression on which
// jsonata-js loops forever (it does, for some inputs) can be stopped.
const TIMEOUT_MS = 10000;
let worker = null;
let pending = null;

function startWorker() {
  worker = new Worker(__filename, { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
  worker.on('message', (msg) => {
    const p = pending;
    pending = null;
    if (p) p.resolve(msg);
  });
  worker.on('error', (e) => {
    const p = pending;
    pending = null;
    worker = null;
    if (p) p.resolve({ error: 'JS', message: `worker died: ${e && e.message}` });
  });
  worker.unref();
}

function outcome(expr, dataJson, bindingsJson) {
  if (!worker) startWorker();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending = null;
      worker.terminate();
      worker = null;
      resolve({ error: 'TIMEOUT', message: `no outcome within ${TIMEOUT_MS} ms` });
    }, TIMEOUT_MS);
    pending = {
      resolve: (msg) => {
        clearTimeout(timer);
        resolve(msg);
      },
    };
    worker.postMessage({ expr, dataJson, bindingsJson });
  });
}

// One case per line; datasets pretty-printed.
function serialise(file) {
  const out = ['{'];
  if (file.datasets && Object.keys(file.datasets).length > 0) {
    out.push('  "datasets": {');
    const names = Object.keys(file.datasets);
    names.forEach((name, i) => {
      const body = JSON.stringify(file.datasets[name], null, 2).replace(/\n/g, '\n    ');
      out.push(`    ${JSON.stringify(name)}: ${body}${i + 1 < names.length ? ',' : ''}`);
    });
    out.push('  },');
  }
  out.push('  "cases": [');
  file.cases.forEach((c, i) => {
    out.push(`    ${JSON.stringify(c)}${i + 1 < file.cases.length ? ',' : ''}`);
  });
  out.push('  ]');
  out.push('}');
  return out.join('\n') + '\n';
}

async function recordFile(fileName) {
  const file = JSON.parse(fs.readFileSync(fileName, 'utf8'));
  const problems = [];
  if (!Array.isArray(file.cases)) {
    return [`${fileName}: no "cases" array`];
  }
  const datasets = file.datasets || {};
  const seen = new Set();
  const cases = [];
  for (const [i, c] of file.cases.entries()) {
    const where = `${path.basename(fileName)} case ${i} (${JSON.stringify(c.expr)})`;
    if (typeof c.expr !== 'string') {
      problems.push(`${where}: "expr" must be a string`);
      continue;
    }
    for (const k of Object.keys(c)) {
      if (!CASE_KEYS.has(k) && !OUTCOME_KEYS.includes(k)) problems.push(`${where}: unknown key ${k}`);
    }
    if ('data' in c && 'dataset' in c) problems.push(`${where}: both "data" and "dataset"`);
    if ('dataset' in c && !(c.dataset in datasets)) problems.push(`${where}: no dataset ${c.dataset}`);
    const input = 'dataset' in c ? datasets[c.dataset] : c.data;
    const key = JSON.stringify([
      c.expr,
      'dataset' in c ? { dataset: c.dataset } : 'data' in c ? { data: c.data } : 'absent',
      'bindings' in c ? c.bindings : 'absent',
    ]);
    if (seen.has(key)) problems.push(`${where}: duplicate case`);
    seen.add(key);

    const dataJson = input === undefined ? undefined : JSON.stringify(input);
    const bindingsJson = c.bindings === undefined ? undefined : JSON.stringify(c.bindings);
    const first = await outcome(c.expr, dataJson, bindingsJson);
    const second = first.error === 'TIMEOUT' ? first : await outcome(c.expr, dataJson, bindingsJson);
    if (JSON.stringify(first) !== JSON.stringify(second)) {
      problems.push(`${where}: non-deterministic: ${JSON.stringify(first)} vs ${JSON.stringify(second)}`);
    }
    if (first.error === 'TIMEOUT') problems.push(`${where}: jsonata-js did not finish`);
    if (first.error === 'JS') problems.push(`${where}: JavaScript exception: ${first.message}`);
    if ('result' in first && LONE_SURROGATE.test(JSON.stringify(first.result))) {
      problems.push(`${where}: the result holds a lone surrogate, which Rust strings cannot carry`);
    }
    if (first.nonfinite) problems.push(`${where}: warning: non-finite result (skipped by the Rust test)`);

    const rec = {};
    for (const k of ['expr', 'data', 'dataset', 'bindings', 'note']) {
      if (k in c) rec[k] = c[k];
    }
    Object.assign(rec, first);
    cases.push(rec);
  }
  const text = serialise({ datasets: file.datasets, cases });
  fs.writeFileSync(fileName, text);
  const counts = {};
  for (const c of cases) {
    const k = OUTCOME_KEYS.find((o) => o in c && o !== 'message');
    counts[k] = (counts[k] || 0) + 1;
  }
  console.log(`${path.basename(fileName)}: ${cases.length} cases ${JSON.stringify(counts)}`);
  return problems;
}

async function main() {
  const args = process.argv.slice(2);
  const targets = args.length > 0 ? args : [DEFAULT_DIR];
  const files = [];
  for (const t of targets) {
    if (fs.statSync(t).isDirectory()) {
      for (const f of fs.readdirSync(t).sort()) {
        if (f.endsWith('.json')) files.push(path.join(t, f));
      }
    } else {
      files.push(t);
    }
  }
  let problems = [];
  let total = 0;
  for (const f of files) {
    problems = problems.concat(await recordFile(f));
    total += JSON.parse(fs.readFileSync(f, 'utf8')).cases.length;
  }
  console.log(`${total} cases in ${files.length} files`);
  for (const p of problems) console.log(p);
  const fatal = problems.filter((p) => !p.includes(': warning:'));
  process.exit(fatal.length > 0 ? 1 : 0);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
} else {
  parentPort.on('message', async ({ expr, dataJson, bindingsJson }) => {
    parentPort.postMessage(await evaluateCase(expr, dataJson, bindingsJson));
  });
}
