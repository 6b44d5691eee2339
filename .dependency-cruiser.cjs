/**
 * The import rules of HallQ (docs/architecture.md, "The boundary"). Checked by
 * tests/unit/dependencies.test.ts, so `npm test` fails on a violation. There is
 * no exceptions list: a new import that breaks a rule is fixed by moving code,
 * not by listing it here.
 */
const APPS = '^(display|counter|ticket-printer/src|client)/';

module.exports = {
  forbidden: [
    {
      name: 'protocol-is-a-leaf',
      comment: 'server/protocol is the contract: it imports nothing else of the project (and no Node built-ins: the apps bundle it).',
      severity: 'error',
      from: { path: '^server/protocol/' },
      to: { path: '^(server|display|counter|ticket-printer|client|tests|deploy)/', pathNot: '^server/protocol/' },
    },
    {
      name: 'protocol-no-node-builtins',
      severity: 'error',
      from: { path: '^server/protocol/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'apps-import-the-server-only-through-protocol',
      comment: 'The apps (and their shared client/ folder) see the server only through its contract.',
      severity: 'error',
      from: { path: APPS },
      to: { path: '^(server|ticket-printer/agent|tests|deploy)/', pathNot: '^server/protocol/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      comment: 'What two apps share lives in client/ (or in server/protocol).',
      severity: 'error',
      from: { path: '^(display|counter|ticket-printer)/' },
      to: { path: '^(display|counter|ticket-printer)/', pathNot: '^$1/' },
    },
    {
      name: 'client-imports-no-app',
      comment: 'client/ is shared by every app, so it imports none of them.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(display|counter|ticket-printer)/' },
    },
    {
      name: 'server-imports-no-app',
      severity: 'error',
      from: { path: '^(server|ticket-printer/agent)/' },
      to: { path: APPS },
    },
    {
      name: 'no-circular-modules',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing would hide a dependency from these rules.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '^node_modules/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.mjs'], exportsFields: ['exports'], conditionNames: ['import', 'browser', 'types', 'default'] },
  },
};
