import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const lineageCommand: Command = {
  name: 'lineage',
  summary: '(not implemented yet)',
  usage: 'auditdesk lineage BUNDLE ...',
  async run() {
    return notImplemented('auditdesk lineage');
  },
};
