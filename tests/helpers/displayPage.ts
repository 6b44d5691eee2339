/**
 * Helpers for driving the display app (/display) in Chromium: a fake
 * `speechSynthesis` that records what the board says (or none at all), and
 * small REST helpers for the staff side of a test.
 */
import type { Page } from 'playwright-core';

/** One utterance the fake engine spoke, with page-clock times (Date.now()). */
export interface FakeUtterance {
  text: string;
  lang: string;
  /** When speak() was called. */
  calledAt: number;
  /** When the fake engine started saying it (later than calledAt only if the page queued on the engine). */
  startedAt: number;
  endedAt?: number;
}

export interface FakeSpeechLog {
  spoken: FakeUtterance[];
  /** speak() calls that came while another utterance was still being spoken. */
  speakWhileBusy: number;
  /** cancel() calls: each would cut off whatever was being said. */
  cancels: number;
  /** Empty utterances (the unlock gesture speaks ''), not counted as speech. */
  empty: number;
}

/**
 * Replaces `window.speechSynthesis` before the app loads with an engine that
 * speaks for `speakMs` per utterance, one at a time (like a real engine, it
 * queues a speak() that comes while busy, and counts it), fires `onstart` and
 * `onend`, and records everything in `window.__fakeSpeech`.
 */
export async function installFakeSpeech(page: Page, speakMs = 250): Promise<void> {
  await page.addInitScript((ms: number) => {
    const log = { spoken: [] as unknown[], speakWhileBusy: 0, cancels: 0, empty: 0 };
    const queue: SpeechSynthesisUtterance[] = [];
    let current: SpeechSynthesisUtterance | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      if (current) return;
      const utterance = queue.shift();
      if (!utterance) return;
      current = utterance;
      const record = log.spoken.find((entry) => (entry as { utterance?: unknown }).utterance === utterance) as
        | { startedAt: number; endedAt?: number; utterance?: unknown }
        | undefined;
      if (record) {
        record.startedAt = Date.now();
        delete record.utterance;
      }
      utterance.onstart?.(new Event('start') as SpeechSynthesisEvent);
      timer = setTimeout(() => {
        if (record) record.endedAt = Date.now();
        current = null;
        utterance.onend?.(new Event('end') as SpeechSynthesisEvent);
        next();
      }, ms);
    };
    const fake = {
      get speaking() {
        return current !== null;
      },
      get pending() {
        return queue.length > 0;
      },
      paused: false,
      onvoiceschanged: null,
      getVoices: () => [],
      speak(utterance: SpeechSynthesisUtterance) {
        if (!utterance.text) {
          log.empty++;
          setTimeout(() => utterance.onend?.(new Event('end') as SpeechSynthesisEvent), 0);
          return;
        }
        if (current) log.speakWhileBusy++;
        const now = Date.now();
        log.spoken.push({ text: utterance.text, lang: utterance.lang, calledAt: now, startedAt: now, utterance });
        queue.push(utterance);
        next();
      },
      cancel() {
        log.cancels++;
        clearTimeout(timer);
        queue.length = 0;
        current = null;
      },
      pause() {},
      resume() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => true,
    };
    Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
    Object.assign(window, { __fakeSpeech: log });
  }, speakMs);
}

export function readFakeSpeech(page: Page): Promise<FakeSpeechLog> {
  return page.evaluate(() => {
    const log = (window as unknown as { __fakeSpeech: FakeSpeechLog & { spoken: Array<FakeUtterance & { utterance?: unknown }> } }).__fakeSpeech;
    return {
      spoken: log.spoken.map(({ text, lang, calledAt, startedAt, endedAt }) => ({ text, lang, calledAt, startedAt, ...(endedAt !== undefined ? { endedAt } : {}) })),
      speakWhileBusy: log.speakWhileBusy,
      cancels: log.cancels,
      empty: log.empty,
    };
  });
}

export interface PaintEntry {
  number: string;
  seq: number;
  paintedAt: number;
}

export function readPaints(page: Page): Promise<PaintEntry[]> {
  return page.evaluate(() => [...((window as unknown as { __hallqPaints?: PaintEntry[] }).__hallqPaints ?? [])]);
}

const ZH_DIGITS = '零一二三四五六七八九';
const ZH_WINDOW = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/**
 * What the board should say for a call, written out here independently of
 * server/protocol/voice.ts: 「请A零零一号到三号窗口办理」 (windows 1–10 only); a recall starts with 再次呼叫.
 */
export function expectedZhCall(ticketNumber: string, windowNumber: number, recall = false): string {
  const digits = [...ticketNumber].map((char) => (/[0-9]/.test(char) ? ZH_DIGITS[Number(char)] : char)).join('');
  return `${recall ? '再次呼叫' : ''}请${digits}号到${ZH_WINDOW[windowNumber]}号窗口办理`;
}

/** The same in English: "Number A zero zero one please go to window three" (windows 1–10 only). */
export function expectedEnCall(ticketNumber: string, windowNumber: number): string {
  const spelled = [...ticketNumber].map((char) => (/[0-9]/.test(char) ? EN_DIGITS[Number(char)] : char)).join(' ');
  return `Number ${spelled} please go to window ${EN_DIGITS[windowNumber]}`;
}

/** Takes the browser's voice out of the page before the app loads, as on a Linux PC with none. */
export async function removeBrowserSpeech(page: Page): Promise<void> {
  await page.addInitScript(() => {
    delete (window as { speechSynthesis?: unknown }).speechSynthesis;
    delete (window as { SpeechSynthesisUtterance?: unknown }).SpeechSynthesisUtterance;
  });
}

/** Sets a hall's voice order (PUT …/config, as the admin page does); boards follow it with the next snapshot. */
export async function setVoiceSources(baseUrl: string, adminToken: string, sources: string[] | null, hallId = 'demo'): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
  const current = await fetch(`${baseUrl}/api/halls/${hallId}/config`, { headers });
  if (!current.ok) throw new Error(`GET config: HTTP ${current.status}`);
  const body = (await current.json()) as { config?: Record<string, unknown> } & Record<string, unknown>;
  const config = { ...(body.config ?? body) };
  if (sources) config.voice = { sources };
  else delete config.voice;
  const answer = await fetch(`${baseUrl}/api/halls/${hallId}/config`, { method: 'PUT', headers, body: JSON.stringify({ config }) });
  if (!answer.ok) throw new Error(`PUT config: HTTP ${answer.status} ${await answer.text()}`);
}

/** Every event of a hall as staff see them (GET /api/halls/:id/events, paged). */
export async function staffEvents(baseUrl: string, token: string, hallId = 'demo'): Promise<any[]> {
  const events: any[] = [];
  for (;;) {
    const since = events.at(-1)?.seq ?? 0;
    const response = await fetch(`${baseUrl}/api/halls/${hallId}/events?since=${since}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET events: HTTP ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { events: any[]; complete: boolean };
    events.push(...page.events);
    if (page.complete || page.events.length === 0) return events;
  }
}

/** POST JSON with a bearer token; throws unless the answer is 2xx. */
export async function postJson<T = any>(url: string, token: string | undefined, body: unknown = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The ticket in a call-next / issue answer: flat { id, number } or nested under `ticket`. */
export function ticketOf(data: unknown): { id: string; number: string } {
  const value = data as { id?: string; number?: string; ticket?: { id: string; number: string } };
  const ticket = value.ticket ?? value;
  if (typeof ticket.id !== 'string' || typeof ticket.number !== 'string') throw new Error(`no ticket in ${JSON.stringify(data).slice(0, 200)}`);
  return { id: ticket.id, number: ticket.number };
}

/**
 * The address of a paired window screen: `#pair=<device token>` pairs the page (as the link the
 * admin page's devices tab gives), so it may submit its window's ratings (issue 13 item 4).
 */
export async function windowScreenUrl(t: { url: string; windowScreenToken(windowId: string, hallId?: string): Promise<string> }, windowId: string, extraQuery = '', hallId = 'demo'): Promise<string> {
  const token = await t.windowScreenToken(windowId, hallId);
  return `${t.url}/display/?hall=${hallId}&window=${encodeURIComponent(windowId)}${extraQuery ? `&${extraQuery}` : ''}#pair=${token}`;
}
