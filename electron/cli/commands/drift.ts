import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const driftCommand: Command = {
  name: 'drift',
  summary: '(not implemented yet)',
  usage: 'auditdesk drift BUNDLE ...',
  async run() {
    return notImplemented('auditdesk drift');
  },
};
