import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The project's rules live in its own docs, not in files beside the repository. */
describe('the project is self-contained', () => {
  it('no tracked file points outside the repository for its rules', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.(ts|svelte|md|json|cjs|mjs|html|yml|yaml|sh)$/.test(file) && file !== 'tests/unit/selfContained.test.ts');
    const outside = files.filter((file) => existsSync(join(root, file)) && /\.\.\/shared\/|DESIGN\.md/.test(readFileSync(join(root, file), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('the architecture document links the rules, budgets and glossary, which exist', () => {
    const architecture = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
    for (const doc of ['rules.md', 'budgets.md', 'glossary.md']) {
      expect(architecture).toContain(`](${doc})`);
      expect(readFileSync(join(root, 'docs', doc), 'utf8').length).toBeGreaterThan(500);
    }
    expect(readFileSync(join(root, 'docs', 'rules.md'), 'utf8')).toContain('## Calling rules');
    expect(readFileSync(join(root, 'docs', 'budgets.md'), 'utf8')).toContain('N = 60 within 1.3× of N = 1');
  });
});
