// Prints the comparison table of bench/compare.sh from the files its
// measurements left in RESULTS: LABEL.WORKLOAD.{out,err,rc,time}, machine.txt,
// and settings.txt (KEY=VALUE lines: WORKLOADS, WITH_MOTO, MOTO_WORKLOADS,
// MOTO_TIMEOUT).
// Usage: node bench/report.mjs RESULTS
// Exit status 1 when a measurement failed or gave a wrong output, 2 when RESULTS
// is not such a folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : null);

const dir = process.argv[2];
const settingsText = dir ? read(join(dir, 'settings.txt')) : null;
if (settingsText === null) {
  console.error('usage: node bench/report.mjs RESULTS (a folder written by bench/compare.sh)');
  process.exit(2);
}
const settings = Object.fromEntries(
  settingsText.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const words = (s) => (s ?? '').split(/\s+/).filter(Boolean);
const workloads = words(settings.WORKLOADS);
const withMoto = settings.WITH_MOTO === '1';
const motoWorkloads = new Set(words(settings.MOTO_WORKLOADS));
const motoTimeout = settings.MOTO_TIMEOUT ?? '420';

// One measurement: the runner's JSON line (its last stdout line), exit status, peak RSS.
function result(label, workload) {
  const base = join(dir, `${label}.${workload}`);
  const rcText = read(`${base}.rc`);
  if (rcText === null) return { skipped: true };
  const rc = Number(rcText.trim());
  const lines = (read(`${base}.out`) ?? '').trim().split('\n').filter(Boolean);
  let json = null;
  try {
    json = lines.length ? JSON.parse(lines[lines.length - 1]) : null;
  } catch {
    json = null;
  }
  const time = read(`${base}.time`) ?? '';
  const rss = time.match(/Maximum resident set size \(kbytes\): (\d+)/);
  return { rc, json, rssKb: rss ? Number(rss[1]) : null, err: read(`${base}.err`) ?? '' };
}

// Three significant digits, thousands apart with a space for whole numbers.
function sig3(x) {
  if (x >= 100) return Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}
const ms = (x) => `${sig3(x)} ms`;
function perSecond(t) {
  if (t >= 1e6) return `${sig3(t / 1e6)} M t/s`;
  if (t >= 1e3) return `${sig3(t / 1e3)} k t/s`;
  return `${Math.round(t)} t/s`;
}
const mib = (kb) => {
  const m = kb / 1024;
  return `${m < 10 ? m.toFixed(1) : Math.round(m)} MiB`;
};
const ratio = (a, b) => `${sig3(a / b)}×`;

const ok = (r) => r && !r.skipped && r.rc === 0 && r.json && r.json.ok && r.json.median_ms != null;

// A cell: median · t/s · RSS, or why there is no number.
function cell(r, label) {
  if (!r || r.skipped) return label === 'moto' ? 'not run' : '–';
  if (ok(r)) {
    const parts = [ms(r.json.median_ms), perSecond(r.json.transitions_per_s)];
    if (r.rssKb != null) parts.push(mib(r.rssKb));
    return parts.join(' · ');
  }
  if (r.rc === 124) return `**timed out** (${label === 'moto' ? motoTimeout : 600} s)`;
  if (r.json && !r.json.ok) return `**failed**: ${String(r.json.err).split('\n')[0].slice(0, 60).replace(/\|/g, '\\|')}`;
  return `**failed** (exit status ${r.rc})`;
}

const peers = [['als', 'aws-local-stepfunctions']];
if (withMoto) peers.push(['moto', 'moto / LocalStack interpreter']);

const header = ['workload (transitions)', 'sfn', 'sfn / baseline'];
for (const [label, title] of peers) header.push(title, `${label} / sfn`);
header.push('Rust baseline');
const rows = [header, header.map(() => '---')];
const failures = [];
for (const w of workloads) {
  const sfn = result('sfn', w);
  const base = result('baseline', w);
  const transitions = [sfn, base].map((r) => r.json?.transitions).find((t) => t != null);
  const t = transitions == null ? '?' : transitions.toLocaleString('en-US').replace(/,/g, ' ');
  const row = [`${w} (${t})`, cell(sfn, 'sfn'), ok(sfn) && ok(base) ? ratio(sfn.json.median_ms, base.json.median_ms) : '–'];
  const all = [['sfn', sfn], ['baseline', base]];
  for (const [label] of peers) {
    const r = label === 'moto' && !motoWorkloads.has(w) ? { skipped: true } : result(label, w);
    all.push([label, r]);
    row.push(cell(r, label), ok(r) && ok(sfn) ? ratio(r.json.median_ms, sfn.json.median_ms) : '–');
  }
  row.push(cell(base, 'baseline'));
  rows.push(row);
  for (const [label, r] of all) {
    if (r.skipped || ok(r)) continue;
    const why = r.json?.err ?? r.err.trim().split('\n').slice(-3).join(' / ');
    failures.push(`${label} ${w}: exit status ${r.rc}${why ? `: ${why}` : ''}`);
  }
}
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

const peerVersions = new Set();
for (const w of workloads) {
  for (const [label] of peers) {
    const r = result(label, w);
    if (r.json?.peer) peerVersions.add(`${r.json.peer}${r.json.node ? ` on Node ${r.json.node}` : ''}${r.json.python ? ` on Python ${r.json.python}` : ''}`);
  }
}
console.log('');
console.log('Median wall time of one execution inside the runner process, 5 measured runs after 1 warm-up');
console.log('execution; every output compared with W.expected.json. t/s: transitions per second.');
if (withMoto) {
  console.log('moto: 3 runs after 1 warm-up on pass_chain_1000, parallel_fanout, retry_catch, else 1 without.');
}
console.log('RSS: peak RSS of the whole runner process (GNU time), one process per engine and workload.');
console.log('sfn / baseline: sfn time over Rust-baseline time; peer / sfn: peer time over sfn time.');
if (peerVersions.size) console.log(`Peers: ${[...peerVersions].join('; ')}.`);
const machine = read(join(dir, 'machine.txt'));
if (machine) console.log(machine.trim().split('\n').join('; ') + '.');
if (failures.length) {
  console.log('');
  for (const f of failures) console.log(`FAILED ${f}`);
  process.exit(1);
}
