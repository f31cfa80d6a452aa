import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { queryRows } from '../../../electron/engine/db';
import { engineIn, jsonl, rmDir, tempDir, writeFiles } from './helpers';

// Files other tools wrote (origins and licences in test/fixtures/external/README.md).
const EXTERNAL = path.join(__dirname, '..', '..', 'fixtures', 'external');
const read = (p: string): Buffer => fs.readFileSync(path.join(EXTERNAL, p));

/** The five OpenTelemetry demo spans both fixtures hold (same spans: protobuf JSON and the ClickHouse layout). */
const DEMO_SPANS = [
  { trace_id: '61432d488c5740779ad434e04be1b6ce', span_id: '9785fe0f7e3fd53b', parent_span_id: 'e5c3e8a7486f1d12', kind: 'CLIENT', status_code: 'UNSET', service_name: 'cartservice' },
  { trace_id: '61432d488c5740779ad434e04be1b6ce', span_id: 'e5c3e8a7486f1d12', parent_span_id: '0f530f5ea321a248', kind: 'SERVER', status_code: 'UNSET', service_name: 'cartservice' },
  { trace_id: '61432d488c5740779ad434e04be1b6ce', span_id: 'ea91ebab8b45dd82', parent_span_id: '0cd95c98ea246c7e', kind: 'CLIENT', status_code: 'UNSET', service_name: 'frontend-proxy' },
  { trace_id: 'ced1a995ba1f3689af5d18d5e31abef0', span_id: '2880b85deb4a18e3', parent_span_id: null, kind: 'SERVER', status_code: 'ERROR', service_name: 'frontend-proxy' },
  { trace_id: 'ced1a995ba1f3689af5d18d5e31abef0', span_id: '857a13f25f2a7ea2', parent_span_id: '2880b85deb4a18e3', kind: 'CLIENT', status_code: 'UNSET', service_name: 'frontend-proxy' },
];

describe('real exports open right', () => {
  let root: string;
  let engine: Engine;
  beforeAll(() => {
    root = tempDir('real');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });
  const conn = (bundleId: string) => engine.context.session(bundleId).conn;
  const spanRows = (bundleId: string) =>
    queryRows(conn(bundleId), `SELECT trace_id, span_id, parent_span_id, kind, status_code, service_name FROM spans ORDER BY trace_id, span_id`);

  it('a ClickHouse otel_traces Parquet (TraceId, SpanId, Timestamp, Duration in ns, SpanKind "Server") loads every span with its ids, times and attributes', async () => {
    const b = path.join(root, 'clickhouse');
    writeFiles(b, { 'otel_traces.parquet': read('clickhouse-otel-traces/otel_traces.parquet') });
    const s = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ table: 'spans', rows_read: 5, rows_loaded: 5, rows_rejected: 0 });
    expect(f?.inferred).toContain('table spans (from the columns)');
    const m = Object.fromEntries((f?.mapping ?? []).map((e) => [e.column, [e.source, e.tag]]));
    expect(m).toMatchObject({
      trace_id: ['TraceId', 'inferred'],
      span_id: ['SpanId', 'inferred'],
      parent_span_id: ['ParentSpanId', 'inferred'],
      name: ['SpanName', 'inferred'],
      kind: ['SpanKind', 'inferred'],
      start_time: ['Timestamp', 'inferred'],
      duration_ms: ['Duration', 'inferred'],
      status_code: ['StatusCode', 'inferred'],
      service_name: ['ServiceName', 'inferred'],
      attributes: ['SpanAttributes', 'inferred'],
      resource: ['ResourceAttributes', 'inferred'],
      span_kind: [null, 'absent'],
    });
    expect(f?.mapping?.find((e) => e.column === 'duration_ms')?.note).toMatch(/nanoseconds .*converted to milliseconds/);
    expect(f?.leniency?.some((l) => l.startsWith('kind: 5 values read leniently'))).toBe(true);
    expect(f?.leniency?.some((l) => l.startsWith('status_code: 5 values read leniently'))).toBe(true);
    expect(await spanRows(s.bundleId)).toEqual(DEMO_SPANS);
    expect(
      await queryRows(conn(s.bundleId), `SELECT strftime(start_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS start_time, duration_ms, attributes->>'rpc.method' AS m, resource->>'telemetry.sdk.language' AS lang FROM spans WHERE span_id = 'e5c3e8a7486f1d12'`),
    ).toEqual([{ start_time: '2023-11-30T07:24:16.911461Z', duration_ms: 0.4584, m: 'GetCart', lang: 'dotnet' }]);
    // Every analysis counts the same five spans.
    const health = await engine.health({ bundleId: s.bundleId });
    const posture = await engine.posture({ bundleId: s.bundleId });
    expect(health.overall.traffic.spans).toBe(5);
    expect(posture.traceability.find((t) => t.table === 'spans')).toMatchObject({ total: 5, with_trace_id: 5 });
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('the same spans as a ClickHouse Parquet (no end time, Duration in ns) and as OTLP JSON: same end times, durations and latency percentiles', async () => {
    const opened = async (name: string, file: string, bytes: Buffer) => {
      const b = path.join(root, `same-${name}`);
      writeFiles(b, { [file]: bytes });
      const s = await engine.openBundle({ path: b });
      const rows = await queryRows(conn(s.bundleId), `SELECT span_id, strftime(end_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS end_time, duration_ms FROM spans ORDER BY span_id`);
      const traffic = (await engine.health({ bundleId: s.bundleId })).overall.traffic;
      await engine.closeBundle({ bundleId: s.bundleId });
      return { s, rows, traffic };
    };
    const ch = await opened('clickhouse', 'otel_traces.parquet', read('clickhouse-otel-traces/otel_traces.parquet'));
    const otlp = await opened('otlp', 'traces.json', read('otel-demo__protojson-base64-ids.json'));
    expect(ch.rows).toEqual(otlp.rows);
    expect(ch.rows.find((r) => r['span_id'] === 'ea91ebab8b45dd82')).toEqual({ span_id: 'ea91ebab8b45dd82', end_time: '2023-11-30T07:24:16.912466Z', duration_ms: 4.464 });
    expect({ p50: ch.traffic.p50_ms, p95: ch.traffic.p95_ms, p99: ch.traffic.p99_ms }).toEqual({ p50: otlp.traffic.p50_ms, p95: otlp.traffic.p95_ms, p99: otlp.traffic.p99_ms });
    const end = ch.s.files[0]?.mapping?.find((e) => e.column === 'end_time');
    expect(end).toMatchObject({ source: null, tag: 'generated', note: 'start_time ("Timestamp") + duration_ms ("Duration"): the file has no end time' });
  });

  it('OTLP in protobuf JSON (base64 ids, SPAN_KIND_* names, status code 2) loads the same spans, noting each leniency', async () => {
    const b = path.join(root, 'protojson');
    writeFiles(b, { 'traces.json': read('otel-demo__protojson-base64-ids.json') });
    const s = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ format: 'otlp-json', table: 'spans', rows_read: 5, rows_loaded: 5, rows_rejected: 0 });
    expect(f?.leniency).toEqual([
      '14 values: ids given as base64 (the protobuf JSON mapping) read as lower-case hex',
      '5 values: kind / status.code given as enum names (SPAN_KIND_SERVER, STATUS_CODE_ERROR) read as SERVER, ERROR',
    ]);
    expect(await spanRows(s.bundleId)).toEqual(DEMO_SPANS);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('an mlflow-export-import bulk export with its own manifest.json: unverified (foreign manifest), never altered; no NULL model_version', async () => {
    const s = await engine.openBundle({ path: path.join(EXTERNAL, 'mlflow-export-import-bulk-models') });
    expect(s.integrity.state).toBe('unverified');
    expect(s.integrity.problems).toEqual([]);
    expect(s.foreign_manifest).toMatch(/^manifest\.json is not an Audit Desk manifest \(it looks like mlflow-export-import's, written by export_models\.py\)/);
    expect(s.files.find((f) => f.path === 'manifest.json')).toMatchObject({ format: 'other', status: 'ok' });
    expect(s.files.find((f) => f.path === 'models/models.json')).toMatchObject({ format: 'other', table: null, rows_loaded: 0 });
    expect(s.files.filter((f) => f.format === 'mlflow-model').map((f) => [f.path, f.rows_loaded])).toEqual([
      ['models/sklearn_iris/model.json', 1],
      ['models/sklearn_wine/model.json', 1],
    ]);
    expect(await queryRows(conn(s.bundleId), `SELECT count(*)::INTEGER AS n, count(model_version)::INTEGER AS named FROM model_versions`)).toEqual([{ n: 2, named: 2 }]);
    expect(s.period.start).not.toBeNull();
    expect(s.open_problems).toEqual([]);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('spans.json holding OTel JS ReadableSpan-like objects: ids from spanContext.traceId / spanId (documented aliases), times from [seconds, nanos]', async () => {
    const b = path.join(root, 'readable');
    const spans = [
      { name: 'GET /', kind: 1, spanContext: { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 }, startTime: [1544712660, 0], endTime: [1544712661, 0], status: { code: 0 } },
      { name: 'db', kind: 2, spanContext: { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b175', traceFlags: 1 }, parentSpanId: 'eee19b7ec3c1b174', startTime: [1544712660, 5e8], endTime: [1544712660, 9e8], status: { code: 2, message: 'timeout' } },
    ];
    writeFiles(b, { 'spans.json': JSON.stringify(spans) });
    const s = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ table: 'spans', rows_loaded: 2, rows_rejected: 0 });
    const m = Object.fromEntries((f?.mapping ?? []).map((e) => [e.column, [e.source, e.tag]]));
    expect(m).toMatchObject({
      trace_id: ['spanContext.traceId', 'inferred'],
      span_id: ['spanContext.spanId', 'inferred'],
      parent_span_id: ['parentSpanId', 'inferred'],
      start_time: ['startTime', 'inferred'],
      status_code: ['status.code', 'inferred'],
      status_message: ['status.message', 'inferred'],
      kind: [null, 'absent'],
    });
    expect(
      await queryRows(
        conn(s.bundleId),
        `SELECT trace_id, span_id, parent_span_id AS parent, strftime(start_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS st, strftime(end_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS et, kind, kind_source, status_code, status_message FROM spans ORDER BY span_id`,
      ),
    ).toEqual([
      { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7ec3c1b174', parent: null, st: '2018-12-13T14:51:00.000000Z', et: '2018-12-13T14:51:01.000000Z', kind: null, kind_source: 1, status_code: 'UNSET', status_message: null },
      { trace_id: '5b8efff798038103d269b633813fc60c', span_id: 'eee19b7ec3c1b175', parent: 'eee19b7ec3c1b174', st: '2018-12-13T14:51:00.500000Z', et: '2018-12-13T14:51:00.900000Z', kind: null, kind_source: 2, status_code: 'ERROR', status_message: 'timeout' },
    ]);
    expect(f?.leniency?.some((l) => l.startsWith('status_code: 2 values read leniently'))).toBe(true);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('OTel JS ConsoleSpanExporter objects saved as JSON Lines (traceId, id, parentId, timestamp and duration in µs)', async () => {
    const b = path.join(root, 'console');
    writeFiles(b, {
      'spans.jsonl': jsonl([
        { traceId: '5b8efff798038103d269b633813fc60c', parentId: undefined, name: 'GET /', id: 'eee19b7ec3c1b174', kind: 1, timestamp: 1544712660000000, duration: 1000000, attributes: { 'http.method': 'GET' }, status: { code: 0 } },
        { traceId: '5b8efff798038103d269b633813fc60c', parentId: 'eee19b7ec3c1b174', name: 'db', id: 'eee19b7ec3c1b175', kind: 2, timestamp: 1544712660500000, duration: 400000, attributes: {}, status: { code: 2 } },
      ]),
    });
    const s = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ table: 'spans', rows_loaded: 2 });
    expect(f?.mapping?.find((e) => e.column === 'duration_ms')?.note).toMatch(/^from "duration" in microseconds/);
    expect(
      await queryRows(conn(s.bundleId), `SELECT span_id, parent_span_id AS parent, strftime(start_time, '%Y-%m-%dT%H:%M:%S.%fZ') AS st, duration_ms, status_code FROM spans ORDER BY span_id`),
    ).toEqual([
      { span_id: 'eee19b7ec3c1b174', parent: null, st: '2018-12-13T14:51:00.000000Z', duration_ms: 1000, status_code: 'UNSET' },
      { span_id: 'eee19b7ec3c1b175', parent: 'eee19b7ec3c1b174', st: '2018-12-13T14:51:00.500000Z', duration_ms: 400, status_code: 'ERROR' },
    ]);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('a spans file whose columns cannot fill trace_id and span_id is not loaded as NULL spans: an extra table, the reason, and every analysis agrees', async () => {
    const b = path.join(root, 'unmappable');
    writeFiles(b, { 'spans.jsonl': jsonl([{ Identifier: 'a1', TraceRef: 'x', name: 'GET /', when: '2026-01-01T00:00:00Z' }, { Identifier: 'a2', TraceRef: 'x', name: 'db', when: '2026-01-01T00:00:01Z' }]) });
    const s = await engine.openBundle({ path: b });
    const f = s.files[0];
    expect(f).toMatchObject({ table: 'extra_spans', rows_loaded: 2 });
    expect(f?.not_loaded_as).toEqual({
      table: 'spans',
      reason: 'spans: no trace_id, span_id — has TraceRef; map them with --map spans.trace_id=TraceRef (or "map" in manifest.json); the rows are kept as an extra table',
    });
    expect(s.open_problems).toContain(`spans.jsonl: not loaded into spans — ${f?.not_loaded_as?.reason}`);
    expect(s.tables.find((t) => t.name === 'spans')?.rows).toBe(0);
    const health = await engine.health({ bundleId: s.bundleId });
    const posture = await engine.posture({ bundleId: s.bundleId });
    expect(health.overall.traffic.spans).toBe(0);
    expect(posture.traceability.find((t) => t.table === 'spans')?.total ?? 0).toBe(0);
    // The auditor's mapping makes the same file load.
    await engine.closeBundle({ bundleId: s.bundleId });
    const again = await engine.openBundle({ path: b, mapping: { spans: { trace_id: 'TraceRef', span_id: 'Identifier' } } });
    expect(again.files[0]).toMatchObject({ table: 'spans', rows_loaded: 2 });
    expect(again.files[0]?.mapping?.find((e) => e.column === 'span_id')).toMatchObject({ source: 'Identifier', tag: 'auditor' });
    expect(again.files[0]?.mapping?.find((e) => e.column === 'start_time')).toMatchObject({ tag: 'absent' });
    await engine.closeBundle({ bundleId: again.bundleId });
  });

  it('a declared map and the auditor map PascalCase columns; a declaration beats the auditor, and a column the file lacks never wins', async () => {
    const b = path.join(root, 'declared');
    writeFiles(b, {
      'events.jsonl': jsonl([
        { Ident: 'e1', When: '2026-01-02T03:04:05Z', Other: '2026-05-05T00:00:00Z', release: 'r1' },
        { Ident: 'e2', When: '2026-01-03T03:04:05Z', Other: '2026-05-06T00:00:00Z', release: 'r1' },
      ]),
      'manifest.json': JSON.stringify({ format_version: '1.0', files: [{ path: 'events.jsonl', table: 'deployment_events', map: { ts: 'When', event_id: 'Ident' } }] }),
    });
    const s = await engine.openBundle({ path: b, mapping: { deployment_events: { ts: 'Other', release_id: 'release' } } });
    const m = s.files.find((f) => f.path === 'events.jsonl')?.mapping ?? [];
    expect(m.find((e) => e.column === 'ts')).toMatchObject({ source: 'When', tag: 'declared' });
    expect(m.find((e) => e.column === 'ts')?.note).toMatch(/overridden by manifest\.json/);
    expect(m.find((e) => e.column === 'release_id')).toMatchObject({ source: 'release', tag: 'auditor' });
    expect(m.find((e) => e.column === 'event_id')).toMatchObject({ source: 'Ident', tag: 'declared' });
    expect(await queryRows(conn(s.bundleId), `SELECT event_id, ts, release_id, "Other" FROM deployment_events ORDER BY 1`)).toEqual([
      { event_id: 'e1', ts: '2026-01-02T03:04:05.000Z', release_id: 'r1', Other: '2026-05-05T00:00:00Z' },
      { event_id: 'e2', ts: '2026-01-03T03:04:05.000Z', release_id: 'r1', Other: '2026-05-06T00:00:00Z' },
    ]);
    expect(s.tables.find((t) => t.name === 'deployment_events')?.mapping?.find((e) => e.column === 'ts')).toMatchObject({ tag: 'declared' });
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('a broken folder (a .txt and a corrupt Parquet) says so: no row loaded, each file reason in full', async () => {
    const b = path.join(root, 'broken');
    writeFiles(b, { 'notes.txt': 'hello', 'records.parquet': 'PAR1 this is not really parquet' });
    const s = await engine.openBundle({ path: b });
    expect(s.open_problems[0]).toBe('No data row was loaded from the 1 data file of this bundle.');
    expect(s.open_problems.some((p) => p.startsWith('records.parquet: '))).toBe(true);
    await engine.closeBundle({ bundleId: s.bundleId });
  });
});
