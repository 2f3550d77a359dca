/** Analyzer errors specific to joins: each names the stream or property at fault, with its span. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { deployError as deployModuleError } from '../support/deploy-error.js';

const SCHEMAS = `
create schema A(id int, v int, only_a string);
create schema B(id int, w int);
`;

function deployError(statement: string) {
  return deployModuleError(`${SCHEMAS}\n${statement}`);
}

describe('join analysis errors', () => {
  it('rejects an unqualified property that several streams have, naming them', () => {
    const e = deployError('select id from A#length(2) as a, B#length(2) as b');
    expect(e.code).toBe('analyze/ambiguous-property');
    expect(e.message).toContain("'id'");
    expect(e.message).toContain("'a' (A)");
    expect(e.message).toContain("'b' (B)");
    expect(e.line).toBe(5);
  });

  it('resolves an unqualified property that one stream has', () => {
    const engine = createEngine();
    const [stmt] = engine.deploy(
      `${SCHEMAS} select only_a, w from A#length(2) as a, B#length(2) as b where a.id = b.id`,
    );
    const rows: unknown[] = [];
    stmt?.subscribe((ins) => rows.push(...(ins ?? [])));
    engine.send('A', { id: 1, v: 2, only_a: 'x' }, 1000);
    engine.send('B', { id: 1, w: 3 }, 2000);
    expect(rows).toEqual([{ only_a: 'x', w: 3 }]);
  });

  it('rejects an unknown alias', () => {
    const e = deployError('select c.id from A#length(2) as a, B#length(2) as b');
    expect(e.code).toBe('analyze/unknown-stream');
    expect(e.message).toContain("'c' does not name a stream of the join");
  });

  it('rejects a property the qualified stream does not have', () => {
    const e = deployError('select b.v from A#length(2) as a, B#length(2) as b');
    expect(e.code).toBe('analyze/unknown-property');
    expect(e.message).toContain("stream 'b' (B)");
  });

  it('rejects a stream without a data window, naming it', () => {
    const e = deployError('select a.id from A#length(2) as a, B as b where a.id = b.id');
    expect(e.code).toBe('analyze/join-needs-window');
    expect(e.message).toContain("Stream 'b'");
    expect(e.message).toContain('unidirectional');
  });

  it('rejects a unidirectional stream with a data window, two unidirectional streams, or a single one', () => {
    let e = deployError('select a.id from A#length(2) as a unidirectional, B#length(2) as b');
    expect(e.code).toBe('analyze/invalid-join');
    expect(e.message).toContain("Stream 'a' is unidirectional");
    e = deployError('select a.id from A as a unidirectional, B as b unidirectional');
    expect(e.code).toBe('analyze/invalid-join');
    expect(e.message).toContain("'a' already is");
    e = deployError('select id from A unidirectional');
    expect(e.code).toBe('analyze/invalid-join');
  });

  it('rejects two streams with the same name', () => {
    const e = deployError('select * from A#length(2), A#length(3)');
    expect(e.code).toBe('analyze/duplicate-stream');
  });

  it("rejects an outer join's on clause that is not equalities between two streams' properties", () => {
    const from = 'from A#length(2) as a left outer join B#length(2) as b';
    let e = deployError(`select a.id ${from} on a.id = b.id and a.v > 5`);
    expect(e.code).toBe('analyze/invalid-join');
    expect(e.message).toContain('put other conditions in the where clause');
    e = deployError(`select a.id ${from} on a.id = 5`);
    expect(e.message).toContain('equalities between properties of two streams');
    e = deployError(`select a.id ${from} on a.id = a.v`);
    expect(e.message).toContain("two properties of stream 'a'");
  });

  it('rejects an on clause that skips the joined stream, refers to a later one or mixes pairs', () => {
    const three = 'create schema C(id int);';
    let e = deployError(
      `${three} select a.id from A#length(2) as a left outer join B#length(2) as b on b.id = c.id full outer join C#length(2) as c on c.id = b.id`,
    );
    expect(e.code).toBe('analyze/invalid-join');
    expect(e.message).toContain("refers to 'c', which is joined later");
    e = deployError(
      `${three} select a.id from A#length(2) as a left outer join B#length(2) as b on a.id = b.id left outer join C#length(2) as c on a.id = b.w`,
    );
    expect(e.message).toContain("must compare a property of 'c'");
    e = deployError(
      `${three} select a.id from A#length(2) as a left outer join B#length(2) as b on a.id = b.id left outer join C#length(2) as c on c.id = b.id and c.id = a.id`,
    );
    expect(e.message).toContain('the same two streams');
  });

  it('rejects an outer join mixed with comma-separated streams', () => {
    const e = deployError(
      'create schema C(id int); select a.id from A#length(2) as a, C#length(2) as c left outer join B#length(2) as b on a.id = b.id',
    );
    expect(e.code).toBe('analyze/invalid-join');
    expect(e.message).toContain('not after a comma');
  });

  it('lets every stream of a full outer join be unidirectional, and no other mix of several', () => {
    expect(() =>
      createEngine().deploy(
        `${SCHEMAS} select a.id from A as a unidirectional full outer join B as b unidirectional on a.id = b.id`,
      ),
    ).not.toThrow();
    let e = deployError(
      'select a.id from A as a unidirectional left outer join B as b unidirectional on a.id = b.id',
    );
    expect(e.message).toContain("'a' already is");
    e = deployError(
      'create schema C(id int); select a.id from A as a unidirectional full outer join B as b unidirectional on a.id = b.id full outer join C#length(2) as c on c.id = a.id',
    );
    expect(e.message).toContain('either one stream or every stream');
  });

  it('rejects prev() in a join', () => {
    const e = deployError('select prev(1, a.v) from A#length(2) as a, B#length(2) as b');
    expect(e.code).toBe('analyze/invalid-prev');
  });
});
