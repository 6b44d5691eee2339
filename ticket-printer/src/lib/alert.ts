/**
 * The phone's "you are called" signal. Browsers allow sound only after a tap
 * on the page, so the page asks once ("turn on sound alert") and keeps the
 * unlocked AudioContext; vibration needs no permission where it exists.
 */
export class CallAlert {
  private context: AudioContext | null = null;

  get soundEnabled(): boolean {
    return this.context !== null;
  }

  async enableSound(): Promise<void> {
    this.context ??= new AudioContext();
    await this.context.resume();
  }

  ring(): void {
    navigator.vibrate?.([400, 200, 400, 200, 400]);
    const context = this.context;
    if (!context) return;
    // Three rising tones: distinct from a message notification, short enough not to annoy a waiting room.
    [660, 880, 1100].forEach((frequency, index) => {
      const start = context.currentTime + index * 0.25;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.3, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.22);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.23);
    });
  }
}
