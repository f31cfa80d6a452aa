import type { Command } from '../io';
import { notImplemented } from '../../engine/notImplemented';

export const postureCommand: Command = {
  name: 'posture',
  summary: '(not implemented yet)',
  usage: 'auditdesk posture BUNDLE ...',
  async run() {
    return notImplemented('auditdesk posture');
  },
};
