import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Served by the HallQ server at /kiosk (the kiosk) and /t (the phone e-ticket); assets live under /kiosk/.
export default defineConfig({
  root: import.meta.dirname,
  base: '/kiosk/',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020' },
  server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:3000', ws: true }, '/api': 'http://127.0.0.1:3000' } },
});
