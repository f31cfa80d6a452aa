import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const healthCommand: Command = {
  name: 'health',
  summary: '(not implemented yet)',
  usage: 'auditdesk health BUNDLE ...',
  async run() {
    return notImplemented('auditdesk health');
  },
};
