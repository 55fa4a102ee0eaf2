// Only for the second page (bench.html): simdconv itself needs no Vite configuration.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
});
