import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceMarkdown } from '../../grammar/generate.js';

describe('generated language reference', () => {
  it('is current (run `npm run grammar` after changing the parser or a registry)', () => {
    const committed = readFileSync(new URL('../../grammar/epl.md', import.meta.url), 'utf8');
    expect(committed).toBe(referenceMarkdown());
  });
});
