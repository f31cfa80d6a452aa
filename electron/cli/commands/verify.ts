import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const verifyCommand: Command = {
  name: 'verify',
  summary: '(not implemented yet)',
  usage: 'auditdesk verify BUNDLE ...',
  async run() {
    return notImplemented('auditdesk verify');
  },
};
