/**
 * The one definition of how HallQ recognises and masks the personal data citizens give it (a 差评's
 * follow-up number, a booking's name and number, a 无声叫号 number): every list, event and answer for
 * staff masks with these, and every form (server schemas and the apps' own checks) accepts the same
 * numbers, so a page never lets through what the server refuses.
 */

/** Mainland mobile numbers: 11 digits, 1 then 3–9 (no number range starts 10, 11 or 12). */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

/** The last 6 characters of a resident ID card number: digits, the last may be X. */
export const ID_TAIL_PATTERN = /^\d{5}[\dXx]$/;

/** 13812345678 → 138****5678: enough for a clerk to match a caller, not enough to call them. */
export function maskPhone(phone: string): string {
  // Masking twice gives the same (the event log keeps 无声叫号 numbers masked, and staff views mask what they read).
  if (phone.includes('*')) return phone;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***; a single character stays masked as *. */
export function maskName(name: string): string {
  const characters = [...name.trim()];
  if (characters.length <= 1) return '*';
  return characters[0] + '*'.repeat(characters.length - 1);
}
