#!/usr/bin/env node
// Runs the bundled CLI (npm run build; postinstall and npm start do it).
const { cli } = await import('../dist/bundle/index.js');
await cli();
