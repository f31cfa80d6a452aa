import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const checkCommand: Command = {
  name: 'check',
  summary: '(not implemented yet)',
  usage: 'auditdesk check BUNDLE ...',
  async run() {
    return notImplemented('auditdesk check');
  },
};
