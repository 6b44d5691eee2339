import type { Express } from 'express';

/**
 * The HallQ icon: a ticket-blue square with a white "Q". Every page links
 * /favicon.svg, and /favicon.ico answers the same picture for the browsers
 * and tools that ask for it by that name, so no page logs a 404 for it.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="14" fill="#0b4fb3"/>
<circle cx="30" cy="30" r="15" fill="none" stroke="#fff" stroke-width="7"/>
<path d="M38 38l12 12" stroke="#fff" stroke-width="8" stroke-linecap="round"/>
</svg>
`;

export function mountFavicon(app: Express): void {
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, (_req, res) => {
      res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG);
    });
  }
}
