import type { IntegrityMessages } from './integrity.zh.js';
import type { IntegritySignal } from '../lib/integrity.js';

const list = (signal: IntegritySignal) => (signal.tickets ?? []).join(', ');
const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

export const integrityEn: IntegrityMessages = {
  tabStats: 'Figures',
  tabIntegrity: 'Integrity signals',
  tabsLabel: 'Report views',
  title: 'Integrity signals',
  intro: 'Each signal comes from the event log with the events behind it, for checking — it is not a score.',
  from: 'From',
  to: 'To',
  apply: 'Show',
  loading: 'Analysing…',
  badRange: (max) => `Choose a valid range (the end not before the start, at most ${max} days).`,
  none: 'No signals in this range.',
  count: (n) => `${n} signal${n === 1 ? '' : 's'}`,
  windowLabel: (number, name) => `Window ${number} ${name}`,
  unknownClerk: '(no clerk recorded)',
  day: 'Day',
  kinds: {
    'idle-while-waiting': 'Idle while people waited',
    'out-of-order': 'Called out of order',
    'transfer-bounced': 'Transfer bounced back',
    'quick-no-show': 'Quick no-show',
    'short-service': 'Very short services',
    'rating-burst': 'Ratings in a burst',
    'rating-all-top': 'Suspiciously all "very satisfied"',
    'pause-over-limit': 'Paused too long',
  },
  explain: (signal, c) => {
    const during = c.span ? ` from ${c.span.replace('–', ' to ')}` : '';
    const n = signal.tickets?.length ?? 0;
    switch (signal.kind) {
      case 'idle-while-waiting':
        return `${c.who} was idle for ${signal.amount} min${during} while ${n} people waited for its services`;
      case 'out-of-order':
        return n > 0 ? `${c.who} called by number out of order ${times(signal.amount)}, passing over ${list(signal)}` : `${c.who} called by number out of order ${times(signal.amount)}`;
      case 'transfer-bounced':
        return `${c.who} sent ${list(signal)} back where it came from (${times(signal.amount)})`;
      case 'quick-no-show':
        return `${c.who} marked ${signal.amount} no-show(s) within ${c.thresholds.quickNoShowSeconds} s of the call: ${list(signal)}`;
      case 'short-service':
        return `${c.who} had ${signal.amount} services under ${Math.round(c.thresholds.shortServiceShare * 100)}% of the service's norm: ${list(signal)}`;
      case 'rating-burst':
        return `${c.who} had ${signal.amount} ratings entered in a burst${during}`;
      case 'rating-all-top':
        return `${c.who}: ${signal.amount}% of ${signal.evidenceTotal} ratings that day were "very satisfied"`;
      case 'pause-over-limit':
        return `${c.who} was paused for ${signal.amount} min that day, over ${signal.threshold} min`;
    }
  },
  threshold: (signal) => (signal.unit === 'minutes' ? `threshold ${signal.threshold} min` : signal.unit === 'percent' ? `threshold ${signal.threshold}%` : `threshold ${signal.threshold}`),
  evidence: (shown, total) => (shown < total ? `Evidence (${shown} of ${total} events shown)` : `Evidence (${total} events)`),
  openEvent: (seq) => `Show event #${seq}`,
  eventFailed: 'Could not read the event; please retry.',
  types: {
    'ticket:issued': 'issued',
    'ticket:called': 'called',
    'ticket:recalled': 'recalled',
    'ticket:no-show': 'no-show',
    'ticket:finished': 'finished',
    'ticket:transferred': 'transferred',
    'ticket:rated': 'rated',
    'ticket:cancelled': 'cancelled',
    'ticket:expired': 'expired',
    'window:opened': 'window opened',
    'window:paused': 'paused',
    'window:resumed': 'resumed',
    'window:closed': 'window closed',
    'window:taken-over': 'taken over',
    'hall:configured': 'configuration changed',
    'hall:day-closed': 'day closed',
  },
  csvTitle: 'Monthly export',
  csvMonth: 'Month',
  csvDownload: "Download the month's signals (CSV)",
  downloadFailed: 'The download failed; please retry.',
  thresholdsTitle: 'Thresholds',
  thresholdsHint: 'Leave a field empty for the default (in brackets).',
  thresholdsReadOnly: 'Only administrators may change the thresholds.',
  fields: {
    idleMinutes: 'Idle while people wait (min) ≥',
    quickNoShowSeconds: 'No-show within (s) of the call <',
    shortServiceShare: 'Service under this share of its norm (0–1) <',
    shortServiceCount: 'Short services a day ≥',
    ratingBurstCount: 'Ratings in a burst ≥',
    ratingBurstSeconds: 'Burst time window (s)',
    allTopShare: 'Share of "very satisfied" (0–1) ≥',
    allTopMinRatings: 'Fewest ratings for the share',
    pauseMinutesPerDay: 'Paused a day (min) >',
  },
  save: 'Save thresholds',
  saving: 'Saving…',
  saved: 'Thresholds saved.',
};
