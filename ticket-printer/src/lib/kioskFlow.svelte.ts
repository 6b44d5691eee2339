import type { KioskTicketAnswer } from '../../../server/protocol/answers.js';
import type { Lang } from '../locales/index.js';
import { type ClientError, newRequestId, request } from './api.js';

export type KioskScreen = 'home' | 'code' | 'desk-login' | 'result' | 'printer-problem' | 'notify-phone';

interface PendingTake {
  requestId: string;
  serviceId?: string;
  code?: string;
  priority: boolean;
  /** 无声叫号: the mobile number the citizen typed, if any. */
  notifyPhone?: string;
}

/** Printing waits for the printer (and an agent's reconnect); longer than a plain request. */
const ISSUE_TIMEOUT_MS = 35_000;
/** The result stays this long, then the kiosk is ready for the next person. */
export const RESULT_SECONDS = 20;
/** A start screen left in 大字模式, English or the green channel returns to the plain start after this long untouched. */
export const IDLE_SECONDS = 90;

/**
 * One person's visit at the kiosk: tap → ticket (paper, or an e-ticket when
 * the printer cannot print) → result → back to the start by itself. A tap
 * while a request runs is ignored, and the e-ticket retry reuses the first
 * request id, so no path issues two tickets for one intent.
 */
export class KioskFlow {
  screen = $state<KioskScreen>('home');
  busy = $state(false);
  answer = $state<KioskTicketAnswer | null>(null);
  printerStatus = $state<string | null>(null);
  error = $state<ClientError | null>(null);
  /** A guide-desk clerk's confirmation (their PIN's desk token) while issuing green-channel tickets; dropped when the visit ends. */
  deskToken = $state<string | null>(null);
  secondsLeft = $state(RESULT_SECONDS);
  /** One citizen's choices: 大字模式 and the language last for their visit only. */
  large = $state(false);
  lang = $state<Lang>('zh');
  private pending: PendingTake | null = null;
  /** The service chosen while the citizen decides whether to leave a number. */
  private chosenService: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private deskTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly hallId: string,
    private readonly token: string,
    private readonly onRefused: (error: ClientError) => void,
    /** The kiosk's own language (its address's ?lang=), which every visit starts in. */
    private readonly homeLang: Lang = 'zh',
  ) {
    this.lang = homeLang;
  }

  /** The green channel is on until the visit ends, and never past the desk token's expiry. */
  startPriority(deskToken: string, expiresAt: number): void {
    this.deskToken = deskToken;
    this.screen = 'home';
    this.error = null;
    clearTimeout(this.deskTimer);
    this.deskTimer = setTimeout(() => this.endPriority(), Math.max(0, expiresAt - Date.now() - 5_000));
    this.touched();
  }

  endPriority(): void {
    clearTimeout(this.deskTimer);
    this.deskToken = null;
  }

  /** Closes a dialog (check-in pad, desk PIN) without ending the visit. */
  closeOverlay(): void {
    this.screen = 'home';
    this.error = null;
    this.touched();
  }

  /**
   * Called on every touch of the start screen: one left in 大字模式, English or the green
   * channel goes back to the plain start once nobody has touched it for IDLE_SECONDS.
   */
  touched(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.screen === 'result' || this.busy) return;
      if (this.large || this.lang !== this.homeLang || this.deskToken !== null || this.screen !== 'home') this.reset();
    }, IDLE_SECONDS * 1000);
  }

  /**
   * A service tile was tapped. When the hall sends 无声叫号 texts (`askPhone`), the citizen is first
   * offered to leave a mobile number (skipping is the default). In the green channel the guide-desk
   * clerk is offered the same step for the citizen beside them: the desk is one of the ways a
   * number is left (issue 19), and the people the green channel serves are often the ones who
   * cannot watch the board.
   */
  take(serviceId: string, askPhone = false): Promise<void> {
    if (askPhone && !this.busy) {
      this.chosenService = serviceId;
      this.error = null;
      this.screen = 'notify-phone';
      this.touched();
      return Promise.resolve();
    }
    return this.issue({ requestId: newRequestId(), serviceId, priority: this.deskToken !== null }, 'paper');
  }

  /** The number step answered: with a number, or skipped (undefined). */
  takeWithPhone(notifyPhone: string | undefined): Promise<void> {
    const serviceId = this.chosenService;
    if (serviceId === null) return Promise.resolve();
    return this.issue({ requestId: newRequestId(), serviceId, priority: this.deskToken !== null, ...(notifyPhone !== undefined ? { notifyPhone } : {}) }, 'paper');
  }

  checkIn(code: string): Promise<void> {
    return this.issue({ requestId: newRequestId(), code, priority: false }, 'paper');
  }

  /** After a printer refusal: the same intent, delivered to the citizen's phone instead. */
  takeETicket(): Promise<void> {
    return this.pending ? this.issue(this.pending, 'e-ticket') : Promise.resolve();
  }

  private async issue(take: PendingTake, delivery: 'paper' | 'e-ticket'): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.pending = take;
    const body = {
      delivery,
      requestId: take.requestId,
      ...(take.serviceId !== undefined ? { serviceId: take.serviceId } : {}),
      ...(take.code !== undefined ? { code: take.code } : {}),
      ...(take.priority && this.deskToken ? { priority: true, staffToken: this.deskToken } : {}),
      ...(take.notifyPhone !== undefined ? { notifyPhone: take.notifyPhone } : {}),
    };
    const result = await request<KioskTicketAnswer>('POST', `/api/halls/${encodeURIComponent(this.hallId)}/kiosk/tickets`, {
      token: this.token,
      body,
      timeoutMs: ISSUE_TIMEOUT_MS,
    });
    this.busy = false;
    if (result.ok) {
      this.answer = result.data;
      this.show('result');
      return;
    }
    if (result.error.code === 'PRINTER_UNAVAILABLE') {
      this.printerStatus = typeof result.error.details?.status === 'string' ? result.error.details.status : 'offline';
      this.screen = 'printer-problem';
      return;
    }
    if (result.error.code === 'UNAUTHENTICATED' || result.error.code === 'FORBIDDEN' || result.error.code === 'TOKEN_EXPIRED') {
      if (take.priority) this.endPriority();
      else this.onRefused(result.error);
    }
    this.error = result.error;
    // A refusal is shown on the start screen; the number step does not stay open over it.
    if (this.screen === 'notify-phone') this.screen = 'home';
  }

  private show(screen: KioskScreen): void {
    this.screen = screen;
    clearInterval(this.timer);
    this.secondsLeft = RESULT_SECONDS;
    this.timer = setInterval(() => {
      this.secondsLeft -= 1;
      if (this.secondsLeft <= 0) this.reset();
    }, 1000);
  }

  open(screen: 'code' | 'desk-login'): void {
    this.error = null;
    this.screen = screen;
  }

  /**
   * Back to the start for the next person (完成, the result's count-down, the idle return): the
   * next citizen finds the kiosk as it stands, not in the last one's 大字模式 or language, and a
   * green-channel confirmation does not outlive the visit.
   */
  reset(): void {
    clearInterval(this.timer);
    clearTimeout(this.idleTimer);
    this.endPriority();
    this.screen = 'home';
    this.answer = null;
    this.error = null;
    this.pending = null;
    this.chosenService = null;
    this.printerStatus = null;
    this.large = false;
    this.lang = this.homeLang;
  }

  close(): void {
    clearInterval(this.timer);
    clearTimeout(this.deskTimer);
    clearTimeout(this.idleTimer);
  }
}
