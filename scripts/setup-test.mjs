#!/usr/bin/env node
// What the test suite needs besides npm packages: Debian's Chromium at /usr/bin/chromium, which the
// browser tests (test/e2e/, driven by playwright-core) start. No browser is ever downloaded. Run
// before `npm test` (its pretest) and by .ci/run. When Chromium is missing it is installed with
// apt-get if this runs as root; otherwise it says how to install it and exits 1, so that the browser
// tests are never skipped silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

if (!executable(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && has('apt-get')) {
    console.log(`setup:test: ${CHROMIUM} is missing; installing Debian's chromium package with apt-get…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  }
  if (!executable(CHROMIUM)) {
    console.error([
      `setup:test: the browser tests need Chromium at ${CHROMIUM}, and it is not there.`,
      root ? 'apt-get could not install it on this system.' : 'Install it as root, then run the tests again:',
      '  sudo apt-get install -y chromium        # Debian, Ubuntu: the chromium package',
      'or run this check as root, which installs it: sudo npm run setup:test',
    ].join('\n'));
    process.exit(1);
  }
}
