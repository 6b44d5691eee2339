import { describe, expect, it } from 'vitest';
import { ScanDetector } from '../../ticket-printer/src/lib/scanner.js';

/** Feeds keys `gap` ms apart from `start`, and returns what the last key answered. */
function type(detector: ScanDetector, keys: string[], gap: number, start = 1000): string | null {
  let answer: string | null = null;
  keys.forEach((key, index) => (answer = detector.key(key, start + index * gap)));
  return answer;
}
const keys = (text: string) => [...text, 'Enter'];

describe('the kiosk tells a keyboard-wedge scanner from a hand', () => {
  it('six digits and Enter typed fast are a scan', () => {
    expect(type(new ScanDetector(), keys('042917'), 8)).toBe('042917');
  });

  it('the same keys typed at a human pace are not', () => {
    expect(type(new ScanDetector(), keys('042917'), 250)).toBeNull();
  });

  it('a pause inside the burst starts it again: only a fast tail of six counts', () => {
    const detector = new ScanDetector();
    detector.key('9', 0);
    detector.key('9', 50);
    expect(type(detector, keys('123456'), 10, 2000)).toBe('123456');
  });

  it('more than six digits, fewer, or a letter among them is not a code', () => {
    expect(type(new ScanDetector(), keys('1234567'), 5)).toBeNull();
    expect(type(new ScanDetector(), keys('12345'), 5)).toBeNull();
    expect(type(new ScanDetector(), keys('123a456'), 5)).toBeNull();
  });

  it('Enter long after the digits is not a scan, and the detector is ready for the next one', () => {
    const detector = new ScanDetector();
    type(detector, [...'123456'], 5);
    expect(detector.key('Enter', 5000)).toBeNull();
    expect(type(detector, keys('654321'), 5, 9000)).toBe('654321');
  });

  it('Shift sent around the digits by some scanners does not break the burst', () => {
    expect(type(new ScanDetector(), ['Shift', '1', '2', 'Shift', '3', '4', '5', '6', 'Enter'], 5)).toBe('123456');
  });
});
