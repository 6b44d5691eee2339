import { defineConfig } from 'vitest/config';

export default defineConfig({
  // A hook starts a server and Chromium; on a loaded 2-core CI machine that can pass vitest's 10 s default.
  test: { include: ['tests/**/*.test.ts'], setupFiles: ['tests/helpers/ticketMapEquality.ts'], testTimeout: 20000, hookTimeout: 30000 },
});
