import type { VoiceStore } from './port.js';

/** Placeholder of the contract commit for issue 17: the voice-pack helper replaces it with the real SQLite and Redis stores and deletes this file. */
export function pendingVoiceStore(): VoiceStore {
  const refuse = (): never => {
    throw new Error('voice packs are not stored yet (issue 17 in progress)');
  };
  return { listClips: async () => [], getClip: async () => null, putClips: async () => refuse(), deleteClips: async () => refuse() };
}
