// A child's stdout and stderr as whole lines prefixed with its node id, so the interleaved output of a
// cluster in one terminal says which node wrote what.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** One line a child wrote, without its line break. */
export interface ChildOutputLine {
  /** The node id of the child (`cart-2`). */
  readonly id: string;
  readonly stream: 'stdout' | 'stderr';
  /** The line prefixed with the node id: `[cart-2] listening`. */
  readonly text: string;
}

/** Where children's lines go; the default writes them to this process's stdout and stderr. */
export type OutputSink = (line: ChildOutputLine) => void;

/** The default {@link OutputSink}: each line to the same stream of this process. */
export const writeToProcessStreams: OutputSink = (line) => {
  (line.stream === 'stdout' ? process.stdout : process.stderr).write(`${line.text}\n`);
};

/** Feeds each line of `input` to `sink` prefixed with `id`; a last line without a break is still passed on. */
export function forwardLines(
  input: Readable,
  id: string,
  stream: 'stdout' | 'stderr',
  sink: OutputSink,
): void {
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => sink({ id, stream, text: `[${id}] ${line}` }));
}
