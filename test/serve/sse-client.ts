/** A minimal SSE reader for tests: collects `data:` payloads as parsed JSON. */
export interface SseStream {
  /** Resolves with the first `n` messages (rejects after `timeoutMs`). */
  take(n: number, timeoutMs?: number): Promise<unknown[]>;
  close(): void;
}

export async function openSse(url: string): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  if (res.status !== 200 || res.body === null) throw new Error(`SSE ${url}: status ${res.status}`);
  const messages: unknown[] = [];
  let wake: (() => void) | undefined;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data !== '') messages.push(JSON.parse(data));
          end = buffer.indexOf('\n\n');
        }
        wake?.();
      }
    } catch {
      // aborted
    }
  })();
  return {
    async take(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline)
          throw new Error(`SSE: got ${messages.length} of ${n} messages: ${JSON.stringify(messages)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      return messages.slice(0, n);
    },
    close: () => controller.abort(),
  };
}
