/**
 * A keyboard-wedge scanner (USB or camera) "types" what the QR code holds and presses Enter, much
 * faster than a hand can. A burst of exactly `length` digits, each within `maxGapMs` of the one
 * before, ended by Enter within `maxGapMs`, is a scan; anything slower or longer is not, so a
 * keyboard left on a kiosk cannot check anyone in by accident.
 */
export const SCAN_MAX_GAP_MS = 100;

export class ScanDetector {
  private buffer = '';
  private last = Number.NEGATIVE_INFINITY;
  private broken = false;

  constructor(
    private readonly length = 6,
    private readonly maxGapMs = SCAN_MAX_GAP_MS,
  ) {}

  /** One key (KeyboardEvent.key) at `at` ms (its timeStamp); the scanned code when this Enter ends a scan. */
  key(key: string, at: number): string | null {
    const fast = at - this.last <= this.maxGapMs;
    if (key === 'Enter') {
      const scanned = fast && !this.broken && this.buffer.length === this.length ? this.buffer : null;
      this.reset();
      return scanned;
    }
    if (/^[0-9]$/.test(key)) {
      // A pause starts a new burst: what came before was typed, not scanned.
      if (!fast) {
        this.buffer = '';
        this.broken = false;
      }
      this.buffer += key;
      if (this.buffer.length > this.length) this.broken = true;
      this.last = at;
      return null;
    }
    // Shift and the like are sent by some scanners around the digits; any other key ends the burst.
    if (key !== 'Shift') this.reset();
    return null;
  }

  reset(): void {
    this.buffer = '';
    this.last = Number.NEGATIVE_INFINITY;
    this.broken = false;
  }
}
