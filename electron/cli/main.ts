import type { CliIO, Command } from './io';
import { formatError, UsageError } from './io';
import { COMMANDS } from './commands';

function help(): string {
  const lines = ['auditdesk — audit ML and LLM systems from an export bundle, offline.', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.usage}\n      ${c.summary}`);
  lines.push('', 'Exit codes: 0 ok, 1 check or verify failed, 2 error.');
  return lines.join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
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
