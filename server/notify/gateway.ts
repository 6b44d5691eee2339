import type { NotifyKind } from './store.js';

/** One text message to a citizen, as the notifier hands it to a gateway. */
export interface NotifyMessage {
  /** Stable per ticket and kind (a hash: the ticket id is the e-ticket link), for a gateway's own de-duplication. */
  id: string;
  hallId: string;
  kind: NotifyKind;
  /** The mainland mobile number. */
  phone: string;
  /** The ticket number, e.g. A012. */
  number: string;
  /** The window's number when called, '' otherwise. */
  window: string;
  /** People ahead (for "ahead"; 0 when called). */
  ahead: number;
  /** The whole message in Chinese, for gateways that take free text. */
  text: string;
}

export interface SendResult {
  ok: boolean;
  error?: string;
}

/** Where messages go: an SMS gateway over HTTP, or the server log. */
export interface NotifyGateway {
  readonly kind: string;
  send(message: NotifyMessage, signal: AbortSignal): Promise<SendResult>;
}
