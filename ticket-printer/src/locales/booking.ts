import { bookingEn } from './booking.en.js';
import { type BookingMessages, bookingZh } from './booking.zh.js';
import type { Lang } from './index.js';

export type { BookingMessages };

export function bookingMessagesFor(lang: Lang): BookingMessages {
  return lang === 'en' ? bookingEn : bookingZh;
}
