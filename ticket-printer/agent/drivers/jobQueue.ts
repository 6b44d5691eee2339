/**
 * One job at a time per printer: many network printers accept a single client on port 9100, and two
 * jobs interleaved on one device would print as one garbled slip.
 */
export class JobQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Runs `job` after every job queued before it; once closed, answers `ifClosed` without running it. */
  run<T>(job: () => Promise<T>, ifClosed: T): Promise<T> {
    if (this.closed) return Promise.resolve(ifClosed);
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Refuses new jobs and waits for the queued ones to finish. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
