/**
 * The open HTTP connections of the Moddable server, at most `max` (lwIP has few sockets). A
 * browser keeps several keep-alive connections open between requests; when the pool is full a
 * new connection takes the place of the one that has waited longest for its next request, and
 * only when every connection is busy is the newcomer refused (the server answers 503). Closing a
 * keep-alive connection between requests is allowed by RFC 9112 §9.6: clients retry on a new one.
 */
export interface PooledConnection {
  /** When the connection began waiting for its next request, or undefined while one is in progress. */
  readonly idleSince: number | undefined;
  close(): void;
}

export class ConnectionPool<C extends PooledConnection> {
  readonly max: number;
  #open = new Set<C>();

  constructor(max: number) {
    this.max = max;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Adds `connection`, first closing the longest-idle one if the pool is full; false when all are busy. */
  admit(connection: C): boolean {
    if (this.#open.size >= this.max) {
      const idle = this.#longestIdle();
      if (!idle) return false;
      this.#open.delete(idle);
      idle.close();
    }
    this.#open.add(connection);
    return true;
  }

  remove(connection: C): void {
    this.#open.delete(connection);
  }

  closeAll(): void {
    const open = [...this.#open];
    this.#open.clear();
    for (const connection of open) connection.close();
  }

  #longestIdle(): C | undefined {
    let oldest: C | undefined;
    for (const connection of this.#open) {
      const since = connection.idleSince;
      if (since !== undefined && (oldest === undefined || since < (oldest.idleSince as number))) oldest = connection;
    }
    return oldest;
  }
}
