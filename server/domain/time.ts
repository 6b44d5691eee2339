/** Hall-local time lives in the protocol: issuing hours are read by the screens' views too. */
export * from '../protocol/rules/time.js';
