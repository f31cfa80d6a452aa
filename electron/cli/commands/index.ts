import type { Command } from '../io';
import { demoCommand } from './demo';
import { inspectCommand } from './inspect';
import { sqlCommand } from './sql';
import { driftCommand } from './drift';
import { lineageCommand } from './lineage';
import { coverageCommand } from './coverage';
import { healthCommand } from './health';
import { evalsCommand } from './evals';
import { postureCommand } from './posture';
import { fairnessCommand, performanceCommand } from './performance';
import { reportCommand } from './report';
import { checkCommand } from './check';
import { verifyCommand } from './verify';

/** Every CLI command, in help order. Each lives in its own file. */
export const COMMANDS: Command[] = [
  demoCommand,
  inspectCommand,
  sqlCommand,
  driftCommand,
  lineageCommand,
  coverageCommand,
  evalsCommand,
  healthCommand,
  postureCommand,
  performanceCommand,
  fairnessCommand,
  reportCommand,
  checkCommand,
  verifyCommand,
];
