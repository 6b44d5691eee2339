import { StoreError, type VoiceClipRecord } from './port.js';

/**
 * What both stores check of a putClips batch before writing any of it, so that a refused batch
 * leaves the pack as it was: a name given twice is a StoreError('DUPLICATE') (which of the two
 * would win is nobody's intent), anything malformed a TypeError (the caller's bug: uploads are
 * checked in server/voice before they get here).
 */
export function checkClipBatch(clips: ReadonlyArray<Omit<VoiceClipRecord, 'hallId' | 'lang'>>): void {
  const names = new Set<string>();
  for (const clip of clips) {
    if (typeof clip.name !== 'string' || clip.name === '') throw new TypeError('a voice clip needs a name');
    if (names.has(clip.name)) throw new StoreError('DUPLICATE', `voice clip ${clip.name} is given twice in one batch`);
    names.add(clip.name);
    if (!Buffer.isBuffer(clip.wav) || clip.wav.length === 0) throw new TypeError(`voice clip ${clip.name} has no audio`);
    if (!Number.isSafeInteger(clip.durationMs) || clip.durationMs < 0) throw new TypeError(`voice clip ${clip.name} has no valid duration`);
    if (!Number.isSafeInteger(clip.updatedAt)) throw new TypeError(`voice clip ${clip.name} has no valid time`);
  }
}
