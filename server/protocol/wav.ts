/**
 * The one WAV layout HallQ writes (docs/voice.md): 16-bit mono PCM behind the canonical 44-byte
 * RIFF header. The server stores and assembles clips in it and the admin page's recorder sends it,
 * so both write it with this function. Pure (no Buffer, no Web Audio): it runs in Node and in a page.
 */

export const WAV_HEADER_BYTES = 44;

/** A 16-bit mono PCM WAV of `samples` at `sampleRate`. */
export function wavPcm16(samples: Int16Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError(`sample rate ${sampleRate} is not a positive integer`);
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(WAV_HEADER_BYTES + i * 2, samples[i]!, true);
  return bytes;
}
