import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Served by the HallQ server at /counter; REST and the socket are on the same origin.
export default defineConfig({
  root: import.meta.dirname,
  base: '/counter/',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', manifest: true },
  server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:3000', ws: true }, '/api': 'http://127.0.0.1:3000' } },
});
