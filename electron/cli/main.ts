import type { CliIO, Command } from './io';
import { formatError, safeIO, UsageError } from './io';
import { COMMANDS } from './commands';
import { setCliEngineLimits, type CliEngineLimits } from './engineForCli';

function help(): string {
  const lines = ['auditdesk — audit ML and LLM systems from an export bundle, offline.', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.usage}\n      ${c.summary}`);
  lines.push(
    '',
    'global options (any position):',
    '  --memory-limit SIZE   DuckDB memory limit, e.g. 2GB or 512MiB (default 60% of free memory; also AUDITDESK_MEMORY_LIMIT);',
    '                        above it DuckDB spills to disk under the data directory',
    '  --threads N           DuckDB worker threads (default: all cores)',
    '',
    'Exit codes: 0 ok, 1 check or verify failed, 2 error.',
  );
  return lines.join('\n');
}

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** Takes the global options out of argv (before or after the command), validated. */
export function extractGlobalOptions(argv: string[]): { argv: string[]; limits: CliEngineLimits } {
  const out: string[] = [];
  const limits: CliEngineLimits = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--(memory-limit|threads)(?:=(.*))?$/.exec(a);
    if (!m) {
      out.push(a);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`);
    if (m[1] === 'memory-limit') {
      if (!SIZE.test(value.trim())) throw new UsageError(`--memory-limit expects a size such as 2GB or 512MiB, got "${value}"`);
      limits.memoryLimit = value.trim();
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`--threads expects an integer from 1 to 1024, got "${value}"`);
      limits.threads = n;
    }
  }
  const env = process.env['AUDITDESK_MEMORY_LIMIT'];
  if (limits.memoryLimit === undefined && env !== undefined && env.trim() !== '') {
    // Checked here, naming the variable: DuckDB would only say "Failed to set config".
    if (!SIZE.test(env.trim())) throw new UsageError(`the environment variable AUDITDESK_MEMORY_LIMIT expects a size such as 2GB or 512MiB, got "${env}"`);
    limits.memoryLimit = env.trim();
  }
  return { argv: out, limits };
}

export async function runCli(rawArgv: string[], rawIO: CliIO): Promise<number> {
  const io = safeIO(rawIO);
  let argv: string[];
  try {
    const g = extractGlobalOptions(rawArgv);
    argv = g.argv;
    setCliEngineLimits(g.limits);
  } catch (e) {
    io.err(formatError(e));
    return 2;
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 2;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`error: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    io.err(formatError(e));
    if (e instanceof UsageError) io.err(`usage: ${command.usage}`);
    return 2;
  }
}

export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  });
  process.exitCode = code;
}
