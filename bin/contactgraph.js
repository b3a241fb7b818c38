#!/usr/bin/env node
// Runs the transpiled sources (npm run build; postinstall and npm start do it).
const { cli } = await import('../dist/cli/index.js');
await cli();
