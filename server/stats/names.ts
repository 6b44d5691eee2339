import type { HallEvent } from '../protocol/events.js';
import type { Clerk, HallConfig, WindowRuntime } from '../protocol/model.js';
import type { KnownClerk } from '../protocol/stats.js';

/**
 * Display names for the groups of a report. Services and windows are named
 * by the hall's configuration (an id no longer configured names itself);
 * clerks by the events, which carry the name the clerk had that day, and
 * else by the accounts.
 */
export class Names {
  private readonly clerks = new Map<string, KnownClerk>();

  constructor(
    private readonly config: HallConfig,
    known: Record<string, KnownClerk> = {},
  ) {
    for (const [id, clerk] of Object.entries(known)) this.clerks.set(id, clerk);
  }

  /** Learns the clerks an event or a live window names; later names win (a renamed account). */
  learn(event: HallEvent): void {
    if (event.type === 'window:opened' || event.type === 'window:taken-over') this.learnClerk(event.clerk);
    if (event.type === 'window:taken-over' && event.previousClerk) this.learnClerk(event.previousClerk);
    if (event.type === 'window:closed' && event.clerk) this.learnClerk(event.clerk);
  }

  learnLive(windows: Record<string, WindowRuntime>): void {
    for (const runtime of Object.values(windows)) if (runtime.clerk) this.learnClerk(runtime.clerk);
  }

  private learnClerk(clerk: Clerk): void {
    this.clerks.set(clerk.id, { name: clerk.name, ...(clerk.staffNo !== undefined ? { staffNo: clerk.staffNo } : {}) });
  }

  service(serviceId: string): string {
    return this.config.services.find((service) => service.id === serviceId)?.name ?? serviceId;
  }

  /** The service's name in the hall's second language, if it has one. */
  serviceAlt(serviceId: string): { nameAlt?: string } {
    const nameAlt = this.config.services.find((service) => service.id === serviceId)?.nameAlt;
    return nameAlt ? { nameAlt } : {};
  }

  window(windowId: string): { number: number | null; name: string; nameAlt?: string } {
    const window = this.config.windows.find((candidate) => candidate.id === windowId);
    if (!window) return { number: null, name: windowId };
    return { number: window.number, name: window.name, ...(window.nameAlt ? { nameAlt: window.nameAlt } : {}) };
  }

  clerk(clerkId: string): { name: string; staffNo: string | null } {
    const clerk = this.clerks.get(clerkId);
    return { name: clerk?.name ?? clerkId, staffNo: clerk?.staffNo ?? null };
  }

  hasClerk(clerkId: string): boolean {
    return this.clerks.has(clerkId);
  }
}
