#!/usr/bin/env node
// `npx znb …`: run the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
if (!process.argv.slice(2).includes('serve')) process.exit(code);
