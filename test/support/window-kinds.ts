/**
 * Every window kind once (the flow-control and reference-point variants too) and the window
 * combinations (intersections with and without a batch or first-X member, groupwin), for
 * tests that must hold for all of them. Events carry `k` (a key), `v` (a value) and `ets`
 * (an external timestamp).
 */
export const WINDOW_KINDS: readonly string[] = [
  '#length(3)',
  '#time(2 sec)',
  '#keepall',
  '#sort(3, v desc)',
  '#sort(2, k, v)',
  '#unique(k)',
  '#unique(k, v)',
  '#lastevent',
  '#firstevent',
  '#firstlength(3)',
  '#firstunique(k)',
  '#length_batch(3)',
  '#time_batch(2 sec)',
  '#time_batch(2 sec, 700L)',
  "#time_batch(1 sec, 'FORCE_UPDATE, START_EAGER')",
  '#time_length_batch(2 sec, 3)',
  "#time_length_batch(1 sec, 3, 'FORCE_UPDATE, START_EAGER')",
  '#time_accum(1 sec)',
  '#ext_timed(ets, 2 sec)',
  '#ext_timed_batch(ets, 2 sec)',
  '#length(3)#time(2 sec)',
  '#unique(k)#time_accum(1 sec)',
  '#firstlength(3)#time(2 sec)',
  '#unique(k)#length_batch(3)',
  '#time(2 sec)#time_batch(1 sec)',
  '#firstunique(k)#time_batch(1 sec)',
  '#groupwin(k)#length(2)',
  '#groupwin(k)#time_batch(1 sec)',
  '#groupwin(k)#length(2)#time(1 sec)',
];
