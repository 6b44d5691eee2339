import type { IntegritySettings } from '../../protocol/integrity.js';
import type { HallConfig } from '../../protocol/model.js';
import type { SignalDraft } from './collector.js';
import type { HallVisitor } from './hallReplay.js';

export interface DetectorContext {
  config: HallConfig;
  settings: Required<IntegritySettings>;
  timeZone: string;
}

/** One kind (or two related kinds) of signal: watches the walk, then says what it found up to `end`. */
export interface Detector extends HallVisitor {
  signals(end: number): SignalDraft[];
}
