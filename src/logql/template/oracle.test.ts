// Compares Skald's template engine with Go's own text/template, compiled to
// WebAssembly by @evertdespiegeleer/go-template. Data is decoded from JSON on
// the Go side (numbers are float64, objects map[string]interface {}), and
// the Go side runs with Option("missingkey=error") under the name "tpl", so
// Skald runs the same way. Every case compares the full output or the full
// error message.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parse } from '@evertdespiegeleer/go-template';
import { compileTemplate } from './template.js';
import type { GoValue } from './values.js';

type Case = readonly [template: string, data?: unknown];

/** Runs real Go: the raw result string of the WASM module's Render. */
function goRender(template: string, data: unknown): string {
  const render = (globalThis as unknown as { Render: (t: string, d: string) => string }).Render;
  const out = render(template, JSON.stringify(data ?? {}));
  if (out.startsWith('Template parse error: ')) return `PARSE ${out.slice('Template parse error: '.length)}`;
  if (out.startsWith('Template exec error: ')) return `EXEC ${out.slice('Template exec error: '.length)}`;
  return out;
}

function skaldRender(template: string, data: unknown): string {
  let t: ReturnType<typeof compileTemplate>;
  try {
    t = compileTemplate(template, { name: 'tpl', missingKey: 'error' });
  } catch (err) {
    return `PARSE ${(err as Error).message}`;
  }
  try {
    return t.executeData((data ?? {}) as GoValue);
  } catch (err) {
    return `EXEC ${(err as Error).message}`;
  }
}

const D = {
  n: 3,
  f: 2.5,
  neg: -7,
  big: 1e21,
  s: 'hello',
  e: '',
  t: true,
  no: false,
  nil: null,
  arr: [1, 'two', 3.5, null, true],
  empty: [],
  strs: ['b', 'a', 'c'],
  m: { b: 2, a: 1, c: { d: 'deep' } },
  em: {},
  uni: 'héllo wörld',
  pct: '100%',
};

const cases: Case[] = [
  // text, comments and trim markers
  ['plain text'],
  ['a{{/* comment */}}b'],
  ['a {{- /* comment */ -}} b'],
  ['a  {{- "x" -}}  b'],
  ['a\n\t{{- "x"}}\n'],
  ['{{"x" -}}\n\n  y'],
  ['{{- 3}}'],
  ['{{3 -}}'],
  ['{{-3}}'],
  ['x{{/* unclosed'],
  ['{{/* a */ "x"}}'],
  ['{{ /* a */ }}'],
  // literals
  ['{{"a\\tb\\u00e9\\x41\\101"}}'],
  ['{{`raw\\n`}}'],
  ["{{'a'}} {{'\\n'}} {{'\\u00e9'}}"],
  ['{{1}} {{-1}} {{+1}} {{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}}'],
  ['{{1.5}} {{1e3}} {{1.0}} {{.5}} {{1e-7}} {{0x1p-2}} {{1_000.5}}'],
  ['{{true}} {{false}}'],
  ['{{nil}}'],
  ['{{9223372036854775807}}'],
  ['{{9223372036854775808}}'],
  ['{{18446744073709551616}}'],
  ['{{08}}'],
  ['{{1e400}}'],
  ['{{0x}}'],
  ['{{1_}}'],
  ['{{"\\q"}}'],
  ["{{'ab'}}"],
  ['{{"unterminated}}'],
  ['{{`unterminated}}'],
  ["{{'x}}"],
  // fields and data
  ['{{.s}} {{.n}} {{.f}} {{.t}} {{.neg}} {{.big}}', D],
  ['{{.m}} {{.arr}} {{.empty}} {{.em}} {{.strs}}', D],
  ['{{.m.a}} {{.m.c.d}} {{$.m.b}}', D],
  ['{{.nil}}|{{.missing}}', D],
  ['{{.nil.x}}', D],
  ['{{.s.x}}', D],
  ['{{.arr.x}}', D],
  ['{{.m.c.d.e}}', D],
  ['{{.}}', D],
  ['{{.s 1}}', D],
  ['{{.s | .n}}', D],
  ['{{.a-b}}', D],
  ['{{. 1}}', D],
  ['{{"x" 1}}', D],
  ['{{(.m).a}} {{(.m.c).d}}', D],
  ['{{(1).x}}', D],
  ['{{nil.x}}', D],
  ['{{1.x}}', D],
  // variables
  ['{{$x := 1}}{{$x}}'],
  ['{{$x := 1}}{{$x = 2}}{{$x}}'],
  ['{{$x := .s}}{{with .m}}{{$x}}{{.a}}{{$.s}}{{end}}', D],
  ['{{$y}}'],
  ['{{$x = 1}}'],
  ['{{if true}}{{$x := 1}}{{end}}{{$x}}'],
  ['{{$x := .m}}{{$x.a}} {{$x.c.d}}', D],
  ['{{$}}', D],
  ['{{$x, $y := 1}}'],
  ['{{$x := 1 2}}'],
  ['{{$x := 1}}{{$x 2}}'],
  // pipelines
  ['{{.s | printf "%s!"}}', D],
  ['{{"a" | printf "%s%s" "b"}}'],
  ['{{1 | 2}}'],
  ['{{.s | "x"}}', D],
  ['{{printf "%d" (len .arr)}}', D],
  ['{{(printf "%s" "x") | len}}'],
  ['{{()}}'],
  ['{{}}'],
  ['{{|}}'],
  ['{{.s |}}', D],
  ['{{(1}}'],
  ['{{1)}}'],
  ['{{ x }}'],
  ['{{printf "%s" "a" | printf "%s-%s" "b" | printf "<%s>"}}'],
  // if / else if / with / else with
  ['{{if .t}}yes{{else}}no{{end}}', D],
  ['{{if .no}}yes{{else if .n}}n{{else}}no{{end}}', D],
  ['{{if .e}}a{{else if .empty}}b{{else if .em}}c{{else if .nil}}d{{else if 0}}e{{else if 0.0}}f{{else}}g{{end}}', D],
  ['{{if .s}}{{.s}}{{end}}', D],
  ['{{with .m}}{{.a}}{{else}}none{{end}}', D],
  ['{{with .e}}{{.}}{{else with .s}}[{{.}}]{{end}}', D],
  ['{{with .e}}x{{else with .no}}y{{else}}z{{end}}', D],
  ['{{with $x := .m.a}}{{$x}}{{.}}{{end}}', D],
  ['{{if}}{{end}}'],
  ['{{if .t}}unclosed', D],
  ['{{else}}'],
  ['{{end}}'],
  ['{{if .t}}a{{else}}b{{else}}c{{end}}', D],
  ['{{with .s}}{{else if .t}}x{{end}}', D],
  ['{{if 1}}{{end}} extra {{end}}'],
  // range
  ['{{range .arr}}[{{.}}]{{end}}', D],
  ['{{range $i, $v := .arr}}{{$i}}={{$v}};{{end}}', D],
  ['{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}', D],
  ['{{range .m}}{{.}};{{end}}', D],
  ['{{range .empty}}x{{else}}empty{{end}}', D],
  ['{{range .em}}x{{else}}empty{{end}}', D],
  ['{{range .missing}}x{{else}}none{{end}}', { missing: null }],
  ['{{range 4}}{{.}}{{end}}'],
  ['{{range $i := 3}}{{$i}}{{end}}'],
  ['{{range 0}}x{{else}}zero{{end}}'],
  ['{{range -2}}x{{else}}neg{{end}}'],
  ['{{range $i, $v := 3}}{{end}}'],
  ['{{range .s}}{{end}}', D],
  ['{{range .f}}{{end}}', D],
  ['{{range true}}{{end}}'],
  ['{{range .arr}}{{if eq . 3.5}}{{break}}{{end}}{{.}},{{end}}', D],
  ['{{range .arr}}{{if not .}}{{continue}}{{end}}{{.}},{{end}}', D],
  ['{{range $i, $e := .strs}}{{range 2}}{{if eq . 1}}{{break}}{{end}}{{$e}}{{.}}{{end}}{{end}}', D],
  ['{{break}}'],
  ['{{continue}}'],
  ['{{range .arr}}{{break 1}}{{end}}', D],
  ['{{range .arr}}{{.x}}{{end}}', D],
  ['{{range $x := .strs}}{{$x}}{{end}}{{$x}}', D],
  ['{{$i := 0}}{{range $i = .strs}}{{end}}{{$i}}', D],
  ['{{range $a, $b, $c := .arr}}{{end}}', D],
  ['{{range $a, 1 := .arr}}{{end}}', D],
  // define / template / block
  ['{{define "x"}}[{{.}}]{{end}}{{template "x" .s}}{{template "x"}}', D],
  ['{{template "nope"}}'],
  ['{{define "x"}}a{{end}}{{define "x"}}b{{end}}'],
  ['{{define "x"}} {{end}}{{define "x"}}b{{end}}{{template "x"}}'],
  ['{{block "b" .m}}{{.a}}{{end}}', D],
  ['{{define "r"}}{{if .}}{{len .}}{{template "r" slice . 1}}{{end}}{{end}}{{template "r" .strs}}', D],
  ['{{define "v"}}{{$}}{{end}}{{$x := 1}}{{template "v" 2}}'],
  ['{{define "e"}}{{.x}}{{end}}{{template "e" .m}}', D],
  ['{{define 1}}{{end}}'],
  ['{{template .s}}', D],
  ['{{define "tpl"}}defined{{end}}'],
  // builtins: and or not
  ['{{and 1 0 2}} {{and 1 2}} {{or 0 "" 3}} {{or 0 ""}} {{not 0}} {{not .s}}', D],
  ['{{and .t .nil.x}}', D],
  ['{{or .t .nil.x}}', D],
  ['{{and}}'],
  ['{{not}}'],
  ['{{not 1 2}}'],
  ['{{.t | and 1}}', D],
  // len index slice
  ['{{len .s}} {{len .uni}} {{len .arr}} {{len .m}} {{len .empty}}', D],
  ['{{len 3}}'],
  ['{{len nil}}'],
  ['{{len .nil}}', D],
  ['{{index .arr 1}} {{index .m "a"}} {{index .m "c" "d"}} {{index .s 0}} {{index .m "zz"}}', D],
  ['{{index .arr 5}}', D],
  ['{{index .arr -1}}', D],
  ['{{index .arr 1.0}}', D],
  ['{{index .m 1}}', D],
  ['{{index .m nil}}', D],
  ['{{index nil 1}}'],
  ['{{index .n 1}}', D],
  ['{{index .arr}}', D],
  ['{{index .s 5}}', D],
  ['{{slice .s 1 3}} {{slice .s 2}} {{slice .s}} {{slice .arr 1 3}}', D],
  ['{{slice .s 3 1}}', D],
  ['{{slice .s 1 2 3}}', D],
  ['{{slice .arr 1 2 3}}', D],
  ['{{slice .s 9}}', D],
  ['{{slice .n 1}}', D],
  ['{{slice .arr 1 2 3 4}}', D],
  // comparisons
  ['{{eq 1 1}} {{eq 1 2}} {{eq "a" "a"}} {{eq 1.5 1.5}} {{eq true true}} {{eq 1 2 3 1}}'],
  ['{{eq .n 3.0}} {{eq .s "hello"}} {{ne .s "x"}}', D],
  ['{{eq 1 "a"}}'],
  ['{{eq .n 3}}', D],
  ['{{eq 1}}'],
  ['{{eq .arr .arr}}', D],
  ['{{eq nil nil}} {{eq .nil nil}} {{eq .s nil}}', D],
  ['{{eq .m .m}}', D],
  ['{{lt 1 2}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}} {{lt "a" "b"}} {{lt 1.5 2.5}} {{gt "é" "z"}}'],
  ['{{lt 1 2.5}}'],
  ['{{lt true false}}'],
  ['{{lt nil 1}}'],
  ['{{lt .arr 1}}', D],
  ['{{ne 1 1 1}}'],
  ['{{le 1 "x"}}'],
  // print family
  ['{{print 1 2 "a" 3 "b" "c" 4.5 true nil}}'],
  ['{{print}}|{{println}}|{{println 1 "a" nil}}'],
  ['{{print .arr .m .nil}}', D],
  ['{{printf "%d %5d %-5d| %05d %+d %x %X %o %O %b %c %q %U %#U" 42 42 42 42 42 255 255 8 8 5 65 65 9731 9731}}'],
  ['{{printf "%s|%10s|%-10s|%.2s|%q|%x|% X|%#x|%+q|%#q" "abc" "abc" "abc" "abc" "a\\"b" "hi" "hi" "hi" "é" "bq"}}'],
  [
    '{{printf "%f|%.2f|%8.3f|%-8.1f|%e|%E|%g|%G|%.3g|%+.1e|%08.2f|% f" 3.14159 3.14159 3.14159 3.14159 1234.5678 0.00012 1e21 1e-7 123456.0 -5.55 -3.5 1.0}}',
  ],
  ['{{printf "%v|%v|%v|%v|%v|%v|%v" 0.1 1e20 1e21 123456.0 1234567.0 0.000001 100.0}}'],
  ['{{printf "%t %v %5t" true false true}}'],
  ['{{printf "%d" "x"}}|{{printf "%s" 5}}|{{printf "%t" 1}}|{{printf "%z" 1.5}}|{{printf "%d" nil}}'],
  ['{{printf "%d %d" 1}}|{{printf "%d" 1 2 "x"}}|{{printf "%"}}|{{printf "%!"}}'],
  [
    '{{printf "%[2]d %[1]d" 1 2}}|{{printf "%[3]d" 1}}|{{printf "%[0]d" 1}}|{{printf "%[x]d" 1}}|{{printf "%[2]*[1]d" 12 5}}',
  ],
  ['{{printf "%*d|%-*d|%.*f|%*d" 5 1 5 1 2 3.14159 "x" 1}}'],
  ['{{printf "%T %T %T %T %T %T %T" 1 1.5 "s" true nil .arr .m}}', D],
  ['{{printf "%v %d %s" .arr .arr .arr}}', D],
  ['{{printf "%#v %#v %#v %#v %#v" 1 1.5 "s" .arr .m}}', D],
  ['{{printf "%+v %x %X" .m "héllo" .strs}}', D],
  ['{{printf "%6.2f%%" 99.5}}'],
  ['{{printf "%c|%c|%q" 0x1F600 -1 0x1F600}}'],
  ['{{printf "%5.1q|%-8q|%08q" "abc" "a" "b"}}'],
  ['{{printf "%x %X %#x %#o %#b" -255 -255 -255 -8 -5}}'],
  ['{{printf "%.0d|%.0d|%5.0d|%.3d|%08.3d" 0 1 0 7 7}}'],
  ['{{printf "%e %.0e %#.0e %#.0f %#g %#.3x" 0.0 5.0 5.0 5.0 0.0 1.0}}'],
  ['{{printf "%x %X %.2x %b" 1.0 -2.5 3.3 1.0}}'],
  ['{{printf "%v %v %v" 1e-320 5e-324 1.7976931348623157e308}}'],
  ['{{printf "%.1f %.1f %.1f %.1f %.2f %.2f" 0.05 0.15 0.25 0.35 1.005 1.015}}'],
  ['{{printf "%10.4v|%-10v|%010v" 3.14159265 "x" 42}}'],
  ['{{printf "%s" .uni}}|{{printf "%8s|%-8s|%.3s" .uni "é" .uni}}', D],
  ['{{printf "%v" .nil}} {{printf "%s" .nil}}', D],
  ['{{printf 1}}'],
  ['{{printf}}'],
  ['{{printf "%s %s" "a"}}{{printf "%v"}}'],
  // html js urlquery
  ['{{html "<a href=\\"x\\">&\'</a>"}} {{html 1 "<" nil}}'],
  ['{{js "a\'b\\"c<d>e&f=g\\\\h\\n\\u2028é"}}'],
  ['{{urlquery "a b&c=d/é?"}} {{urlquery 1 2}}'],
  ['{{html}}|{{js}}|{{urlquery}}'],
  ['{{.s | html}} {{.arr | urlquery}}', D],
  // call and misc errors
  ['{{call .s}}', D],
  ['{{call nil}}'],
  ['{{call}}'],
  ['{{nosuchfunc 1}}'],
  ['{{.s.Method 1}}', D],
  ['{{"a" | nil}}'],
  ['{{print (nil)}}'],
  ['{{3 | printf "%d"}}'],
  ['{{.t.x}}', D],
  ['{{index .arr 0 0}}', D],
  ['{{printf "%s" (index .arr 1) | len}}', D],
  // multi-line positions
  ['line1\n{{.nope}}', D],
  ['a\n\nb {{.s}}\n  {{.s.x}}', D],
  ['{{define "d"}}\n  {{.x.y}}{{end}}{{template "d" .m}}', D],
  ['{{if .t}}\n{{.s.x}}\n{{end}}', D],
  ['{{"x"\n}}'],
  ['{{printf\n"%s"\n"x"}}'],
  ['ok\n{{ .s\n| printf "%q" }}\n{{ nope }}', D],
  ['x\n{{ "a" "b" }}', D],
  ['\n\n{{(1}}'],
  ['{{ $x := 1 }}\n{{ $y }}'],
  ['é{{.s.x}}', D],
  ['{{.uni}} {{.pct}} {{printf .pct}}', D],
];

describe('Go text/template oracle', () => {
  before(async () => {
    // Loads the WebAssembly module once; Render is then called synchronously.
    await parse('', {});
  });

  it('covers at least 150 templates', () => {
    assert.ok(cases.length >= 150, `only ${cases.length} cases`);
  });

  for (const [template, data] of cases) {
    it(`renders ${JSON.stringify(template)} as Go does`, () => {
      assert.equal(skaldRender(template, data), goRender(template, data));
    });
  }
});
