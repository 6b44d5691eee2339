import type { CommandInput, CommandResult, SocketCommandName } from '../../../server/protocol/declarations.js';
import type { StaffView } from '../../../server/protocol/viewTypes.js';
import type { ScreenSummary } from '../../../server/protocol/screens.js';
import type { PrinterState } from '../../../server/protocol/printing.js';
import type { ClientErrorCode, Result } from '../../../client/api.js';
import { StaffFeed, type StaffFeedOptions, type StaffSink } from './staffFeed.js';

export type StaffSyncOptions = Omit<StaffFeedOptions, 'origin'>;

/**
 * The counter panel's and supervisor view's live staff view, as Svelte state:
 * the fields are the sink of one StaffFeed (socket, event folding, gap
 * repair, commands; see there).
 */
export class StaffSync implements StaffSink {
  view = $state.raw<StaffView | null>(null);
  /** Boards and window screens connected to the server; null until known. */
  screens = $state.raw<ScreenSummary[] | null>(null);
  /** Kiosk, window and guide-desk printers with their status; null until known. */
  printers = $state.raw<PrinterState[] | null>(null);
  online = $state(false);
  /** The server refused this panel for the hall (FORBIDDEN, HALL_NOT_FOUND); it does not retry. */
  refused = $state<ClientErrorCode | null>(null);
  private readonly feed: StaffFeed;

  constructor(options: StaffSyncOptions) {
    this.feed = new StaffFeed(options, this);
  }

  close(): void {
    this.feed.close();
  }

  /** Resolves once the view includes the panel's last command. */
  refresh(): Promise<void> {
    return this.feed.refresh();
  }

  command<K extends SocketCommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandResult<K>>> {
    return this.feed.command(name, input);
  }

  /** A REST request with this panel's login (notices, which are not socket commands). */
  post<T>(path: string, body: unknown): Promise<Result<T>> {
    return this.feed.post<T>(path, body);
  }
}
