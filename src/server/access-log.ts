// The data plane's access-log line: the one line every request writes, built as a string in pino's own
// format and handed straight to the logger's destination, instead of through pino's object serialiser.
import { hostname } from 'node:os';
import type { Logger } from 'pino';

export type AccessLog = (requestId: string, method: string, url: string, status: number, ms: number) => void;

export function accessLogTo(logger: Logger, write: (line: string) => void): AccessLog {
  const bindings = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  return (requestId, method, url, status, ms) => {
    if (!logger.isLevelEnabled('info')) return;
    write(
      `{"level":30,"time":${Date.now()}${bindings},"reqId":${JSON.stringify(requestId)},"method":${JSON.stringify(method)},"url":${JSON.stringify(url)},"status":${status},"ms":${ms},"msg":"request"}\n`,
    );
  };
}

/**
 * Lines written in one event-loop turn reach `write` as one string when the turn ends. pino's destination
 * re-measures its whole pending buffer on every write (a copy of up to 8 KB): once per turn, not per request.
 */
export function batchedPerTurn(write: (text: string) => void): (line: string) => void {
  let pending = '';
  const flush = () => {
    const text = pending;
    pending = '';
    write(text);
  };
  return (line) => {
    if (pending === '') setImmediate(flush);
    pending += line;
  };
}
