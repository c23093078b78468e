// Plans `|~ "re"`: as Loki does, a regexp that only asks for literals is
// answered with substring searches instead of the regexp engine, e.g.
//
//   foo, .*foo.*, (foo)        contains("foo")
//   (?i)foo                    containsFold("foo")
//   foo|bar, f(oo|ar)          anyOf(contains("foo"), contains("bar"))
//   (?i)(error|fail)           anyOf(containsFold("error"), containsFold("fail"))
//   ^foo, foo$, ^foo$          prefix/suffix/equals("foo")
//   .*, ^, (a|)                everything
//   .+                         a line with a character other than \n
//
// Every rewrite answers exactly like Go's regexp.MatchString on the line.
// Anything else runs the regexp, behind a prefilter on literals every match
// must contain when a selective one exists.
import { compileGoRegexp } from '../../util/regexp.js';
import { anyOf, unionSize } from './any-of.js';
import { AnchoredMatcher, type AnchorKind, ContainsFoldMatcher } from './caseless.js';
import { byteComparable, isAscii, type Lit, lit, prefilterScore } from './lit.js';
import { ContainsMatcher } from './literal.js';
import { type LineMatcher, matchEverything } from './matcher.js';
import { NotOnlyNewlinesMatcher } from './non-empty.js';
import {
  canMatchNewline,
  literalFacts,
  MAX_LITERAL_SET,
  matchesEmptyAnywhere,
  usesTextAnchors,
} from './regex-analysis.js';
import { RegexMatcher } from './regex-matcher.js';
import { type ParsedRegex, parseRegex, type RegexNode } from './regex-syntax.js';

/** More alternatives than this are left to the regexp engine without trying. */
const MAX_ALTERNATIVES = 64;
/** Prefilters whose shortest literal is shorter than this are not worth a pass. */
const MIN_PREFILTER_SCORE = 2.5;

/**
 * Compiles a line filter regexp. Throws RegexpSyntaxError with Go's message
 * for invalid patterns.
 */
export function planRegexMatcher(pattern: string): LineMatcher {
  const regexp = compileGoRegexp(pattern);
  const parsed = parseRegex(pattern, { classMatchesNewline });
  if (!parsed) return new RegexMatcher({ regexp, joinable: false });
  return simplify(parsed.root) ?? generalMatcher(pattern, parsed);
}

function classMatchesNewline(source: string): boolean {
  try {
    return compileGoRegexp(source).test('\n');
  } catch {
    return true;
  }
}

/** A literal-only equivalent of the regexp, or null. */
export function simplify(root: RegexNode): LineMatcher | null {
  if (matchesEmptyAnywhere(root)) return matchEverything;
  if (root.op === 'alternate') {
    if (root.subs.length > MAX_ALTERNATIVES) return null;
    // a|b matches when either does: each branch may simplify on its own.
    const branches = root.subs.map(simplify);
    if (!branches.every((b) => b !== null)) return null;
    // Past a handful of literals, one regexp pass beats a pass per literal.
    const union = anyOf(branches as LineMatcher[]);
    return unionSize(union) <= MAX_LITERAL_SET ? union : null;
  }
  const items = root.op === 'concat' ? [...root.subs] : [root];
  // Leading and trailing parts that may match nothing don't decide anything.
  while (items.length > 0 && matchesEmptyAnywhere(items[0]!)) items.shift();
  while (items.length > 0 && matchesEmptyAnywhere(items[items.length - 1]!)) items.pop();
  if (items.length === 1 && items[0]!.op === 'alternate') return simplify(items[0]!);
  const anchoredStart = isAssert(items[0], 'beginText');
  if (anchoredStart) items.shift();
  const anchoredEnd = isAssert(items[items.length - 1], 'endText');
  if (anchoredEnd) items.pop();

  const middle: RegexNode = items.length === 1 ? items[0]! : { op: 'concat', subs: items };
  const exact = items.length === 0 ? [lit('', false)] : literalFacts(middle).exact;
  if (!exact) return anchoredStart || anchoredEnd ? null : simplifyAnyChar(middle);
  if (exact.length > MAX_LITERAL_SET) return null;
  if (!anchoredStart && !anchoredEnd) return anyOf(exact.map(containsMatcher));
  // Anchored compares are only written for exact and ASCII-folded literals.
  if (exact.some((l) => l.fold && !isAscii(l.text))) return null;
  const kind: AnchorKind = anchoredStart && anchoredEnd ? 'equals' : anchoredStart ? 'prefix' : 'suffix';
  if (kind !== 'equals' && exact.some((l) => l.text === '')) return matchEverything;
  return anyOf(exact.map((l) => new AnchoredMatcher(kind, l)));
}

function isAssert(node: RegexNode | undefined, kind: 'beginText' | 'endText'): boolean {
  return node?.op === 'assert' && node.kind === kind;
}

/** `.`, `.+`, `(?s).` and the like: the line has a character (other than \n unless (?s)). */
function simplifyAnyChar(node: RegexNode): LineMatcher | null {
  const cls = node.op === 'repeat' && node.min >= 1 ? node.sub : node;
  if (cls.op !== 'class' || !cls.ranges) return null;
  const r = cls.ranges;
  if (r.length === 2 && r[0] === 0 && r[1] === 0x10ffff) return new NotOnlyNewlinesMatcher(true);
  if (r.length === 4 && r[0] === 0 && r[1] === 0x09 && r[2] === 0x0b && r[3] === 0x10ffff) {
    return new NotOnlyNewlinesMatcher(false);
  }
  return null;
}

/** The matcher for "line contains `l`". */
export function containsMatcher(l: Lit): LineMatcher {
  if (l.text === '') return matchEverything;
  if (!l.fold) return new ContainsMatcher(l.text);
  if (isAscii(l.text)) return new ContainsFoldMatcher(l.text);
  // Non-ASCII folding (e.g. (?i)größe) is left to RE2, behind its ASCII parts.
  const prefilter = prefilterFor([l]);
  return new RegexMatcher({
    regexp: compileGoRegexp(`(?i)${quoteMeta(l.text)}`),
    prefilter,
    joinable: !l.text.includes('\n'),
    required: [l],
    containsLiteral: l,
    label: `containsFold(${JSON.stringify(l.text)})`,
  });
}

function generalMatcher(pattern: string, parsed: ParsedRegex): LineMatcher {
  const { root, captureOpenings } = parsed;
  const required = literalFacts(root).required;
  const prefilter = required ? prefilterFor(required) : null;
  const joinable = !canMatchNewline(root) && !usesTextAnchors(root);
  // Capture groups make each search report their positions: drop them for the block scan.
  let scanRegexp: ReturnType<typeof compileGoRegexp> | undefined;
  if (joinable && captureOpenings.length > 0) {
    let source = '';
    let at = 0;
    for (const { start, end } of captureOpenings) {
      source += `${pattern.slice(at, start)}(?:`;
      at = end;
    }
    scanRegexp = compileGoRegexp(source + pattern.slice(at));
  }
  return new RegexMatcher({ regexp: compileGoRegexp(pattern), scanRegexp, prefilter, joinable, required });
}

/**
 * A cheap test every matching line passes, from "must contain one of" literals;
 * null when they are not selective enough to pay for the extra pass.
 */
export function prefilterFor(required: readonly Lit[]): LineMatcher | null {
  const usable: Lit[] = [];
  for (const l of required) {
    const candidate = byteComparable(l);
    if (!candidate) return null;
    usable.push(candidate);
  }
  if (prefilterScore(usable) < MIN_PREFILTER_SCORE) return null;
  return anyOf(usable.map(containsMatcher));
}

/** Go's regexp.QuoteMeta: escapes the characters with a meaning in a regexp. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
