/** What every benchmark gets from the runner. */
export interface BenchContext {
  tree: 'dist' | 'src';
  /** A fresh, empty data directory (removed by the runner at the end). */
  newDataDir(name: string): string;
  /** Set with --profile: server children write V8 CPU profiles here. */
  profileDir?: string;
  /** --quick: shorter phases, for checking the bench itself. */
  quick: boolean;
  /** SQLite synchronous mode of every server: FULL (the budgeted configuration) unless --synchronous NORMAL. */
  synchronous: 'FULL' | 'NORMAL';
  log(message: string): void;
}
