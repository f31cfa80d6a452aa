import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const coverageCommand: Command = {
  name: 'coverage',
  summary: '(not implemented yet)',
  usage: 'auditdesk coverage BUNDLE ...',
  async run() {
    return notImplemented('auditdesk coverage');
  },
};
