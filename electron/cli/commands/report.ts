import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const reportCommand: Command = {
  name: 'report',
  summary: '(not implemented yet)',
  usage: 'auditdesk report BUNDLE ...',
  async run() {
    return notImplemented('auditdesk report');
  },
};
