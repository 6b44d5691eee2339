import { compileModule } from 'svelte/compiler';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The apps' rune modules (`*.svelte.ts`: HallSync, the boards' socket) run under Node too, so a test
  // can drive the real client against a real server. Vite strips the types first; this compiles the runes.
  plugins: [
    {
      name: 'svelte-rune-modules',
      transform(code, id) {
        if (!/\.svelte\.ts$/.test(id)) return undefined;
        const { js } = compileModule(code, { filename: id, generate: 'client' });
        return { code: js.code, map: js.map };
      },
    },
  ],
  // A hook starts a server and Chromium; on a loaded 2-core CI machine that can pass vitest's 10 s default.
  test: { include: ['tests/**/*.test.ts'], setupFiles: ['tests/helpers/ticketMapEquality.ts'], testTimeout: 20000, hookTimeout: 30000 },
});
