import type { Logger } from 'pino';
import { maskPhone } from '../protocol/rules/personalData.js';
import type { NotifyGateway, NotifyMessage, SendResult } from './gateway.js';

/** Messages written to the server log instead of sent (trying the settings out, or no gateway yet); the number masked. */
export function logGateway(log: Logger): NotifyGateway {
  return {
    kind: 'log',
    async send(message: NotifyMessage): Promise<SendResult> {
      log.info({ hallId: message.hallId, kind: message.kind, phone: maskPhone(message.phone), number: message.number, window: message.window, ahead: message.ahead }, `notify: ${message.text}`);
      return { ok: true };
    },
  };
}
