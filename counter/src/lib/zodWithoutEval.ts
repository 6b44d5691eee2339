import { z } from 'zod';

// The apps' CSP forbids eval. zod decides at schema construction whether to compile a fast parser, and
// probing for that is itself an eval (a CSP violation on every page load), so this module must be
// imported before any module that builds schemas.
z.config({ jitless: true });
