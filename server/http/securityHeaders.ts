import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Origins allowed to frame the boards (/display); none = no page may frame HallQ. */
  boardFrameAncestors?: readonly string[];
  /** Inline <style> texts (the home page's) that the policy allows by hash. */
  inlineStyles?: readonly string[];
}

/** 'sha256-…' of an inline <style> text, as the CSP needs it. */
export function inlineStyleHash(style: string): string {
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
}

const BOARD_PATH = /^\/display(\/|$)/;

/**
 * Response headers for every answer (helmet, with a strict policy). The
 * apps are Vite builds whose index.html has no inline script, so scripts come
 * from this origin only; styles too (the home page's one <style> by its
 * hash), and no style="…" attribute in markup: Svelte sets dynamic styles
 * (the board's row count) through the CSSOM, which the policy does not
 * govern, so a component must not put a static style="…" in its template.
 * Images, sounds and fonts may be
 * data:/blob: URLs (staff photos, QR codes, the call chime). No page may be
 * framed (clickjacking of /admin, /counter, /kiosk), except the boards by the
 * origins in HALLQ_BOARD_FRAME_ANCESTORS, for a hall portal that shows them.
 * Not set here: Strict-Transport-Security (HallQ is served over plain HTTP
 * on the hall's LAN; the TLS proxy in front sets it) and
 * upgrade-insecure-requests (it would break every page served over HTTP).
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): RequestHandler {
  const styleHashes = (options.inlineStyles ?? []).map(inlineStyleHash);
  const framers = options.boardFrameAncestors ?? [];
  const directives = (frameAncestors: readonly string[]) => ({
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", ...styleHashes],
    styleSrcAttr: ["'none'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    mediaSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: frameAncestors.length > 0 ? [...frameAncestors] : ["'none'"],
    upgradeInsecureRequests: null,
  });
  const common = {
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' as const },
  };
  const strict = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: directives([]) }, xFrameOptions: { action: 'deny' } });
  if (framers.length === 0) return strict;
  // X-Frame-Options cannot name an origin, and a browser obeying it would refuse the allowed framer: boards send only the CSP.
  const board = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: directives(framers) }, xFrameOptions: false });
  return (req, res, next) => (BOARD_PATH.test(req.path) ? board : strict)(req, res, next);
}
