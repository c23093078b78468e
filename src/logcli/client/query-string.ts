// Query strings as Go's url.Values.Encode writes them: keys sorted, each
// value escaped by url.QueryEscape (space as '+', only A-Z a-z 0-9 - _ . ~
// left as they are). logcli prints the URLs it requests, so the bytes matter.

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === ' ') out += '+';
    else if (UNRESERVED.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A builder of query strings with Go's url.Values semantics (`set` replaces, `add` appends). */
export class QueryString {
  private readonly values = new Map<string, string[]>();

  set(name: string, value: string | number | bigint): this {
    this.values.set(name, [String(value)]);
    return this;
  }

  add(name: string, value: string): this {
    const list = this.values.get(name);
    if (list) list.push(value);
    else this.values.set(name, [value]);
    return this;
  }

  encode(): string {
    const keys = [...this.values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const parts: string[] = [];
    for (const k of keys) for (const v of this.values.get(k)!) parts.push(`${queryEscape(k)}=${queryEscape(v)}`);
    return parts.join('&');
  }
}
