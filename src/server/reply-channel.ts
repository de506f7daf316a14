// Where a reply is written, independent of the framework that received the request.

/** Where a data-plane reply is written: the part of node:http's ServerResponse the data plane uses. */
export interface ReplyChannel {
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
  writeHead(status: number, headers: Readonly<Record<string, string | number | undefined>>): unknown;
  /** False when the client's buffer is full: wait for 'drain'. */
  write(text: string): boolean;
  end(text?: string): unknown;
  cork(): void;
  setHeader(name: string, value: string): unknown;
  destroy(): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}
