import { describe, expect, it } from 'vitest';

import { hasBookshopPassages, withoutBookshopPassages } from './bookshop-passages';

describe('withoutBookshopPassages', () => {
  it('cuts every marked passage with its markers, indented ones in list items too, and no other line', () => {
    const markdown = [
      '# Title',
      '',
      '<!-- bookshop -->',
      'The demo domain.',
      '<!-- /bookshop -->',
      '',
      '- a rule',
      '  <!-- bookshop -->',
      '  The cart runs 2 to 4 nodes.',
      '  <!-- /bookshop -->',
      '',
      '| a | b |',
      '',
      '<!-- bookshop -->',
      '| bookshop | table |',
      '<!-- /bookshop -->',
      'End.',
      '',
    ].join('\n');
    expect(withoutBookshopPassages(markdown, 'README.md')).toBe(
      ['# Title', '', '- a rule', '', '| a | b |', '', 'End.', ''].join('\n'),
    );
  });

  it('ends the file in one line break when the last passage is cut', () => {
    const markdown = '# Title\n\nText.\n\n<!-- bookshop -->\n- a bookshop note\n<!-- /bookshop -->\n';
    expect(withoutBookshopPassages(markdown, 'a.md')).toBe('# Title\n\nText.\n');
  });

  it('leaves Markdown without markers as it is', () => {
    const markdown = '# Title\n\nText.\n';
    expect(hasBookshopPassages(markdown)).toBe(false);
    expect(withoutBookshopPassages(markdown, 'a.md')).toBe(markdown);
  });

  it.each([
    ['an unclosed passage', 'a\n<!-- bookshop -->\nb\n', 'a.md:2: <!-- bookshop --> is never closed'],
    ['a closing marker alone', 'a\n<!-- /bookshop -->\n', 'a.md:2: <!-- /bookshop --> without its'],
    [
      'a nested passage',
      '<!-- bookshop -->\n<!-- bookshop -->\n<!-- /bookshop -->\n<!-- /bookshop -->\n',
      'a.md:2: <!-- bookshop --> inside another, opened at line 1',
    ],
  ])('refuses %s, naming the line', (_case, markdown, message) => {
    expect(() => withoutBookshopPassages(markdown, 'a.md')).toThrow(message);
  });
});
