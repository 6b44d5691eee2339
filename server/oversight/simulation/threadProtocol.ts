import type { SimulationResult, SuggestionResult } from '../../protocol/simulation.js';
import type { SimulationJob } from './simulate.js';
import type { SuggestionJob } from './suggest.js';

/** The messages between pool.ts and its worker threads (worker.ts). */
export type ThreadRequest = { id: number; kind: 'simulate'; job: SimulationJob } | { id: number; kind: 'suggest'; job: SuggestionJob };

export type ThreadReply =
  | { id: number; ok: true; threadId: number; result: SimulationResult | SuggestionResult }
  | { id: number; ok: false; threadId: number; message: string };
