/**
 * The target guard against generated address spellings (research/target-guard.md §5.3): every
 * IPv4 address in 1–4 parts, each part decimal, octal or hex in either case, and IPv6 spellings
 * of IPv4 addresses. The oracle is the number itself: loopback iff its first octet is 127 (or it
 * is ::1), whatever the spelling; no resolver is ever asked; the pinned address is canonical.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isLoopback, pinTarget } from '../../harness/safety/target-guard.ts';
import { recordingLookup } from '../helpers/recording-lookup.ts';

type Radix = 'decimal' | 'octal' | 'hex' | 'HEX';

/** `value` written in one of the IPv4 parser's radixes (WHATWG URL, "IPv4 number parser"). */
function spell(value: number, radix: Radix): string {
  switch (radix) {
    case 'decimal':
      return value.toString(10);
    case 'octal':
      return `0${value.toString(8)}`;
    case 'hex':
      return `0x${value.toString(16)}`;
    case 'HEX':
      return `0X${value.toString(16).toUpperCase()}`;
  }
}

/**
 * `n` in `parts` parts: the last part holds the remaining bytes (a.b.c.d, a.b.cd, a.bcd, abcd),
 * as inet_aton and WHATWG both read them.
 */
function spellAddress(n: number, parts: 1 | 2 | 3 | 4, radixes: readonly Radix[]): string {
  const octets = [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const leading = octets.slice(0, parts - 1);
  const rest = octets.slice(parts - 1).reduce((sum, octet) => sum * 256 + octet, 0);
  return [...leading, rest].map((value, index) => spell(value, radixes[index] ?? 'decimal')).join('.');
}

/** a.b.c.d of a uint32. */
function dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

const address = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x7f000000, max: 0x7fffffff }));
const radix = fc.constantFrom<Radix>('decimal', 'octal', 'hex', 'HEX');

describe('target guard properties (fast-check)', () => {
  it('accepts an IPv4 address in any spelling iff it is in 127.0.0.0/8, pins it canonical, and asks no resolver', async () => {
    await fc.assert(
      fc.asyncProperty(address, fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4), fc.array(radix, { minLength: 4, maxLength: 4 }), async (n, parts, radixes) => {
        const spelled = spellAddress(n, parts, radixes);
        const lookup = recordingLookup();
        const loopback = n >>> 24 === 127;
        const unspecified = n === 0;
        const pinned = await pinTarget(`http://${spelled}:8080/`, undefined, lookup).then(
          (pin) => pin.address,
          () => null,
        );
        assert.deepEqual(lookup.queries, [], `no resolver for ${spelled}`);
        assert.equal(pinned, loopback && !unspecified ? dotted(n) : null, `${spelled} is ${dotted(n)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('classifies IPv4-mapped IPv6 like the IPv4 address, and IPv4-compatible ::a.b.c.d as loopback only for ::1', () => {
    fc.assert(
      fc.property(address, fc.boolean(), (n, upper) => {
        const hex = `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
        const mapped = [`::ffff:${dotted(n)}`, `::ffff:${hex}`, `0:0:0:0:0:ffff:${hex}`].map((text) => (upper ? text.toUpperCase() : text));
        const canonical = (text: string): string => new URL(`http://[${text}]/`).hostname.slice(1, -1);
        for (const text of mapped) assert.equal(isLoopback(canonical(text)), n >>> 24 === 127, `[${text}]`);
        assert.equal(isLoopback(canonical(`::${dotted(n)}`)), n === 1, `[::${dotted(n)}]`);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same verdict to a URL and to its own serialisation (parse, print, parse)', async () => {
    await fc.assert(
      fc.asyncProperty(address, fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4), fc.array(radix, { minLength: 4, maxLength: 4 }), async (n, parts, radixes) => {
        const first = `http://${spellAddress(n, parts, radixes)}:8080/x?y=1`;
        const verdict = async (input: string): Promise<string> => pinTarget(input).then((pin) => pin.pinnedUrl, () => 'refused');
        const once = await verdict(first);
        const printed = new URL(first).href;
        assert.equal(await verdict(printed), once);
      }),
      { numRuns: 500 },
    );
  });
});
