// The CLI's entry in the test bundle (bundle.ts): what bin/znb.mjs does, without tsx.
import { main } from '../../src/cli.ts';

const code = await main(process.argv.slice(2));
if (!process.argv.slice(2).includes('serve')) process.exit(code);
