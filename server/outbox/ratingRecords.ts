import type { HallEvent } from '../protocol/events.js';
import type { HallState, Ticket } from '../protocol/model.js';
import { type RatingExportRecord, makesRatingRecord, ratingRecordOf } from '../protocol/ratingExport.js';
import type { KnownClerk } from '../protocol/stats.js';
import { Names } from '../stats/names.js';
import type { Store } from '../store/port.js';
import type { OutboxSubscription } from './worker.js';

/** The subscription name of the upload to the provincial 好差评 platform (store records, routes, docs). */
export const RATING_UPLOAD = 'rating-upload';

/**
 * The 好差评 records of some events of a hall (protocol/ratingExport.ts), named as the hall names
 * things now: services and windows by its configuration, clerks by the live windows and the
 * accounts (工号 is the account's). A case step is completed from the case the hall holds and the
 * ticket it rates. Shared by the upload and the export, so both say the same.
 */
export async function ratingRecords(store: Pick<Store, 'halls' | 'accounts'>, state: HallState, events: readonly HallEvent[]): Promise<Array<{ seq: number; record: RatingExportRecord }>> {
  const rated = events.filter((event) => makesRatingRecord(event));
  if (rated.length === 0) return [];
  const names = new Names(state.config, await knownClerks(store));
  names.learnLive(state.windows);
  const tickets = new Map<string, Ticket>();
  for (const event of rated) {
    if (event.type === 'ticket:rated') continue;
    const id = event.type === 'rating-case:opened' ? event.case.ticketId : (event as { caseId: string }).caseId;
    if (tickets.has(id)) continue;
    const live = state.tickets.get(id);
    const found = live ?? (await store.halls.getTicket(id))?.ticket;
    if (found) tickets.set(id, found);
  }
  const hallId = state.config.id;
  const context = {
    hallId,
    hallName: state.config.name,
    timeZone: state.config.timeZone,
    service: (id: string) => names.service(id),
    window: (id: string) => names.window(id),
    clerk: (id: string) => (names.hasClerk(id) ? names.clerk(id) : undefined),
    ratingCase: (id: string) => state.ratingCases?.[id],
    ticket: (id: string) => tickets.get(id),
  };
  const records: Array<{ seq: number; record: RatingExportRecord }> = [];
  for (const event of rated) {
    const record = ratingRecordOf(event, context);
    if (record) records.push({ seq: event.seq, record });
  }
  return records;
}

async function knownClerks(store: Pick<Store, 'accounts'>): Promise<Record<string, KnownClerk>> {
  const clerks: Record<string, KnownClerk> = {};
  for (const user of await store.accounts.listUsers()) {
    clerks[user.id] = { name: user.displayName, ...(user.staffNo !== undefined ? { staffNo: user.staffNo } : {}) };
  }
  return clerks;
}

/** The 好差评 upload as an outbox subscription: every rating and case step, as its record. */
export function ratingUploadSubscription(store: Pick<Store, 'halls' | 'accounts'>): OutboxSubscription {
  return {
    name: RATING_UPLOAD,
    accepts: makesRatingRecord,
    async payloads(hallId, events) {
      const state = await store.halls.loadHall(hallId);
      if (!state) return new Map();
      return new Map((await ratingRecords(store, state, events)).map(({ seq, record }) => [seq, record]));
    },
  };
}
