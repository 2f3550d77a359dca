/**
 * Get-or-create for generated code and other pure results shared across statements and
 * engines (one function object per source keeps call sites monomorphic). A process that keeps
 * deploying new shapes must not keep every one forever, so the cache starts over once it
 * holds `limit` entries: anything evicted is simply built again.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K, create: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = create();
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }
}
