import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const sqlCommand: Command = {
  name: 'sql',
  summary: '(not implemented yet)',
  usage: 'auditdesk sql BUNDLE ...',
  async run() {
    return notImplemented('auditdesk sql');
  },
};
