// The bookshop's passages in the workspace's Markdown: what a README says of the example domain sits between
// `<!-- bookshop -->` and `<!-- /bookshop -->` lines, so the removal can take it out and leave the rest true.
// Marker lines rather than whole sections: the platform's sections use the bookshop as their example here and
// there, and only those sentences go.

const OPENING = '<!-- bookshop -->';
const CLOSING = '<!-- /bookshop -->';

/**
 * `markdown` without its marked passages (the marker lines included) and without the blank lines the cut leaves
 * doubled. Refuses an unclosed, unopened or nested marker, naming its line, so nothing is cut by a guess.
 */
export function withoutBookshopPassages(markdown: string, file: string): string {
  const kept: string[] = [];
  let openedAt: number | undefined;
  markdown.split('\n').forEach((line, index) => {
    const marker = line.trim();
    if (marker === OPENING) {
      if (openedAt !== undefined)
        throw new Error(`${file}:${index + 1}: ${OPENING} inside another, opened at line ${openedAt}`);
      openedAt = index + 1;
    } else if (marker === CLOSING) {
      if (openedAt === undefined) throw new Error(`${file}:${index + 1}: ${CLOSING} without its ${OPENING}`);
      openedAt = undefined;
    } else if (openedAt === undefined) {
      kept.push(line);
    }
  });
  if (openedAt !== undefined) throw new Error(`${file}:${openedAt}: ${OPENING} is never closed`);
  const text = kept.join('\n').replace(/\n{3,}/g, '\n\n');
  // A passage at the end leaves the blank line before it: the file still ends in one line break.
  return markdown.endsWith('\n') ? text.replace(/\n+$/, '\n') : text;
}

/** True when `markdown` has a marked passage. */
export function hasBookshopPassages(markdown: string): boolean {
  return markdown.split('\n').some((line) => line.trim() === OPENING);
}
