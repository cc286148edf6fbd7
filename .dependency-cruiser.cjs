// The house's import rules, checked by `npm run depcheck` and test/house/dependencies.test.ts
// (docs/architecture.md explains them). Each rule's `comment` says what it guards and how to fix a
// violation; the test prints it next to the offending import.
//
// Layers, bottom to top (a module imports only what lies below it, through the other module's face):
//   kernel    shared/ · db/ · http/ · web/ (shared page parts) · types/ · config.ts — no module
//   platform  access < settings                  (every module may use them)
//   domain    registry < cover < claims < cards  (the card page reports a claim)
//             credit (reads registry, cover, claims) < monitoring (reads all of the domain below it)
//   readers   review, workbench                  (read every module)
//   roots     app.ts, cli.ts, node.ts, worker.ts, runtime.ts, cluster.ts, jobs/, ops/, io/ —
//             composition: they wire the modules together and may import anything.

/** Module → the modules it may import (through their faces). Kernel files are allowed to all. */
const MAY_IMPORT = {
  access: [],
  settings: ['access'],
  registry: ['access', 'settings'],
  cover: ['access', 'settings', 'registry'],
  claims: ['access', 'settings', 'registry', 'cover'],
  cards: ['access', 'settings', 'registry', 'cover', 'claims'],
  credit: ['access', 'settings', 'registry', 'cover', 'claims'],
  monitoring: ['access', 'settings', 'registry', 'cover', 'claims', 'cards', 'credit'],
  review: ['access', 'settings', 'registry', 'cover', 'claims', 'cards', 'credit', 'monitoring'],
  field: ['access', 'settings', 'registry', 'cover', 'claims', 'cards', 'credit', 'monitoring'],
  workbench: ['access', 'settings', 'registry', 'cover', 'claims', 'cards', 'credit', 'monitoring', 'review'],
};
const MODULES = Object.keys(MAY_IMPORT);
const ANY_MODULE = `^src/(${MODULES.join('|')})/`;
const MODULE_STORE = `^src/(${MODULES.join('|')})/store\\.ts$|^src/(${MODULES.join('|')})/.+[-/]store\\.ts$`;
const KERNEL = ['^src/(shared|http|web|types|kernel)/', '^src/config\\.ts$', '^db/'];
const ROOTS = '^src/(app|cli|node|worker|runtime|cluster)\\.ts$|^src/(jobs|ops|io)/';

/**
 * A module's face: what other modules may import from it. Its `service.ts` (use cases) and its
 * public types file `types.ts` — at the module's root or, for a module split into sub-modules
 * (credit/loans, credit/files…), at a sub-module's root — and these declared extras:
 */
const PUBLIC_EXTRAS = [
  '^src/cover/schedule\\.ts$', // the coverage schedule: lines, causes, sums (pure rules and types)
  '^src/claims/details\\.ts$', // a claim's details per line: schemas and types
  '^src/settings/catalogue\\.ts$', // the settings' keys, types and defaults
  '^src/access/authenticate\\.ts$', // token check counting failures (the review dashboard's cookie sign-in)
  '^src/access/sessions\\.ts$', // the workbench's sign-in sessions (PageSession) for the modules' pages
];
const FACES = ['^src/[^/]+/(service|types)\\.ts$', '^src/credit/[^/]+/(service|types)\\.ts$', ...PUBLIC_EXTRAS];

/** Store files: the only ones that run SQL. `store.ts`, `<what>-store.ts`, or a `store/` folder. */
const STORE = '(^|/|-)store\\.ts$|/store/';
/** Tables every module's store may use besides its own: domain events, types shared by schema files. */
const SHARED_SCHEMA = '^db/schema/(events|types)\\.ts$';
/** A module's own schema files: db/schema/<module>.ts, and these. */
const OWN_SCHEMA = { access: ['access', 'sessions'] };

/**
 * TEMPORARY. Credit is being split into sub-modules (loans, files, arrears, reports), each moving its
 * SQL into its store and reading other modules through their services; until that is done these
 * violations are known (listed by `npm run depcheck`, not failures). The credit split removes this
 * list. An entry that no longer happens fails the check, so the list only shrinks. Only src/credit/.
 * Each entry: rule name, `from` and `to` as regular expressions, and why it is still there.
 */
// Empty since credit's borrowers are read through the registry's service (the split's last entry).
const KNOWN_CREDIT_VIOLATIONS = [];

/**
 * TEMPORARY, outside credit: violations found when the check was introduced that need more than a
 * move (a read model, or the workbench's sessions settling), each with its reason. Fix one, remove
 * its entry; an entry that no longer happens fails the check. Nothing may be added here.
 */
// Empty since cards and claims read cover, registry and access through those modules' services.
const KNOWN_VIOLATIONS_TO_FIX = [];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import circle. Move what both sides need into a file below them (a types.ts, or shared/), ' +
        'or pass it in as a parameter, so that one side no longer imports the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-imports-no-module',
      severity: 'error',
      comment:
        'The kernel (shared/, db/, http/, web/, config.ts) lies below every module and imports none. ' +
        'Move the code that needs the module into that module, or move what the kernel needs into shared/.',
      from: { path: KERNEL },
      to: { path: [ANY_MODULE, ROOTS] },
    },
    {
      name: 'module-imports-no-root',
      severity: 'error',
      comment:
        'Composition roots (app.ts, cli.ts, runtime.ts, jobs/, ops/, io/ …) wire modules together; ' +
        'a module never imports them. Take what you need as a parameter (see AppModules in src/app.ts).',
      from: { path: ANY_MODULE },
      to: { path: ROOTS },
    },
    ...MODULES.map((m) => ({
      name: `module-edge-${m}`,
      severity: 'error',
      comment:
        `${m} may import only ${MAY_IMPORT[m].length ? MAY_IMPORT[m].join(', ') : 'no other module'} ` +
        '(and the kernel): dependencies run one way (docs/architecture.md). Call the other module the ' +
        'other way round, raise a domain event it consumes, or let a reader above both (review, a job) join them.',
      from: { path: `^src/${m}/` },
      to: {
        path: ANY_MODULE,
        pathNot: [`^src/(${[m, ...MAY_IMPORT[m]].join('|')})/`],
      },
    })),
    {
      name: 'module-face',
      severity: 'error',
      comment:
        'From outside a module import only its service.ts or types.ts (or a declared extra: cover/schedule.ts, ' +
        'claims/details.ts, settings/catalogue.ts, access/authenticate.ts, access/sessions.ts). ' +
        "Export what you need from the other module's service.ts, or move the type into its types.ts.",
      from: { path: ANY_MODULE },
      to: {
        path: ANY_MODULE,
        pathNot: ['^src/$1/', ...FACES],
      },
    },
    {
      name: 'sql-only-in-stores',
      severity: 'error',
      comment:
        "SQL only in store files — a module's store.ts (or <what>-store.ts, store/), and the kernel's " +
        '(http/rate-limit-store.ts …): move the query into the store and call it from here. Types only ' +
        '(import type) are fine. ops/ (PII rotation over every table, health) is the one exception.',
      from: { path: '^src/', pathNot: [STORE, '^src/ops/'] },
      to: { path: ['^db/schema/', '(^|/)node_modules/drizzle-orm/'], dependencyTypesNot: ['type-only'] },
    },
    ...MODULES.map((m) => ({
      name: 'store-reads-own-tables',
      severity: 'error',
      comment:
        "A module's store uses only its own tables (db/schema/<module>.ts, plus events and types). Read " +
        "another module's tables through that module's service, or keep a read model of your own (fed by its events).",
      from: { path: `^src/${m}/` },
      to: { path: '^db/schema/', pathNot: [`^db/schema/(${(OWN_SCHEMA[m] ?? [m]).join('|')})\\.ts$`, SHARED_SCHEMA] },
    })),
    {
      name: 'store-calls-no-store',
      severity: 'error',
      comment: "A store never calls another module's store: go through that module's service.",
      from: { path: ANY_MODULE },
      to: { path: MODULE_STORE, pathNot: '^src/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
// Read by scripts/depcheck.ts (not an option of dependency-cruiser's, so not enumerable).
Object.defineProperty(module.exports, 'KNOWN_CREDIT_VIOLATIONS', { value: KNOWN_CREDIT_VIOLATIONS, enumerable: false });
Object.defineProperty(module.exports, 'KNOWN_VIOLATIONS_TO_FIX', { value: KNOWN_VIOLATIONS_TO_FIX, enumerable: false });
// Read by test/house/sql-tables.test.ts (SQL text naming tables, which no import shows).
Object.defineProperty(module.exports, 'OWN_SCHEMA', { value: OWN_SCHEMA, enumerable: false });
