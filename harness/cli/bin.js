#!/usr/bin/env node
// The `overload` executable: registers tsx so the TypeScript sources run as they are, then
// hands over to the CLI. Kept in JavaScript because npm links it without a loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
