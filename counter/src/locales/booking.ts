import { bookingEn } from './booking.en.js';
import type { BookingMessages } from './booking.zh.js';
import { bookingZh } from './booking.zh.js';

export type { BookingMessages };

/**
 * The booking texts in the page language. App.svelte sets the document's language from ?lang= before any
 * component renders, so the booking pieces read it there and each is included from the existing views with
 * one line, without a language prop threaded through them.
 */
export function bookingMessages(): BookingMessages {
  return typeof document !== 'undefined' && document.documentElement.lang === 'en' ? bookingEn : bookingZh;
}
