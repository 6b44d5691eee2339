/**
 * Which voice a board tries for a phrase, and which it reports using, from the
 * hall's order of `voice.sources` (docs/voice.md). 'pack' and 'synthesis' are
 * both the server's audio: the server picks per word, the board fetches once.
 */
import type { VoiceSource } from '../../../server/protocol/voice.js';

export type VoiceWay = 'server' | 'browser';

/** The hall's order as the ways the board tries, each once: ['pack', 'synthesis', 'browser'] → ['server', 'browser']. */
export function voiceChain(order: readonly VoiceSource[]): VoiceWay[] {
  const chain: VoiceWay[] = [];
  for (const source of order) {
    const way: VoiceWay = source === 'browser' ? 'browser' : 'server';
    if (!chain.includes(way)) chain.push(way);
  }
  return chain;
}

export interface VoiceHealth {
  /** The server's audio as last seen: 'unknown' before the first answer. */
  server: { state: 'unknown' | 'ok' | 'failed'; source: 'pack' | 'synthesis' };
  /** Whether the page has a browser voice that may say the page's language. */
  browser: boolean;
}

/**
 * The source a board uses now: the first of the hall's order that works; null when none does;
 * undefined while the server's audio, which comes first, has not answered yet.
 */
export function sourceInUse(order: readonly VoiceSource[], health: VoiceHealth): VoiceSource | null | undefined {
  for (const way of voiceChain(order)) {
    if (way === 'browser' && health.browser) return 'browser';
    if (way === 'server') {
      if (health.server.state === 'unknown') return undefined;
      if (health.server.state === 'ok') return health.server.source;
    }
  }
  return null;
}
