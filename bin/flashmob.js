#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (no build step needed to start).
// `npm run build` also compiles to dist/ for deployments that prefer `node dist/cli.js`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
