// Go's fmt.Sprint, Sprintln and Sprintf over template values, with Go's
// verbs, flags, width/precision rules and error notations
// (%!d(string=x), %!d(MISSING), %!(EXTRA ...), %!(NOVERB), ...).
import { GoTime, LONG_DAYS, LONG_MONTHS } from './gotime.js';
import { canBackquote, formatFloat, isPrint, quote, quoteRune, quoteRuneToASCII, quoteToASCII } from './strconv.js';
import { GoInt, type GoValue, Kind, kindOf, sortedEntries, typeName } from './values.js';

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';
const MAX_RUNE = 0x10ffff;
const UINT64_MASK = (1n << 64n) - 1n;

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** The first n runes of s. */
function truncateRunes(s: string, n: number): string {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, i);
}

/** Month and Weekday print their names through Stringer, as time's types do. */
function stringerOf(v: GoValue): string | undefined {
  if (v instanceof GoTime) return v.toString();
  if (v instanceof GoInt) {
    if (v.type === 'time.Month') {
      const m = Number(v.value);
      return m >= 1 && m <= 12 ? LONG_MONTHS[m - 1] : `%!Month(${m})`;
    }
    if (v.type === 'time.Weekday') {
      const d = Number(v.value);
      return d >= 0 && d <= 6 ? LONG_DAYS[d] : `%!Weekday(${d})`;
    }
  }
  return undefined;
}

/** One formatting run: the output buffer plus the flags of the verb being printed (Go's pp and fmt). */
class Printer {
  buf = '';
  // Flags, reset per verb.
  plus = false;
  minus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  widPresent = false;
  precPresent = false;
  // The argument being printed, for %!verb(type=value).
  arg: GoValue = undefined;
  argIsNil = true;

  clearFlags(): void {
    this.plus = this.minus = this.sharp = this.space = this.zero = false;
    this.plusV = this.sharpV = false;
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = false;
  }

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero ? '0' : ' ').repeat(n);
  }

  /** Appends s padded to the width (counted in runes). */
  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private padString(s: string): void {
    this.pad(s);
  }

  // ---- per-kind formatting (Go's fmt type) ----

  fmtBoolean(v: boolean): void {
    this.padString(v ? 'true' : 'false');
  }

  /** Go's fmt.fmtInteger: u is the two's-complement 64-bit pattern when isSigned. */
  fmtIntegerBase(value: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const negative = isSigned && value < 0n;
    let u = negative ? -value : value;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = '';
    const b = BigInt(base);
    if (u === 0n) s = '0';
    while (u > 0n) {
      s = digits[Number(u % b)] + s;
      u /= b;
    }
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8) {
        if (s[0] !== '0') s = `0${s}`;
      } else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === 'O') s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (this.plus) s = `+${s}`;
    else if (this.space) s = ` ${s}`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtC(c: bigint): void {
    let r = c > BigInt(MAX_RUNE) || c < 0n ? 0xfffd : Number(c);
    if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    this.pad(String.fromCodePoint(r));
  }

  fmtQc(c: bigint): void {
    const r = c > BigInt(MAX_RUNE) || c < 0n ? 0xfffd : Number(c);
    this.pad(this.plus ? quoteRuneToASCII(r) : quoteRune(r));
  }

  fmtUnicode(u: bigint): void {
    let s = u.toString(16).toUpperCase();
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = `U+${s}`;
    if (this.sharp && u <= BigInt(MAX_RUNE) && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  private truncate(s: string): string {
    return this.precPresent ? truncateRunes(s, this.prec) : s;
  }

  fmtS(s: string): void {
    this.padString(this.truncate(s));
  }

  fmtSx(s: string, digits: string): void {
    let bytes = Buffer.from(s, 'utf8');
    if (this.precPresent && this.prec < bytes.length) bytes = bytes.subarray(0, this.prec);
    const length = bytes.length;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = '';
    if (this.sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += `0${digits[16]}`;
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) this.padString(`\`${s}\``);
    else if (this.plus) this.pad(quoteToASCII(s));
    else this.pad(quote(s));
  }

  fmtFloat(v: number, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    const fmtChar = verb === 'F' ? 'f' : verb === 'v' ? 'g' : verb;
    let num = formatFloat(v, fmtChar, prec);
    if (num[0] === '-' || num[0] === '+') {
      // keep the sign
    } else num = `+${num}`;
    if (this.space && num[0] === '+' && !this.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const ch = body[i]!;
        if (ch === '.') hasDecimalPoint = true;
        else if (ch === 'p' || ch === 'P' || ((ch === 'e' || ch === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (ch !== '0') sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ---- per-verb dispatch (Go's pp) ----

  badVerb(verb: string): void {
    this.buf += `%!${verb}(`;
    if (!this.argIsNil) {
      this.buf += `${typeName(this.arg)}=`;
      this.printArg(this.arg, 'v');
    } else this.buf += '<nil>';
    this.buf += ')';
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  private fmtInteger(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV && !isSigned) {
          const oldSharp = this.sharp;
          this.sharp = true;
          this.fmtIntegerBase(v, 16, false, 'v', LDIGITS);
          this.sharp = oldSharp;
        } else this.fmtIntegerBase(v, 10, isSigned, verb, LDIGITS);
        return;
      case 'd':
        this.fmtIntegerBase(v, 10, isSigned, verb, LDIGITS);
        return;
      case 'b':
        this.fmtIntegerBase(v, 2, isSigned, verb, LDIGITS);
        return;
      case 'o':
      case 'O':
        this.fmtIntegerBase(v, 8, isSigned, verb, LDIGITS);
        return;
      case 'x':
        this.fmtIntegerBase(v, 16, isSigned, verb, LDIGITS);
        return;
      case 'X':
        this.fmtIntegerBase(v, 16, isSigned, verb, UDIGITS);
        return;
      case 'c':
        this.fmtC(isSigned && v < 0n ? v & UINT64_MASK : v);
        return;
      case 'q':
        this.fmtQc(isSigned && v < 0n ? v & UINT64_MASK : v);
        return;
      case 'U':
        this.fmtUnicode(isSigned && v < 0n ? v & UINT64_MASK : v);
        return;
      default:
        this.badVerb(verb);
        return;
    }
  }

  private fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(v, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        this.fmtFloat(v, verb, 6);
        return;
      default:
        this.badVerb(verb);
        return;
    }
  }

  private fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's':
        this.fmtS(v);
        return;
      case 'x':
        this.fmtSx(v, LDIGITS);
        return;
      case 'X':
        this.fmtSx(v, UDIGITS);
        return;
      case 'q':
        this.fmtQ(v);
        return;
      default:
        this.badVerb(verb);
        return;
    }
  }

  /** Stringer handling for named types (Go's handleMethods). */
  private handleMethods(v: GoValue, verb: string): boolean {
    if (this.sharpV) {
      if (v instanceof GoTime) {
        this.fmtS(v.goString());
        return true;
      }
      return false;
    }
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    const s = stringerOf(v);
    if (s === undefined) return false;
    this.fmtString(s, verb);
    return true;
  }

  /** Go's printArg: v is an interface{} argument (null and undefined are nil). */
  printArg(v: GoValue, verb: string): void {
    this.arg = v;
    this.argIsNil = v === null || v === undefined;
    if (this.argIsNil) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.fmtS(typeName(v));
      return;
    }
    switch (typeof v) {
      case 'string':
        this.fmtString(v, verb);
        return;
      case 'bigint':
        this.fmtInteger(v, true, verb);
        return;
      case 'number':
        this.fmtFloatVerb(v, verb);
        return;
      case 'boolean':
        this.fmtBool(v, verb);
        return;
    }
    if (verb === 'p') {
      this.badVerb(verb);
      return;
    }
    if (!this.handleMethods(v, verb)) this.printValue(v, verb, 0);
  }

  /** Go's printValue for composite and named values; depth > 0 inside containers. */
  private printValue(v: GoValue, verb: string, depth: number): void {
    if (depth > 0 && v !== null && v !== undefined) {
      this.arg = v;
      this.argIsNil = false;
      if (this.handleMethods(v, verb)) return;
    }
    switch (kindOf(v)) {
      case Kind.Invalid:
      case Kind.Nil:
        // A nil element of an interface slice or map.
        if (this.sharpV) this.buf += 'interface {}(nil)';
        else this.buf += '<nil>';
        return;
      case Kind.Bool:
        this.fmtBool(v as boolean, verb);
        return;
      case Kind.Int:
        this.fmtInteger(typeof v === 'bigint' ? v : (v as GoInt).value, true, verb);
        return;
      case Kind.Uint:
        this.fmtInteger((v as GoInt).value, false, verb);
        return;
      case Kind.Float:
        this.fmtFloatVerb(v as number, verb);
        return;
      case Kind.String:
        this.fmtString(v as string, verb);
        return;
      case Kind.Map: {
        this.buf += this.sharpV ? `${typeName(v)}{` : 'map[';
        const entries = sortedEntries(v);
        for (let i = 0; i < entries.length; i++) {
          if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
          const [key, value] = entries[i]!;
          this.printValue(key, verb, depth + 1);
          this.buf += ':';
          this.printValue(value, verb, depth + 1);
        }
        this.buf += this.sharpV ? '}' : ']';
        return;
      }
      case Kind.Slice: {
        const arr = v as readonly GoValue[];
        if (this.sharpV) {
          this.buf += `${typeName(v)}{`;
          for (let i = 0; i < arr.length; i++) {
            if (i > 0) this.buf += ', ';
            this.printValue(arr[i], verb, depth + 1);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          for (let i = 0; i < arr.length; i++) {
            if (i > 0) this.buf += ' ';
            this.printValue(arr[i], verb, depth + 1);
          }
          this.buf += ']';
        }
        return;
      }
      case Kind.Struct:
        // time.Time without a Stringer-friendly verb (e.g. %d): Go prints the
        // struct's private fields; there is nothing meaningful to mirror.
        this.buf += `{${(v as GoTime).toString()}}`;
        return;
    }
  }
}

/** Parses a decimal number in format[start:end]; Go's parsenum. */
function parsenum(s: string, start: number, end: number): [num: number, isnum: boolean, newi: number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
    if (num > 1e6 || num < -1e6) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 0x30);
    isnum = true;
  }
  return [num, isnum, i];
}

function intFromArg(a: readonly GoValue[], argNum: number): [num: number, isInt: boolean, newArgNum: number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    const k = kindOf(v);
    if (k === Kind.Int || k === Kind.Uint) {
      const n = typeof v === 'bigint' ? v : (v as GoInt).value;
      if (n >= -(1n << 63n) && n < 1n << 63n) {
        num = Number(n);
        isInt = true;
      }
    }
    newArgNum = argNum + 1;
    if (num > 1e6 || num < -1e6) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

/** fmt.Sprintf. */
export function sprintf(format: string, a: readonly GoValue[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (i: number): [number, number, boolean] => {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    reordered = true;
    // parseArgNumber
    let index = 0;
    let wid = 1;
    let ok = false;
    if (format.length - i >= 3) {
      for (let j = i + 1; j < format.length; j++) {
        if (format[j] === ']') {
          const [width, isnum, newi] = parsenum(format, i + 1, j);
          if (!isnum || newi !== j) {
            wid = j - i + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = j - i + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && index < a.length) return [index, i + wid, true];
    goodArgNum = false;
    return [argNum, i + wid, ok];
  };

  formatLoop: for (let i = 0; i < end; ) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format.charCodeAt(i) !== 0x25) i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    p.clearFlags();
    simple: for (; i < end; i++) {
      const c = format[i]!;
      switch (c) {
        case '#':
          p.sharp = true;
          break;
        case '0':
          p.zero = true;
          break;
        case '+':
          p.plus = true;
          break;
        case '-':
          p.minus = true;
          break;
        case ' ':
          p.space = true;
          break;
        default:
          // Fast path: a lower-case verb with flags only.
          if (c >= 'a' && c <= 'z' && argNum < a.length) {
            if (c === 'v' || c === 'w') {
              p.sharpV = p.sharp;
              p.sharp = false;
              p.plusV = p.plus;
              p.plus = false;
            }
            p.printArg(a[argNum], c);
            argNum++;
            i++;
            continue formatLoop;
          }
          break simple;
      }
    }
    [argNum, i, afterIndex] = argNumber(i);
    if (i < end && format[i] === '*') {
      i++;
      [p.wid, p.widPresent, argNum] = intFromArg(a, argNum);
      if (!p.widPresent) p.buf += '%!(BADWIDTH)';
      if (p.wid < 0) {
        p.wid = -p.wid;
        p.minus = true;
        p.zero = false;
      }
      afterIndex = false;
    } else {
      [p.wid, p.widPresent, i] = parsenum(format, i, end);
      if (afterIndex && p.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      [argNum, i, afterIndex] = argNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        [p.prec, p.precPresent, argNum] = intFromArg(a, argNum);
        if (p.prec < 0) {
          p.prec = 0;
          p.precPresent = false;
        }
        if (!p.precPresent) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        [p.prec, p.precPresent, i] = parsenum(format, i, end);
        if (!p.precPresent) {
          p.prec = 0;
          p.precPresent = true;
        }
      }
    }
    if (!afterIndex) [argNum, i, afterIndex] = argNumber(i);
    if (i >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      p.buf += '%';
    } else if (!goodArgNum) {
      p.buf += `%!${verb}(BADINDEX)`;
    } else if (argNum >= a.length) {
      p.buf += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        p.sharpV = p.sharp;
        p.sharp = false;
        p.plusV = p.plus;
        p.plus = false;
      }
      p.printArg(a[argNum], verb);
      argNum++;
    }
  }
  if (!reordered && argNum < a.length) {
    p.clearFlags();
    p.buf += '%!(EXTRA ';
    for (let k = argNum; k < a.length; k++) {
      if (k > argNum) p.buf += ', ';
      const arg = a[k];
      if (arg === null || arg === undefined) p.buf += '<nil>';
      else {
        p.buf += `${typeName(arg)}=`;
        p.printArg(arg, 'v');
      }
    }
    p.buf += ')';
  }
  return p.buf;
}

/** fmt.Sprint of one value with %v; the hot path for printing an action's result. */
export function formatValue(v: GoValue): string {
  if (typeof v === 'string') return v;
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(a: readonly GoValue[]): string {
  const p = new Printer();
  let prevString = false;
  for (let i = 0; i < a.length; i++) {
    const arg = a[i];
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  }
  return p.buf;
}

/** fmt.Sprintln: spaces between all operands and a final newline. */
export function sprintln(a: readonly GoValue[]): string {
  const p = new Printer();
  for (let i = 0; i < a.length; i++) {
    if (i > 0) p.buf += ' ';
    p.printArg(a[i], 'v');
  }
  return `${p.buf}\n`;
}
