import { describe, expect, it } from 'vitest';
import { formatEuros, mailboxOf, orderConfirmationEmail, smsNotification } from './notification';

describe('formatEuros', () => {
  it.each([
    [0, '€0.00'],
    [5, '€0.05'],
    [99, '€0.99'],
    [100, '€1.00'],
    [3797, '€37.97'],
    [123456, '€1234.56'],
  ])('shows %i cents as %s', (cents, shown) => {
    expect(formatEuros(cents)).toBe(shown);
  });
});

describe('mailboxOf', () => {
  it('keeps a user id that is already a safe local part, and escapes one that is not', () => {
    expect(mailboxOf('ada')).toBe('ada@users.bookshop.example');
    expect(mailboxOf('ada lovelace/1')).toBe('ada%20lovelace%2F1@users.bookshop.example');
  });
});

describe('smsNotification', () => {
  it('sends the text as it came to the number it came with, tied to its message', () => {
    expect(smsNotification({ to: '+447700900123', text: 'Your code is 4242' }, 'm-1')).toEqual({
      kind: 'sms',
      recipient: '+447700900123',
      body: 'Your code is 4242',
      orderId: null,
      messageId: 'm-1',
    });
  });
});

describe('orderConfirmationEmail', () => {
  const orderId = '4f9c2a4e-8d8e-4a57-9b7e-2f1d8c3b5a61';

  it('addresses the user, names the order, lists each book and the total paid', () => {
    const email = orderConfirmationEmail(
      {
        orderId,
        userId: 'ada',
        totalCents: 3797,
        items: [
          { bookId: 'dune', quantity: 2 },
          { bookId: 'foundation', quantity: 1 },
        ],
      },
      'm-2',
    );
    expect(email).toMatchObject({
      kind: 'email',
      recipient: 'ada@users.bookshop.example',
      orderId,
      messageId: 'm-2',
    });
    expect(email.body.split('\n')).toEqual([
      `Subject: Your bookshop order ${orderId} is confirmed`,
      '',
      'Thank you for your order of 3 books:',
      '  2 × dune',
      '  1 × foundation',
      '',
      'Total paid: €37.97',
    ]);
  });

  it('says "book" for a single copy', () => {
    const email = orderConfirmationEmail(
      { orderId, userId: 'ada', totalCents: 999, items: [{ bookId: 'foundation', quantity: 1 }] },
      'm-3',
    );
    expect(email.body).toContain('Thank you for your order of 1 book:');
  });
});
