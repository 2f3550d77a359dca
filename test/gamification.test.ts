/**
 * queries/gamification: the badges and rewards `weir run` posts equal a reference computed
 * here in plain code from the same events (points per action kind, running totals and streak
 * counts per user, each badge once, a reward per level badge), independently of the engine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const dir = new URL('../queries/gamification/', import.meta.url).pathname;
const POINTS: Record<string, number> = { task: 10, streak: 25, purchase: 15 };
/** The badge rules in the order of their statements: one event can award several. */
const RULES: [string, (u: { total: number; streaks: number }) => boolean][] = [
  ['level-1', (u) => u.total >= 100],
  ['level-2', (u) => u.total >= 250],
  ['level-3', (u) => u.total >= 500],
  ['streaker', (u) => u.streaks >= 5],
];
const REWARDS: Record<string, string> = { 'level-1': 'sticker', 'level-2': 'mug', 'level-3': 't-shirt' };

function reference() {
  const users = new Map<string, { total: number; streaks: number; badges: Set<string> }>();
  const badges: { time: number; user: string; badge: string }[] = [];
  const rewards: { time: number; user: string; level: string; reward: string }[] = [];
  for (const line of readFileSync(`${dir}events.ndjson`, 'utf8').trim().split('\n')) {
    const { ts, data } = JSON.parse(line) as { ts: number; data: { user: string; kind: string } };
    const u = users.get(data.user) ?? { total: 0, streaks: 0, badges: new Set<string>() };
    users.set(data.user, u);
    u.total += POINTS[data.kind] ?? 0;
    if (data.kind === 'streak') u.streaks++;
    for (const [badge, holds] of RULES) {
      if (u.badges.has(badge) || !holds(u)) continue;
      u.badges.add(badge);
      badges.push({ time: ts, user: data.user, badge });
      const reward = REWARDS[badge];
      if (reward !== undefined) rewards.push({ time: ts, user: data.user, level: badge, reward });
    }
  }
  return { badges, rewards };
}

describe('queries/gamification', () => {
  it('awards each badge once and a reward per level, as the reference computes them', async () => {
    const r = await runCli([
      'run',
      `${dir}query.epl`,
      '--events',
      `${dir}events.ndjson`,
      '--format',
      'ndjson',
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stmt: string; time: number; row: Record<string, unknown> });
    const rows = (stmt: string) =>
      lines.filter((l) => l.stmt === stmt).map((l) => ({ time: l.time, ...l.row }));
    const expected = reference();
    expect(expected.badges.length).toBeGreaterThan(10);
    expect(rows('badges')).toEqual(expected.badges);
    expect(rows('rewards')).toEqual(expected.rewards);
    // `into table` posts the changed row of every action.
    const events = readFileSync(`${dir}events.ndjson`, 'utf8').trim().split('\n').length;
    expect(lines.filter((l) => l.stmt === 'points')).toHaveLength(events);
  });
});
