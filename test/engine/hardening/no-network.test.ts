import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmDir, tempDir } from './helpers';

const STRACE = '/usr/bin/strace';
const SCRIPT = path.join(__dirname, 'netSession.ts');
const ROOT = path.join(__dirname, '..', '..', '..');

interface SessionOut {
  ran: string[];
  failed: { call: string; error: string }[];
  newBesideBundle: string[];
}

/** Runs a session script in a child process under `strace -f`; returns its last stdout line (JSON) and the log. */
function underStrace(script: string, work: string, calls: string): { out: unknown; log: string } {
  const logFile = path.join(work, 'strace.log');
  const r = spawnSync(STRACE, ['-f', '-qq', '-e', `trace=${calls}`, '-o', logFile, process.execPath, '--import', 'tsx', script, work], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${path.basename(script)} failed (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(0, 2000)}`);
  return { out: JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as unknown, log: fs.readFileSync(logFile, 'utf8') };
}

/** Address families of every socket() and connect() in an strace log (all processes, all threads). */
function socketFamilies(log: string): { calls: string[]; families: string[] } {
  const calls = log.split('\n').filter((l) => /\b(socket|connect)\(/.test(l));
  const families = new Set<string>();
  for (const l of calls) {
    const m = /\b(?:socket\(|sa_family=)(AF_[A-Z0-9]+|PF_[A-Z0-9]+|\d+)/.exec(l);
    families.add(m ? (m[1] as string).replace(/^PF_/, 'AF_') : `unparsed: ${l.trim()}`);
  }
  return { calls, families: [...families].sort() };
}

/**
 * No network at runtime: a realistic engine session (demo bundle, import, every analysis, console SQL
 * including a refused URL read, report preview) runs in a child process under strace, which records
 * every socket() and connect(). Only local (AF_UNIX) sockets may appear.
 */
describe.skipIf(!fs.existsSync(STRACE))('no network at runtime (strace; skipped when /usr/bin/strace is absent)', () => {
  let work: string;
  let log = '';
  let out: SessionOut = { ran: [], failed: [], newBesideBundle: [] };

  beforeAll(() => {
    work = tempDir('hard-net');
    const r = underStrace(SCRIPT, work, 'socket,connect');
    out = r.out as SessionOut;
    log = r.log;
  }, 300_000);
  afterAll(() => rmDir(work));

  it('the session really ran: import, analyses and SQL (calls not implemented yet are listed, not fatal)', () => {
    expect(out.ran).toEqual(expect.arrayContaining(['generateDemoBundle', 'openBundle', 'runSql', 'runSql refused (httpfs URL)', 'closeBundle']));
    // Which calls ran is part of the proof; print it for the record.
    console.info(`no-network session ran: ${out.ran.join(', ')}${out.failed.length ? `; failed: ${out.failed.map((f) => `${f.call} (${f.error})`).join('; ')}` : ''}`);
    expect(log.length, 'strace wrote its log').toBeGreaterThan(0);
    expect(out.newBesideBundle, 'nothing written next to the bundle (the engine writes only under dataDir)').toEqual([]);
  });

  it('opened no AF_INET / AF_INET6 socket and made no network connect (AF_UNIX only)', () => {
    const { calls, families } = socketFamilies(log);
    console.info(`socket families seen: ${families.join(', ') || 'none'} (${calls.length} socket/connect calls)`);
    expect(families.filter((f) => f !== 'AF_UNIX'), calls.join('\n')).toEqual([]);
  });

  it('the log parser recognises network families (so the check above can fail)', () => {
    const sample = [
      '123 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 21',
      '123 connect(21, {sa_family=AF_INET6, sin6_port=htons(443), ...}, 28) = -1 ENETUNREACH',
      '124 socket(AF_UNIX, SOCK_STREAM, 0) = 3',
    ].join('\n');
    expect(socketFamilies(sample).families).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
  });
});

const PRINT_SCRIPT = path.join(__dirname, 'printSession.ts');
/**
 * Chromium's IPv6 reachability probe: a UDP socket connect()ed to a public address so the kernel picks a
 * route; connect() on UDP sends no packet and the probe never sends on it. It is the only inet connect allowed.
 */
const ROUTE_PROBE = /connect\(\d+, \{sa_family=AF_INET6, sin6_port=htons\(443\), .*inet_pton\(AF_INET6, "2001:4860:4860::8888"/;

/** Network traffic in an strace log of socket/connect/sendto/sendmsg: what could put a packet on the wire. */
function networkTraffic(log: string): { streams: string[]; dns: string[]; connects: string[]; sends: string[] } {
  const lines = log.split('\n');
  return {
    streams: lines.filter((l) => /socket\(AF_INET6?, SOCK_STREAM/.test(l)),
    dns: lines.filter((l) => /sin6?_port=htons\(53\)/.test(l)),
    connects: lines.filter((l) => /connect\(\d+, \{sa_family=AF_INET6?\b/.test(l) && !ROUTE_PROBE.test(l)),
    sends: lines.filter((l) => /send(to|msg|mmsg)\(.*sa_family=AF_INET6?\b/.test(l) || /msg_name=\{sa_family=AF_INET6?\b/.test(l)),
  };
}

/**
 * The report printer (headless Chromium, the CLI's and tests' printer) under strace: it used to resolve
 * hosts (DNS queries to the configured resolver, among them a Google accounts host) while printing.
 */
describe.skipIf(!fs.existsSync(STRACE) || !fs.existsSync(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'))('no network while printing the report (strace; skipped without strace or Chromium)', () => {
  let work: string;
  let log = '';
  let out = { pages: 0, bytes: 0 };

  beforeAll(() => {
    work = tempDir('hard-net-print');
    const r = underStrace(PRINT_SCRIPT, work, 'socket,connect,sendto,sendmsg,sendmmsg');
    out = r.out as typeof out;
    log = r.log;
  }, 300_000);
  afterAll(() => rmDir(work));

  it('printed a real report', () => {
    expect(out.pages).toBeGreaterThan(1);
    expect(log.length).toBeGreaterThan(0);
  });

  it('made no DNS query, opened no TCP socket, connected nowhere but the route probe and sent nothing to an inet address', () => {
    const t = networkTraffic(log);
    expect(t.dns, 'DNS queries').toEqual([]);
    expect(t.streams, 'TCP sockets').toEqual([]);
    expect(t.connects, 'inet connects').toEqual([]);
    expect(t.sends, 'inet sends').toEqual([]);
  });

  it('the traffic parser recognises DNS, TCP and inet sends (so the check above can fail)', () => {
    const sample = [
      '1 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 21',
      '1 connect(103, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
      '1 sendto(7, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16) = 1',
      '1 connect(18, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
    ].join('\n');
    const t = networkTraffic(sample);
    expect([t.streams.length, t.dns.length, t.connects.length, t.sends.length]).toEqual([1, 1, 1, 1]);
  });
});
