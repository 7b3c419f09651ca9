import { describe, expect, it } from 'vitest';
import { charCount, isLong, MESSAGE_MAX_CHARS, splitMessage } from './long-text.ts';

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('splitting a long text into messages', () => {
  it('takes the server’s limit from the contract', () => {
    expect(MESSAGE_MAX_CHARS).toBe(4000);
  });

  it('leaves a text that fits as one message', () => {
    expect(splitMessage('  hello there  ', 20)).toEqual(['hello there']);
  });

  it('cuts between paragraphs first, keeping their order', () => {
    const a = 'a'.repeat(30);
    const b = 'b'.repeat(30);
    expect(splitMessage(`${a}\n\n${b}`, 40)).toEqual([a, b]);
  });

  it('cuts after a sentence when no paragraph break is far enough along', () => {
    const text = 'One short one. Then another sentence here. And a third that runs on';
    expect(splitMessage(text, 50)).toEqual([
      'One short one. Then another sentence here.',
      'And a third that runs on',
    ]);
  });

  it('cuts between words, never inside one, when there are no sentences', () => {
    const parts = splitMessage(words(2000), 100);
    for (const p of parts) expect(charCount(p)).toBeLessThanOrEqual(100);
    expect(parts.join(' ')).toBe(words(2000));
  });

  it('cuts a word longer than a message where it must, without splitting an emoji', () => {
    const text = '😀'.repeat(25);
    const parts = splitMessage(text, 10);
    expect(parts.map(charCount)).toEqual([10, 10, 5]);
    expect(parts.join('')).toBe(text);
  });

  it('keeps every part within the limit, as the server counts characters', () => {
    const text = `${'x'.repeat(3990)} ${'😀'.repeat(20)} ${words(300)}`;
    for (const p of splitMessage(text)) expect(charCount(p)).toBeLessThanOrEqual(MESSAGE_MAX_CHARS);
  });
});

describe('folding a long message', () => {
  it('folds many characters or many lines, not a short note', () => {
    expect(isLong('hi')).toBe(false);
    expect(isLong('x'.repeat(601))).toBe(true);
    expect(isLong(Array.from({ length: 13 }, () => 'line').join('\n'))).toBe(true);
  });
});
