/** The output clause: what parses, what each bad amount or condition is told, and explain. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { explainModule } from '../../src/runtime/explain-module.js';
import { deployError as deployModuleError } from '../support/deploy-error.js';

const SCHEMA = 'create schema T(k string, v int);';

function deployError(statement: string) {
  return deployModuleError(`${SCHEMA}\n${statement}`);
}

describe('output clause', () => {
  it.each([
    'select k from T output every 5 events',
    'select k from T output all every 1 min 30 sec',
    'select k from T output first every 2.5 sec',
    'select k from T output last every 500 msec',
    'select k from T#length(3) output snapshot every 3 events',
    'select k from T output after 10 sec',
    'select k from T output after 4 events',
    'select k from T output after 4 events last every 5 events',
    'select k from T output at (*, *, *, *, *, */4)',
    'select k from T output at ([0, 30], 9:17, *, *, [1, 2, 3, 4, 5])',
    'select k from T output when count_insert >= 5 and count_remove_total < 100',
    'select k from T output when last_output_timestamp < 5000 or count_insert_total > 3',
    'select k, count(*) from T group by k output every 5 events order by k limit 2',
    'create context C partition by k from T;\ncontext C select k, count(*) from T output first when terminated',
    'create context C partition by k from T;\ncontext C select k, count(*) from T group by k output first every 2 events and when terminated',
  ])('accepts %s', (statement) => {
    const engine = createEngine();
    expect(() => engine.deploy(`${SCHEMA}\n${statement}`)).not.toThrow();
    // Context statements build their operators at a partition's first event.
    expect(() => {
      engine.send('T', { k: 'a', v: 1 }, 1000);
      engine.send('T', { k: 'a', v: 2 }, 2000);
      engine.close();
    }).not.toThrow();
  });

  it.each([
    ['select k from T output every 0 events', 'analyze/invalid-argument', 'positive whole number of events'],
    ['select k from T output every 0 sec', 'analyze/invalid-argument', 'positive time period'],
    ['select k from T output after 0 events', 'analyze/invalid-argument', "'output after … events'"],
    ['select k from T output at (*, *, *)', 'analyze/invalid-argument', '5 or 6 crontab fields'],
    [
      'select k from T output at (60, *, *, *, *)',
      'analyze/invalid-argument',
      'minutes must be a whole number from 0 to 59',
    ],
    ['select k from T output at (*, *, 0, *, *)', 'analyze/invalid-argument', 'days of month'],
    ['select k from T output at (*, *, *, *, *, 3:5/2)', 'analyze/invalid-argument', 'applies to * only'],
    ['select k from T output when v > 5', 'analyze/unknown-property', 'output condition'],
    ['select k from T output when count_insert', 'analyze/type-mismatch', 'must be boolean'],
    ['select k from T output when sum(v) > 3', 'analyze/invalid-aggregate', 'output condition'],
    ['select k from T output snapshot when terminated', 'analyze/invalid-argument', 'must run in a context'],
    [
      'select k from T output every 5 events and when terminated',
      'analyze/invalid-argument',
      'must run in a context',
    ],
    [
      // Found by the fuzz suite: the per-group first condition had no form for it (internal error at the first event).
      'create context C partition by k from T;\ncontext C select k, count(*) from T group by k output first when terminated',
      'analyze/unsupported',
      'with group by is not supported',
    ],
    // Found by the fuzz suite: a field allowing no value hung the first event (the day search never ended).
    [
      'select k from T output first at (*, 2, *, *, 5:1)',
      'analyze/invalid-argument',
      "days of week '5:1' allows no value",
    ],
    [
      'select k from T output at (*, *, *, */15, *)',
      'analyze/invalid-argument',
      "months '*/15' allows no value",
    ],
    ['select k from T output first', 'parse/unexpected-token', "'every'"],
    ['select k from T output all after 5 events', 'parse/unexpected-token', "'after'"],
    ['select output from T', 'parse/unexpected-token', 'reserved word'],
  ])('rejects %s', (statement, code, text) => {
    const e = deployError(statement);
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
  });

  it('explain shows the limiter, its view and that the fused path is not used', () => {
    const text = explainModule(
      `${SCHEMA}\n@name('x') select k, count(*) as c from T#time(30 sec) group by k output last every 5 sec;`,
    );
    expect(text).toContain('OutputLimit last every 5000 ms');
    expect(text).toContain('OutputLimiter last every 5000 ms (last rows kept as steps happen)');
    expect(text).not.toContain('ColumnarAggregation');
  });
});
