import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../electron/engine/db';
import { uniforms } from '../../../electron/engine/drift/interval';
import { engineIn, errorOf, gz, jsonl, manifestFor, writeFiles, type FileSpec } from './helpers';
import { workLeft } from '../hardening/helpers';
import { bundleBothWays } from './batchCompare';

/**
 * #14 item 14: small JSON Lines files are loaded in batches (one staging read, one load per structure). The
 * batched import must give exactly what loading every file by itself gives: the same tables, rejects (file, line,
 * column, reason), per-file reports, counts, notes and integrity. A seeded mix of a few hundred tiny files with the
 * hard cases (generated ids, bad lines, non-objects, empty objects, duplicate keys, values that do not convert, missing required
 * values, upper-case ids read leniently, an extra key, a time column that fails the vet in a few files, files of a
 * structure of their own, a manifest with hashes and row counts, a wrong row count) is imported both ways.
 */

const SEED = Number(process.env['AD_TEST_SEED'] ?? 1414);

/** The lines of a small spans file of the JSON Lines mix (bad lines, non-objects, duplicate keys, blank lines now and then). */
function spanJsonl(rand: () => number, i: number): string {
  const lines: string[] = [];
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const row: Record<string, unknown> = {
      trace_id: rand() < 0.05 ? `ABCDEF${String(i).padStart(26, '0')}` : `t${i}`,
      span_id: rand() < 0.03 ? null : `s${i}_${k}`,
      parent_span_id: k === 0 ? null : `s${i}_0`,
      name: 'llm',
      start_time: rand() < 0.03 ? 'not a time' : `2026-01-0${1 + (i % 9)}T00:00:0${k}Z`,
      input_tokens: rand() < 0.03 ? 'many' : k * 10,
    };
    if (i % 3 === 0) row['tenant'] = i % 7;
    lines.push(JSON.stringify(row));
  }
  const r = rand();
  if (r < 0.05) lines.push('{"trace_id": "t", broken');
  else if (r < 0.08) lines.push('[1, 2]');
  else if (r < 0.1) lines.push('{}');
  else if (r < 0.12) lines.push('{"trace_id":"a","span_id":"x","span_id":"y","name":"llm","start_time":"2026-01-01T00:00:00Z","input_tokens":1}');
  else if (r < 0.14) lines.splice(1, 0, '', '   ');
  return lines.join('\n') + (rand() < 0.5 ? '\n' : '');
}

function makeBundle(dir: string): void {
  const rand = uniforms(SEED);
  const files: Record<string, string> = {};
  for (let i = 0; i < 180; i++) files[`spans/${String(i).padStart(4, '0')}.jsonl`] = spanJsonl(rand, i);
  for (let i = 0; i < 40; i++) {
    // A time column named "timestamp", given as text: in files 7 and 23 one value is not a time after 1990, so it
    // is not taken for ts there.
    const rows = [0, 1].map((k) => ({ record_id: `r${i}_${k}`, timestamp: i === 7 || i === 23 ? (k === 0 ? '01010001' : '2026-02-01T00:00:00Z') : `2026-02-0${1 + k}T00:00:00Z`, score: k / 2, label: k === 0 ? 'yes' : null }));
    files[`records-${i}.jsonl`] = jsonl(rows);
  }
  // Evaluation rows without an id: eval_id is generated from the file and line ("evals-3.jsonl:2").
  for (let i = 0; i < 12; i++) files[`evals-${i}.jsonl`] = jsonl([0, 1, 2].map((k) => ({ metric: 'accuracy', value: k / 4, model_version: `m${i % 2}` })));
  // "infinity" / "-infinity" times (#14, wave 5): in an inferred time column (loaded as missing, noted) and in the
  // required audit_log.ts (the row rejected), each pair sharing the structure of its group.
  for (const [i, t] of ['infinity', '-infinity'].entries()) {
    files[`records-inf-${i}.jsonl`] = jsonl([0, 1].map((k) => ({ record_id: `ri${i}_${k}`, timestamp: k === 0 ? t : '2026-02-01T00:00:00Z', score: k / 2, label: k === 0 ? 'yes' : null })));
    files[`audit_log-${i}.jsonl`] = jsonl([0, 1].map((k) => ({ log_id: `l${i}_${k}`, ts: k === i ? t : '2026-02-01T00:00:00Z', actor: 'ana', action: 'release.approve' })));
  }
  // Structures of their own: loaded alone.
  files['spans/odd-1.jsonl'] = jsonl([{ trace_id: 'x', span_id: 'y', extra_only_here: true }]);
  files['misc/things.jsonl'] = jsonl([{ thing: 1, other: 'a' }, { thing: 2.5, other: 'b' }]);
  files['records-extra.csv'] = 'record_id,score\nz1,0.5\nz2,oops\n';
  writeFiles(dir, files);
  const entries: Record<string, { rows?: number }> = {};
  for (const p of Object.keys(files)) if (p.startsWith('records')) entries[p] = p === 'records-3.jsonl' ? { rows: 5 } : { rows: 2 };
  for (const p of Object.keys(files)) if (!p.startsWith('records')) entries[p] = {};
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, entries));
}

/**
 * Small CSV / TSV files (#14 item 14, CSV): groups by header, dialect and sniffed types. The mix: rows DuckDB's reader
 * rejects (a value that is not a time, a ragged row), rows the load rejects (a missing required id, a count that does
 * not convert), upper-case ids read leniently, an extra numeric column holding inf / nan cells in some files (read as
 * numbers there), whole numbers in others and text in one (so column types differ between files of one header),
 * quoted fields in a few files (another dialect), evaluation files without ids (generated from file and row), TSV
 * files, and a manifest with row counts, one of them wrong.
 */
/** A small spans CSV file of the CSV mix (rejected values, ragged rows, inf / nan cells, quoted fields now and then). */
function spanCsv(rand: () => number, i: number): string {
  const lines = ['trace_id,span_id,parent_span_id,name,start_time,input_tokens,latency'];
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const trace = rand() < 0.05 ? `ABCDEF${String(i).padStart(26, '0')}` : `t${i}`;
    const span = rand() < 0.04 ? '' : `s${i}_${k}`;
    const start = rand() < 0.04 ? 'not a time' : `2026-01-0${1 + (i % 9)}T00:00:0${k}Z`;
    const tokens = rand() < 0.04 ? 'many' : String(k * 10);
    const latency = i === 13 ? 'fast' : i % 5 === 0 && k === 0 ? (i % 10 === 0 ? 'inf' : 'NaN') : i % 2 === 0 ? String(k * 3) : `${k}.5`;
    const name = i % 11 === 0 ? '"llm, chat"' : 'llm';
    lines.push([trace, span, k === 0 ? '' : `s${i}_0`, name, start, tokens, latency].join(','));
  }
  if (rand() < 0.1) lines.push(`t${i},x${i},,llm,2026-01-01T00:00:00Z,1,2,surplus`);
  return lines.join('\n') + (rand() < 0.5 ? '\n' : '');
}

function makeCsvBundle(dir: string): void {
  const rand = uniforms(SEED + 1);
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`spans/${String(i).padStart(4, '0')}.csv`] = spanCsv(rand, i);
  // Always one upper-case trace id read leniently, whatever the seed.
  files['spans/upper.csv'] = `trace_id,span_id,name,start_time\nABCDEF${'0'.repeat(26)},u1,llm,2026-01-01T00:00:00Z\nABCDEF${'1'.repeat(26)},u2,llm,2026-01-01T00:00:01Z\n`;
  for (let i = 0; i < 10; i++) files[`evals-${i}.csv`] = ['metric,value,model_version', ...[0, 1, 2].map((k) => `accuracy,${k / 4},m${i % 2}`)].join('\n') + '\n';
  // Cases a batch that trusted one file's sniff for others would get wrong. Most files above are plain (isPlainCsv)
  // and sniffed with their dialect given; these sit beside them with the same header text or the same columns:
  // a column of whole numbers where the others hold decimals, dates in other formats, a quoted file, other delimiters
  // (one with the header text of the plain files), Windows line ends, a byte-order mark, a file without a header line.
  const head = 'trace_id,span_id,parent_span_id,name,start_time,input_tokens,latency';
  files['spans/z-ints.csv'] = `${head}\nt900,s900,,llm,2026-01-01T00:00:00Z,1,4\nt900,s901,s900,llm,2026-01-01T00:00:01Z,2,5\n`;
  files['spans/z-decimals.csv'] = `${head}\nt901,s910,,llm,2026-01-01T00:00:00Z,1,4.25\nt901,s911,s910,llm,2026-01-01T00:00:01Z,2,5\n`;
  files['spans/z-dates-us.csv'] = `trace_id,span_id,name,start_time,day\nt902,s920,llm,2026-01-01T00:00:00Z,01/02/2026\nt902,s921,llm,2026-01-01T00:00:01Z,12/31/2026\n`;
  files['spans/z-dates-iso.csv'] = `trace_id,span_id,name,start_time,day\nt903,s930,llm,2026-01-01T00:00:00Z,2026-01-02\nt903,s931,llm,2026-01-01T00:00:01Z,2026-12-31\n`;
  files['spans/z-dates-text.csv'] = `trace_id,span_id,name,start_time,day\nt904,s940,llm,2026-01-01T00:00:00Z,2026-01-02\nt904,s941,llm,2026-01-01T00:00:01Z,tomorrow\n`;
  files['spans/z-start-dmy.csv'] = `trace_id,span_id,name,start_time\nt905,s950,llm,02/01/2026 10:00:00\nt905,s951,llm,13/01/2026 10:00:00\n`;
  files['spans/z-quoted.csv'] = `${head}\n"t906","s960","","llm","2026-01-01T00:00:00Z","1","2"\n`;
  files['spans/z-semicolon.csv'] = `${head.replace(/,/g, ';')}\nt907;s970;;llm;2026-01-01T00:00:00Z;1;2,5\n`;
  files['spans/z-semicolon-rows.csv'] = `${head}\nt908;s980;;llm;2026-01-01T00:00:00Z;1;2\nt908;s981;s980;llm;2026-01-01T00:00:01Z;1;2\n`;
  files['spans/z-tab.csv'] = `${head.replace(/,/g, '\t')}\nt909\ts990\t\tllm\t2026-01-01T00:00:00Z\t1\t2\n`;
  files['spans/z-crlf.csv'] = `${head}\r\nt910,s1000,,llm,2026-01-01T00:00:00Z,1,2\r\n`;
  files['spans/z-bom.csv'] = `\ufeff${head}\nt911,s1010,,llm,2026-01-01T00:00:00Z,1,2\n`;
  files['spans/z-inf.csv'] = `${head}\nt912,s1020,,llm,2026-01-01T00:00:00Z,1,inf\nt912,s1021,s1020,llm,2026-01-01T00:00:01Z,2,3\n`;
  files['spans/z-bad-line.csv'] = `${head}\nt913,s1030,,llm,2026-01-01T00:00:00Z,1,2\nt913,s1031\nt913,s1032,s1030,llm,2026-01-01T00:00:02Z,1,2\n`;
  files['spans/z-noheader.csv'] = `t914,s1040,,llm,2026-01-01T00:00:00Z,1,2\nt914,s1041,s1040,llm,2026-01-01T00:00:01Z,3,4\n`;
  files['spans/z-numbers-only.csv'] = `1,2,3\n4,5,6\n`;
  // Rows the load rejects (span_id missing) after what a row number would miscount as lines: a blank line, a quoted
  // cell over two lines, a row DuckDB rejects; in a quoted file, a plain one and a file with Windows line ends.
  files['spans/z-lines-quoted.csv'] = `${head}\nt915,s1050,,"llm\nchat",2026-01-01T00:00:00Z,1,2\n\nt915,s1051\nt915,,s1050,llm,2026-01-01T00:00:01Z,1,2\n`;
  files['spans/z-lines-plain.csv'] = `${head}\nt916,s1060,,llm,2026-01-01T00:00:00Z,1,2\nt916,,s1060,llm,2026-01-01T00:00:01Z,1,2\n`;
  files['spans/z-lines-crlf.csv'] = `${head}\r\nt917,,,llm,2026-01-01T00:00:00Z,1,2\r\n`;
  for (let i = 0; i < 6; i++) files[`evals-t${i}.tsv`] = ['metric\tvalue\tmodel_version', ...[0, 1].map((k) => `f1\t${i === 2 && k === 1 ? 'nan' : k / 3}\tm${i}`)].join('\n') + '\n';
  writeFiles(dir, files);
  const entries: Record<string, { rows?: number }> = {};
  for (const p of Object.keys(files)) entries[p] = p.startsWith('evals-') ? { rows: p === 'evals-4.csv' ? 4 : p.endsWith('.tsv') ? 2 : 3 } : {};
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, entries));
}

/**
 * Small JSON array files (#14 item 14, JSON): their elements join the JSON Lines batches, each numbered as the per-file
 * path numbers it. The mix: arrays of spans written compactly, pretty-printed or with Windows line ends, elements that
 * are not objects (numbers, strings, null, true) or are `{}` beside objects, values that do not convert, missing required
 * ids, upper-case ids read leniently, inf / nan strings beside numbers, evaluation files without ids (generated from
 * file and element), a time column that fails the vet in one file, and files a shortcut would read wrong: an empty
 * array, an array of non-objects only, invalid JSON amid valid files, duplicate keys, a top-level object, JSON Lines
 * and a scalar in .json files, an array of arrays, a byte-order mark, objects whose keys come in another order (in
 * two files, and within one file), JSON and JSON Lines files of one structure, and a manifest with row counts.
 */
function makeJsonBundle(dir: string): void {
  const rand = uniforms(SEED + 2);
  const files: Record<string, string> = {};
  const span = (i: number, k: number): Record<string, unknown> => ({
    trace_id: rand() < 0.05 ? `ABCDEF${String(i).padStart(26, '0')}` : `t${i}`,
    span_id: rand() < 0.03 ? null : `s${i}_${k}`,
    parent_span_id: k === 0 ? null : `s${i}_0`,
    name: 'llm',
    start_time: rand() < 0.03 ? 'not a time' : `2026-01-0${1 + (i % 9)}T00:00:0${k}Z`,
    input_tokens: rand() < 0.03 ? 'many' : k * 10,
    ...(i % 4 === 0 ? { latency: k === 0 && i % 8 === 0 ? 'inf' : k * 1.5 } : {}),
  });
  for (let i = 0; i < 120; i++) {
    const units: unknown[] = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, k) => span(i, k));
    const r = rand();
    if (r < 0.04) units.push(7);
    else if (r < 0.07) units.splice(1, 0, 'text', null);
    else if (r < 0.1) units.push({});
    else if (r < 0.12) units.unshift(true);
    const style = i % 3;
    const text = style === 0 ? JSON.stringify(units) : style === 1 ? JSON.stringify(units, null, 2) : JSON.stringify(units, null, 1).replace(/\n/g, '\r\n');
    files[`spans/${String(i).padStart(4, '0')}.json`] = text + (rand() < 0.5 ? '\n' : '');
  }
  // Always one upper-case trace id read leniently, whatever the seed.
  files['spans/upper.json'] = JSON.stringify([{ trace_id: `ABCDEF${'0'.repeat(26)}`, span_id: 'u1', name: 'llm', start_time: '2026-01-01T00:00:00Z' }]);
  files['spans/upper-2.json'] = JSON.stringify([{ trace_id: `ABCDEF${'1'.repeat(26)}`, span_id: 'u2', name: 'llm', start_time: '2026-01-01T00:00:00Z' }]);
  // And inf / nan strings beside numbers (read as numbers, counted on the file).
  for (const [i, nf] of ['inf', 'NaN'].entries()) files[`spans/nonfinite-${i}.json`] = JSON.stringify([0, 1].map((k) => ({ trace_id: `f${i}`, span_id: `f${i}_${k}`, name: 'llm', start_time: '2026-01-01T00:00:00Z', cost: k === 0 ? nf : 0.25 })));
  for (let i = 0; i < 30; i++) {
    const rows = [0, 1].map((k) => ({ record_id: `r${i}_${k}`, timestamp: i === 5 ? (k === 0 ? '01010001' : '2026-02-01T00:00:00Z') : `2026-02-0${1 + k}T00:00:00Z`, score: k / 2 }));
    files[`records-${i}.json`] = JSON.stringify(rows, null, 2);
  }
  for (let i = 0; i < 8; i++) files[`evals-${i}.json`] = JSON.stringify([0, 1, 2].map((k) => ({ metric: 'accuracy', value: k / 4, model_version: `m${i % 2}` })));
  // JSON and JSON Lines files of one structure (spans/j-*), and the files a shortcut would read wrong.
  const js = (i: number): Record<string, unknown>[] => [0, 1].map((k) => ({ trace_id: `j${i}`, span_id: `j${i}_${k}`, name: 'chat', start_time: `2026-03-01T00:00:0${k}Z` }));
  for (let i = 0; i < 4; i++) files[`spans/j-${i}.${i % 2 === 0 ? 'json' : 'jsonl'}`] = i % 2 === 0 ? JSON.stringify(js(i)) : jsonl(js(i));
  files['spans/z-empty.json'] = '[]\n';
  files['spans/z-empty-2.json'] = ' [ ] ';
  files['spans/z-scalars.json'] = '[1, "a", null, false]';
  files['spans/z-scalars-2.json'] = '[2.5, "b"]';
  files['spans/z-mixed.json'] = JSON.stringify([{ trace_id: 'm1', span_id: 'm1a', name: 'llm', start_time: '2026-01-01T00:00:00Z' }, 3, 'x', null, {}, true, { trace_id: 'm1', span_id: 'm1b', name: 'llm', start_time: 'soon' }]);
  files['spans/z-invalid.json'] = '[{"trace_id": "bad", "span_id": "b1", "name": "llm",';
  files['spans/z-invalid-2.json'] = '[{"trace_id": "bad2"} {"span_id": "b2"}]';
  files['spans/z-dup.json'] = '[{"trace_id":"d1","span_id":"x","span_id":"y","name":"llm","start_time":"2026-01-01T00:00:00Z"},{"trace_id":"d1","span_id":"z","name":"llm","start_time":"2026-01-01T00:00:01Z"}]';
  files['spans/z-dup-2.json'] = '[{"trace_id":"d2","span_id":"z2","name":"llm","start_time":"2026-01-01T00:00:01Z"},{"trace_id":"d2","trace_id":"d3","span_id":"x2","name":"llm","start_time":"2026-01-01T00:00:00Z"}]';
  files['spans/z-object.json'] = JSON.stringify({ trace_id: 'o1', span_id: 'o1a', name: 'llm', start_time: '2026-01-01T00:00:00Z' });
  files['spans/z-object-2.json'] = JSON.stringify({ trace_id: 'o2', span_id: 'o2a', name: 'llm', start_time: '2026-01-01T00:00:00Z' }, null, 2);
  files['spans/z-lines.json'] = jsonl([{ trace_id: 'l1', span_id: 'l1a', name: 'llm', start_time: '2026-01-01T00:00:00Z' }, { trace_id: 'l1', span_id: 'l1b', name: 'llm', start_time: '2026-01-01T00:00:01Z' }]);
  files['spans/z-scalar.json'] = '42\n';
  files['spans/z-nested.json'] = JSON.stringify([[{ trace_id: 'n1', span_id: 'n1a', name: 'llm', start_time: '2026-01-01T00:00:00Z' }], { trace_id: 'n1', span_id: 'n1b', name: 'llm', start_time: '2026-01-01T00:00:01Z' }]);
  files['spans/z-bom.json'] = `\ufeff${JSON.stringify([{ trace_id: 'b1', span_id: 'b1a', name: 'llm', start_time: '2026-01-01T00:00:00Z' }])}`;
  // Keys in another order: the columns of a file follow their first appearance, so these are a structure of their own.
  const reordered = (i: number): Record<string, unknown> => ({ start_time: '2026-01-01T00:00:00Z', name: 'llm', span_id: `q${i}`, trace_id: `q${i}` });
  files['spans/z-order-1.json'] = JSON.stringify([reordered(1), reordered(2)]);
  files['spans/z-order-2.json'] = JSON.stringify([reordered(3)]);
  files['spans/z-order-3.json'] = JSON.stringify([{ trace_id: 'q4', span_id: 'q4a' }, { name: 'llm', trace_id: 'q4', start_time: '2026-01-01T00:00:00Z', span_id: 'q4b' }]);
  files['spans/z-order-4.json'] = JSON.stringify([{ trace_id: 'q5', span_id: 'q5a' }, { start_time: '2026-01-01T00:00:00Z', name: 'llm', trace_id: 'q5', span_id: 'q5b' }]);
  files['exports/models.json'] = JSON.stringify({ system: { package_version: '1.1.2', script: 'export_models.py' }, info: { num_total_models: 2 }, mlflow: { models: ['a', 'b'] } });
  files['misc/things.json'] = JSON.stringify([{ thing: 1, other: 'a' }, { thing: 2.5, other: 'b' }]);
  files['misc/things-2.json'] = JSON.stringify([{ thing: 3, other: 'c' }]);
  writeFiles(dir, files);
  const entries: Record<string, { rows?: number }> = {};
  for (const p of Object.keys(files)) entries[p] = p.startsWith('records') ? { rows: p === 'records-3.json' ? 5 : 2 } : p.startsWith('evals') ? { rows: 3 } : {};
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, entries));
}

const OTLP = path.join(__dirname, '..', '..', 'fixtures', 'bundles', 'external', 'traces.otlp.json');

/**
 * Small gzipped JSON Lines and CSV / TSV files (#14 item 14, .gz): the JSON Lines and CSV mixes above, most files
 * gzipped and the rest plain (one structure, both kinds), and beside them the cases a shortcut would get wrong: a
 * corrupt and a truncated .gz, a .gz that is not gzip, one that inflates to nothing, to UTF-16 (with and without a
 * byte-order mark), to another gzip, to more than a batch takes; gzip of a structured export (OTLP JSON Lines); .gz
 * files whose manifest entry declares a format (jsonl, ndjson.gz, csv) and a plain file declared "jsonl.gz"; an
 * upper-case name; a wrong row count for a .gz.
 */
function makeGzBundle(dir: string): void {
  const rand = uniforms(SEED + 2);
  const files: Record<string, FileSpec> = {};
  const pad = (i: number): string => String(i).padStart(4, '0');
  const either = (name: string, text: string, i: number): void => {
    if (i % 3 === 2) files[name] = text;
    else files[`${name}.gz`] = gz(text);
  };
  for (let i = 0; i < 90; i++) either(`spans/${pad(i)}.jsonl`, spanJsonl(rand, i), i);
  for (let i = 0; i < 24; i++) {
    const rows = [0, 1].map((k) => ({ record_id: `r${i}_${k}`, timestamp: i === 7 ? (k === 0 ? '01010001' : '2026-02-01T00:00:00Z') : `2026-02-0${1 + k}T00:00:00Z`, score: k / 2 }));
    either(`records-${i}.jsonl`, jsonl(rows), i);
  }
  for (let i = 0; i < 9; i++) either(`evals-${i}.jsonl`, jsonl([0, 1, 2].map((k) => ({ metric: 'accuracy', value: k / 4, model_version: `m${i % 2}` }))), i);
  for (let i = 0; i < 45; i++) either(`spans/c${pad(i)}.csv`, spanCsv(rand, i), i);
  for (let i = 0; i < 9; i++) either(`evals-t${i}.tsv`, ['metric	value	model_version', ...[0, 1].map((k) => `f1	${i === 4 && k === 1 ? 'nan' : k / 3}	m${i}`)].join('\n') + '\n', i);
  const one = jsonl([{ trace_id: 'tx', span_id: 'sx', parent_span_id: null, name: 'llm', start_time: '2026-01-01T00:00:00Z', input_tokens: 3 }]);
  const packed = gz(one);
  files['spans/x-corrupt.jsonl.gz'] = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8]);
  files['spans/x-truncated.jsonl.gz'] = packed.subarray(0, packed.length - 6);
  files['spans/x-not-gzip.jsonl.gz'] = one;
  // Not gzip, though named and declared so: unreadable alone, so never loaded through a batch.
  files['spans/x-not-gzip-declared.jsonl.gz'] = one;
  files['spans/x-not-gzip-declared.json.gz'] = one;
  files['spans/x-empty.jsonl.gz'] = gz('');
  files['spans/x-utf16.jsonl.gz'] = gzipSync(Buffer.from(`\ufeff${one}`, 'utf16le'));
  files['spans/x-utf16-nobom.csv.gz'] = gzipSync(Buffer.from('trace_id,span_id,name,start_time\nt1,s1,llm,2026-01-01T00:00:00Z\n', 'utf16le'));
  files['spans/x-double.jsonl.gz'] = gzipSync(packed);
  files['spans/x-big.jsonl.gz'] = gz(one.repeat(Math.ceil((1024 * 1024) / one.length) + 1));
  files['collector.jsonl.gz'] = gz(`${JSON.stringify(JSON.parse(fs.readFileSync(OTLP, 'utf8')))}\n`);
  files['spans/x-declared.jsonl.gz'] = gz(one);
  files['spans/x-declared.data.gz'] = gz(one);
  files['spans/x-declared-plain.jsonl'] = one;
  files['spans/x-declared.csv.gz'] = gz('trace_id,span_id,name,start_time\nt2,s2,llm,2026-01-01T00:00:00Z\n');
  files['spans/X-UPPER.JSONL.GZ'] = gz(one);
  // JSON arrays gzipped, beside plain ones of the same structure; one gzipped single object (loaded alone).
  for (let i = 0; i < 6; i++) either(`spans/a${pad(i)}.json`, JSON.stringify([0, 1].map((k) => ({ trace_id: `ta${i}`, span_id: `sa${i}_${k}`, parent_span_id: null, name: 'llm', start_time: `2026-01-01T00:00:0${k}Z`, input_tokens: i === 4 && k === 1 ? 'many' : k }))), i);
  files['spans/x-object.json.gz'] = gz(JSON.stringify({ trace_id: 'to', span_id: 'so', name: 'llm', start_time: '2026-01-01T00:00:00Z' }));
  writeFiles(dir, files);
  const declared: Record<string, string> = { 'spans/x-not-gzip-declared.jsonl.gz': 'jsonl.gz', 'spans/x-not-gzip-declared.json.gz': 'jsonl', 'spans/x-declared.jsonl.gz': 'jsonl', 'spans/x-declared.data.gz': 'ndjson.gz', 'spans/x-declared-plain.jsonl': 'jsonl.gz', 'spans/x-declared.csv.gz': 'csv' };
  const entries: Record<string, { rows?: number; format?: string }> = {};
  for (const p of Object.keys(files)) entries[p] = { ...(p === 'records-3.jsonl.gz' ? { rows: 5 } : p.startsWith('records') ? { rows: 2 } : {}), ...(declared[p] ? { format: declared[p] } : {}) };
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifestFor(dir, entries));
}

describe('batched loading of many small JSON Lines files', () => {
  const both = bundleBothWays('batched', makeBundle);

  it(`gives the tables, rejects, counts and summary that loading each file alone gives (seed ${SEED})`, async () => {
    const { batched, alone } = await both.importBoth('b1');

    // The batched path was taken: a handful of statements per structure instead of about twenty per file.
    expect(batched.statements * 5).toBeLessThan(alone.statements);

    const s = batched.value.summary;

    // The mix holds what it is meant to hold (so the comparison above covers those cases).
    const reasons = (await queryRows<{ r: string }>(batched.value.conn, `SELECT DISTINCT regexp_replace(reason, ':.*', '') AS r FROM _ad_rejects ORDER BY r`)).map((r) => r.r);
    expect(reasons).toEqual(expect.arrayContaining(['malformed JSON', 'not a JSON object (found array)', 'empty JSON object', 'required value missing', 'wrong type']));
    expect(reasons.some((r) => r.startsWith('duplicate key'))).toBe(true);
    const byPath = new Map(s.files.map((f) => [f.path, f]));
    expect(byPath.get('records-3.jsonl')?.status).toBe('rowcount_mismatch');
    expect(byPath.get('records-7.jsonl')?.mapping?.find((e) => e.column === 'ts')?.note).toContain('was not used for ts');
    expect(byPath.get('records-8.jsonl')?.mapping?.find((e) => e.column === 'ts')?.source).toBe('timestamp');
    expect(s.files.some((f) => f.leniency && f.leniency.length > 0)).toBe(true);
    expect(s.integrity.state).toBe('altered');
    const ids = await queryRows<{ id: string }>(batched.value.conn, `SELECT eval_id AS id FROM eval_results WHERE eval_id LIKE 'evals-3.jsonl:%' ORDER BY 1`);
    expect(ids.map((r) => r.id)).toEqual(['evals-3.jsonl:1', 'evals-3.jsonl:2', 'evals-3.jsonl:3']);
    const spans = s.files.filter((f) => f.path.startsWith('spans/0'));
    expect(spans.reduce((a, f) => a + f.rows_read, 0)).toBe(spans.reduce((a, f) => a + f.rows_loaded + f.rows_rejected, 0));
    expect(byPath.get('records-inf-1.jsonl')?.leniency).toEqual(['ts: 1 value infinite (infinity or -infinity), not a point in time: loaded as missing']);
    expect([byPath.get('audit_log-1.jsonl')?.rows_loaded, byPath.get('audit_log-1.jsonl')?.rows_rejected]).toEqual([1, 1]);
    const infRejects = await queryRows<{ line: number; reason: string }>(batched.value.conn, `SELECT line, reason FROM _ad_rejects WHERE file = 'audit_log-1.jsonl' ORDER BY reason`);
    expect(infRejects.map((r) => `${Number(r.line)} ${r.reason}`)).toEqual(['2 required value missing', '2 wrong type: cannot convert -infinity to TIMESTAMP']);
  });
});

describe('batched loading of many small CSV / TSV files', () => {
  const both = bundleBothWays('batched-csv', makeCsvBundle);

  it(`gives the tables, rejects, counts and summary that loading each file alone gives (seed ${SEED})`, async () => {
    const { batched, alone } = await both.importBoth('c1');

    expect(batched.statements * 3).toBeLessThan(alone.statements);
    // Plain files were sniffed many to a statement: fewer statements than files sniffed, and all files were sniffed.
    const csvFiles = batched.value.summary.files.filter((f) => /\.(csv|tsv)$/.test(f.path)).length;
    expect(batched.sniffs).toBeGreaterThanOrEqual(csvFiles);
    expect(batched.sniffStatements * 2).toBeLessThan(csvFiles);

    const s = batched.value.summary;

    const reasons = (await queryRows<{ r: string }>(batched.value.conn, `SELECT DISTINCT regexp_replace(reason, ':.*', '') AS r FROM _ad_rejects ORDER BY r`)).map((r) => r.r);
    expect(reasons).toEqual(expect.arrayContaining(['cast', 'too many columns', 'required value missing', 'wrong type']));
    const byPath = new Map(s.files.map((f) => [f.path, f]));
    expect(byPath.get('evals-4.csv')?.status).toBe('rowcount_mismatch');
    expect(s.files.some((f) => f.inferred?.includes('column "latency" read as numbers: its inf / nan cells are non-finite values (counted as missing in statistics), not text'))).toBe(true);
    expect(s.files.some((f) => f.leniency?.some((l) => l.includes('non-finite')))).toBe(true);
    expect(s.files.some((f) => f.leniency?.some((l) => l.includes('read leniently')))).toBe(true);
    // The load's own rejects name their line and carry their text (#14, wave 5), both ways (so the comparison above compares lines).
    for (const b of [batched.value, alone.value]) {
      const own = await queryRows<{ n: number; lined: number }>(b.conn, `SELECT count(*)::INTEGER AS n, count(*) FILTER (line IS NOT NULL AND raw IS NOT NULL)::INTEGER AS lined FROM _ad_rejects WHERE reason IN ('required value missing') OR reason LIKE 'wrong type%'`);
      expect(own[0]?.n).toBeGreaterThan(3);
      expect(own[0]?.lined).toBe(own[0]?.n);
    }
    const lined = await queryRows<{ file: string; line: number; raw: string }>(batched.value.conn, `SELECT file, line::INTEGER AS line, raw FROM _ad_rejects WHERE file LIKE 'spans/z-lines-%' AND column_name = 'span_id' ORDER BY file`);
    expect(lined).toEqual([
      { file: 'spans/z-lines-crlf.csv', line: 2, raw: 't917,,,llm,2026-01-01T00:00:00Z,1,2' },
      { file: 'spans/z-lines-plain.csv', line: 3, raw: 't916,,s1060,llm,2026-01-01T00:00:01Z,1,2' },
      { file: 'spans/z-lines-quoted.csv', line: 5, raw: 't915,,s1050,llm,2026-01-01T00:00:01Z,1,2' },
    ]);
    const ids = await queryRows<{ id: string }>(batched.value.conn, `SELECT eval_id AS id FROM eval_results WHERE eval_id LIKE 'evals-3.csv:%' ORDER BY 1`);
    expect(ids.map((r) => r.id)).toEqual(['evals-3.csv:1', 'evals-3.csv:2', 'evals-3.csv:3']);
  });
});

describe('batched loading of many small JSON array files', () => {
  const both = bundleBothWays('batched-json', makeJsonBundle);

  it(`gives the tables, rejects, counts and summary that loading each file alone gives (seed ${SEED})`, async () => {
    const { batched, alone } = await both.importBoth('j1');

    // The JSON array files were batched: a handful of statements per structure instead of about twenty per file.
    expect(batched.statements * 4).toBeLessThan(alone.statements);

    const s = batched.value.summary;

    // The mix holds what it is meant to hold (so the comparison above covers those cases).
    const reasons = (await queryRows<{ r: string }>(batched.value.conn, `SELECT DISTINCT regexp_replace(reason, ':.*', '') AS r FROM _ad_rejects ORDER BY r`)).map((r) => r.r);
    expect(reasons).toEqual(expect.arrayContaining(['malformed JSON', 'not a JSON object (found array)', 'empty JSON object', 'required value missing', 'wrong type']));
    expect(reasons.some((r) => r.startsWith('duplicate key'))).toBe(true);
    const mixed = await queryRows<{ line: number; reason: string; raw: string }>(batched.value.conn, `SELECT line, reason, raw FROM _ad_rejects WHERE file = 'spans/z-mixed.json' ORDER BY line`);
    expect(mixed.map((r) => [Number(r.line), r.raw])).toEqual([[2, '3'], [3, '"x"'], [4, 'null'], [5, '{}'], [6, 'true'], [7, expect.stringContaining('"soon"')]]);
    const byPath = new Map(s.files.map((f) => [f.path, f]));
    expect(byPath.get('spans/z-invalid.json')?.status).toBe('unreadable');
    expect(byPath.get('spans/z-empty.json')?.rows_read).toBe(0);
    expect(byPath.get('spans/z-object.json')).toMatchObject({ format: 'json', rows_loaded: 1 });
    expect(byPath.get('spans/z-lines.json')).toMatchObject({ format: 'json', rows_loaded: 2 });
    expect(byPath.get('spans/j-0.json')).toMatchObject({ format: 'json', rows_loaded: 2 });
    expect(byPath.get('spans/j-1.jsonl')).toMatchObject({ format: 'jsonl', rows_loaded: 2 });
    expect(byPath.get('exports/models.json')?.format).toBe('other');
    expect(byPath.get('records-3.json')?.status).toBe('rowcount_mismatch');
    expect(byPath.get('records-5.json')?.mapping?.find((e) => e.column === 'ts')?.note).toContain('was not used for ts');
    expect(byPath.get('records-8.json')?.mapping?.find((e) => e.column === 'ts')?.source).toBe('timestamp');
    expect(s.files.some((f) => f.leniency?.some((l) => l.includes('read leniently')))).toBe(true);
    expect(s.files.some((f) => f.leniency?.some((l) => l.includes('non-finite')))).toBe(true);
    const ids = await queryRows<{ id: string }>(batched.value.conn, `SELECT eval_id AS id FROM eval_results WHERE eval_id LIKE 'evals-3.json:%' ORDER BY 1`);
    expect(ids.map((r) => r.id)).toEqual(['evals-3.json:1', 'evals-3.json:2', 'evals-3.json:3']);
    const spans = s.files.filter((f) => f.path.startsWith('spans/0'));
    expect(spans.reduce((a, f) => a + f.rows_read, 0)).toBe(spans.reduce((a, f) => a + f.rows_loaded + f.rows_rejected, 0));
  });
});

describe('batched loading of many small gzipped JSON Lines and CSV / TSV files', () => {
  const both = bundleBothWays('batched-gz', makeGzBundle);

  it(`gives the tables, rejects, counts and summary that loading each file alone gives (seed ${SEED})`, async () => {
    const { batched, alone } = await both.importBoth('g1');

    // Two files in three are gzipped: batched, they take a handful of statements per structure.
    expect(batched.statements * 3).toBeLessThan(alone.statements);
    const s = batched.value.summary;
    // The inflated copies are gone.
    expect(fs.existsSync(path.join(both.root(), 'w1', 'gzb'))).toBe(false);

    const byPath = new Map(s.files.map((f) => [f.path, f]));
    expect(byPath.get('spans/0000.jsonl.gz')).toMatchObject({ format: 'jsonl.gz', table: 'spans', status: 'ok' });
    expect(byPath.get('spans/0002.jsonl')?.format).toBe('jsonl');
    expect(byPath.get('spans/c0000.csv.gz')?.format).toBe('csv.gz');
    expect(byPath.get('evals-t0.tsv.gz')?.format).toBe('tsv.gz');
    expect(byPath.get('spans/a0000.json.gz')).toMatchObject({ format: 'json.gz', rows_loaded: 2 });
    expect(byPath.get('spans/x-object.json.gz')).toMatchObject({ format: 'json.gz', rows_loaded: 1 });
    expect(byPath.get('spans/x-declared.data.gz')).toMatchObject({ format: 'jsonl.gz', rows_loaded: 1 });
    expect(byPath.get('collector.jsonl.gz')?.format).toBe('otlp-jsonl.gz');
    expect(byPath.get('records-3.jsonl.gz')?.status).toBe('rowcount_mismatch');
    expect(byPath.get('records-7.jsonl.gz')?.mapping?.find((e) => e.column === 'ts')?.note).toContain('was not used for ts');
    for (const p of ['spans/x-corrupt.jsonl.gz', 'spans/x-truncated.jsonl.gz', 'spans/x-not-gzip.jsonl.gz', 'spans/x-not-gzip-declared.jsonl.gz', 'spans/x-not-gzip-declared.json.gz', 'spans/x-utf16.jsonl.gz', 'spans/x-utf16-nobom.csv.gz']) expect(byPath.get(p)?.status, p).toBe('unreadable');
    expect(byPath.get('spans/x-big.jsonl.gz')?.rows_loaded).toBeGreaterThan(1000);
    const ids = await queryRows<{ id: string }>(batched.value.conn, `SELECT eval_id AS id FROM eval_results WHERE eval_id LIKE 'evals-3.jsonl.gz:%' ORDER BY 1`);
    expect(ids.map((r) => r.id)).toEqual(['evals-3.jsonl.gz:1', 'evals-3.jsonl.gz:2', 'evals-3.jsonl.gz:3']);
    // Rejects name the bundle's files, never the engine's copies.
    const rejects = await queryRows<{ file: string; raw: string | null; reason: string }>(batched.value.conn, `SELECT file, raw, reason FROM _ad_rejects`);
    expect(rejects.some((r) => r.file.endsWith('.jsonl.gz'))).toBe(true);
    expect(rejects.some((r) => r.file.endsWith('.csv.gz'))).toBe(true);
    expect(rejects.filter((r) => `${r.file} ${r.raw ?? ''} ${r.reason}`.includes(both.root()))).toEqual([]);
  });

  it('leaves no inflated copy behind when the import is cancelled mid-load', async () => {
    const dataDir = path.join(both.root(), 'engine');
    let engine: ReturnType<typeof engineIn> | null = null;
    engine = engineIn(dataDir, (p) => {
      if (p.phase === 'load' && p.message === 'Loading spans/0004.jsonl.gz') void engine?.cancelJob({ jobId: p.jobId });
    });
    try {
      const e = await errorOf(() => (engine as ReturnType<typeof engineIn>).openBundle({ path: both.dir(), jobId: 'gz-cancel' }));
      expect(e.code).toBe('cancelled');
      expect(workLeft(dataDir)).toEqual([]);
    } finally {
      await engine.dispose();
    }
  });
});
