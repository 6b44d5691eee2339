import { describe, expect, it } from 'vitest';
import { checkDependencies } from '../helpers/dependencyRules.js';

/**
 * The boundary of docs/architecture.md: server/protocol is a leaf, the apps
 * reach the server only through it, no app imports another, and no two
 * folders import each other. No exceptions list.
 */
describe('import rules', () => {
  it('hold for the whole project', async () => {
    const report = await checkDependencies();
    // A broken cruise would pass vacuously: the project has well over a hundred modules.
    expect(report.modules).toBeGreaterThan(150);
    expect(report.violations).toEqual([]);
    expect(report.folderCycles).toEqual([]);
  }, 60_000);

  it('catch each kind of breach, type-only imports in Svelte components included', async () => {
    const report = await checkDependencies({
      'server/protocol/probeLeaf.ts': "import type { Ctx } from '../domain/context.js';\nexport type Probe = Ctx;\n",
      'server/protocol/probeNode.ts': "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n",
      'counter/src/components/ProbeServer.svelte':
        "<script lang=\"ts\">\n  import type { Ctx } from '../../../server/domain/context.js';\n  let { ctx }: { ctx: Ctx } = $props();\n</script>\n<p>{ctx.now}</p>\n",
      'ticket-printer/src/components/ProbeApp.svelte':
        "<script lang=\"ts\">\n  import type { PublicHallEvent } from '../../../display/src/lib/voice.js';\n  let { e }: { e: PublicHallEvent } = $props();\n</script>\n",
      'client/probeApp.ts': "export { callableAt } from '../counter/src/lib/panel.js';\n",
      'server/stats/probeCycle.ts': "export { cryptoIds } from '../app/ids.js';\n",
      'server/app/probeCycle.ts': "export { computeReport } from '../stats/compute.js';\n",
      'server/auth/probeA.ts': "import { b } from './probeB.js';\nexport const a = () => b;\n",
      'server/auth/probeB.ts': "import { a } from './probeA.js';\nexport const b = () => a;\n",
    });
    expect(report.violations).toEqual(
      expect.arrayContaining([
        'protocol-is-a-leaf: server/protocol/probeLeaf.ts → server/domain/context.ts',
        'protocol-no-node-builtins: server/protocol/probeNode.ts → fs',
        'apps-import-the-server-only-through-protocol: counter/src/components/ProbeServer.svelte.ts → server/domain/context.ts',
        'apps-do-not-import-each-other: ticket-printer/src/components/ProbeApp.svelte.ts → display/src/lib/voice.ts',
        'client-imports-no-app: client/probeApp.ts → counter/src/lib/panel.ts',
        'no-circular-modules: server/auth/probeA.ts → server/auth/probeB.ts',
      ]),
    );
    expect(report.folderCycles).toEqual(expect.arrayContaining([['server/app', 'server/stats'], ['server/domain', 'server/protocol']]));
  }, 60_000);
});
