#!/usr/bin/env -S node --max-semi-space-size=4
// The `overload` executable: registers tsx so the TypeScript sources run as they are, then
// hands over to the CLI. Kept in JavaScript because npm links it without a loader.
//
// --max-semi-space-size=4: V8's young generation at 4 MiB a semi-space instead of 16. The
// harness's garbage lives for one request, so a small nursery costs no throughput and saves the
// RSS a large one holds: peak RSS over a one-million-request closed ramp 168 → 142 MiB, the
// closed driver's ratio to the autocannon CLI 0.97–1.07 either way (bench/README.md, `memory`).
// V8 fixes heap sizes when it starts, hence here and not in code: run this file itself (npm start
// and npm run overload do), as `node harness/cli/bin.js` would drop the flag.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
