import type { Command } from '../io';
import { demoCommand } from './demo';
import { inspectCommand } from './inspect';

/** Every CLI command; modules add theirs here. */
export const COMMANDS: Command[] = [demoCommand, inspectCommand];
