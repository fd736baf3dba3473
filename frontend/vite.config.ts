/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const apiServer = 'http://localhost:8080'

export default defineConfig({
  base: '/admin/background-tasks/',
  plugins: [react()],
  build: {
    outDir: 'target/classes/public/admin/background-tasks',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/login': apiServer,
      '/logout': apiServer,
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // above setup.ts's 5 s wait for asynchronous UI, so a slow render fails as a clear assertion, not a timeout
    testTimeout: 15_000,
  },
})
