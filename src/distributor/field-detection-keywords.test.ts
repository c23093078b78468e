import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelFromText } from './field-detection-keywords.js';

const level = (line: string): string => levelFromText(Buffer.from(line));

describe('level words in plain text', () => {
  const words: Array<[string, string]> = [
    ['trace', 'trace'],
    ['debug', 'debug'],
    ['info', 'info'],
    ['warn', 'warn'],
    ['warning', 'warn'],
    ['error', 'error'],
    ['err', 'error'],
    ['fatal', 'fatal'],
    ['critical', 'critical'],
    ['unknown', 'unknown'],
  ];
  const shapes: Array<[string, (w: string) => string]> = [
    ['inside a sentence', (w) => `this is a ${w} message`],
    ['upper case', (w) => `this is a ${w.toUpperCase()} message`],
    ['at the start', (w) => `${w} occurred`],
    ['at the end', (w) => `an ${w}`],
    ['followed by a colon', (w) => `${w}: something happened`],
    ['followed by a comma', (w) => `${w}, something happened`],
    ['followed by an exclamation mark', (w) => `${w}! something happened`],
    ['in parentheses', (w) => `(${w}) something happened`],
    ['in brackets', (w) => `[${w}] something happened`],
    ['in upper-case brackets', (w) => `[${w.toUpperCase()}] connection failed`],
    ['after a timestamp, nginx style', (w) => `2024-01-01T10:00:00Z ${w}: connection failed`],
  ];
  for (const [w, want] of words) {
    for (const [shape, make] of shapes) {
      it(`finds ${w} ${shape}`, () => assert.equal(level(make(w)), want));
    }
  }
});

describe('words that only contain a level word', () => {
  const cases: Array<[string, string]> = [
    ['this is a terror attack', 'unknown'],
    ['there were multiple errors', 'unknown'],
    ['error123 occurred', 'unknown'],
    ['123error occurred', 'unknown'],
    ['errorCode is invalid', 'unknown'],
    ['myError occurred', 'unknown'],
    ['debugging the issue', 'unknown'],
    ['debugger attached', 'unknown'],
    ['information is available', 'unknown'],
    ['informative message', 'unknown'],
    ['warnings issued', 'unknown'],
    ['criticality assessment', 'unknown'],
    ['fatalism philosophy', 'unknown'],
    ['tracer bullet', 'unknown'],
    ['traced the issue', 'unknown'],
    ['', 'unknown'],
    ['this is a regular log message', 'unknown'],
    ['{"errorCode": 123}', 'unknown'],
    ['errorCode=123', 'unknown'],
    ['[terror] attack occurred', 'unknown'],
    ['[errors] occurred', 'unknown'],
    ['[errorCode] is invalid', 'unknown'],
    ['[debugging] the issue', 'unknown'],
    ['[information] is available', 'unknown'],
    ['error_code is 500', 'unknown'],
    ['log_error function called', 'unknown'],
    ['trace_id is abc123', 'unknown'],
    ['stack_trace printed', 'unknown'],
    ['some_error_code is invalid', 'unknown'],
  ];
  for (const [line, want] of cases) it(`do not count: ${JSON.stringify(line)}`, () => assert.equal(level(line), want));
});

describe('level words inside structured text', () => {
  const cases: Array<[string, string]> = [
    ['{"message": "error occurred"}', 'error'],
    ['{"error": "something"}', 'error'],
    ['msg="error occurred"', 'error'],
    ['error=something', 'error'],
    ['level=error', 'error'],
    ['{"message": "[error] occurred"}', 'error'],
    ['msg="[error] occurred"', 'error'],
    ["event='User logged in' level='info' timestamp='2022-10-13T16:29:27Z'", 'info'],
    ["event='Connection refused' level='error' timestamp='2022-10-13T16:30:01Z' host='db.internal'", 'error'],
    [
      'Tue Mar 24 2026 19:49:19 GMT+0000 (Coordinated Universal Time)|INFO|Integration|core-api-service:server|undefined|Received request from API GW',
      'info',
    ],
  ];
  for (const [line, want] of cases)
    it(`finds ${want} in ${JSON.stringify(line)}`, () => assert.equal(level(line), want));
});

describe('the earliest standalone word wins', () => {
  const cases: Array<[string, string, string]> = [
    [
      'info before warning and error in arguments',
      '2024-01-01T10:00:00Z info request failed -l warning --log-level misc:error',
      'info',
    ],
    ['warning before info, whatever the word order of the search', 'warning: degraded, info follows', 'warn'],
    ['error before info', '[error] something went wrong, info available', 'error'],
    ['a key:value colon is no boundary', 'component=misc:error [info] processed', 'info'],
    ['an embedded first occurrence is skipped', 'fooerror [error] message', 'error'],
    ['all occurrences embedded', 'fooerror errorbar misc:error error_code', 'unknown'],
    [
      'nginx error log',
      '2024/01/01 10:00:00 [error] 1234#1234: *1 connect() failed (111: Connection refused) while connecting to upstream',
      'error',
    ],
    [
      'nginx warn log',
      '2024/01/01 10:00:00 [warn] 1234#1234: upstream server temporarily disabled while reading response header from upstream',
      'warn',
    ],
    [
      'nginx access log with error in a path',
      '192.168.1.1 - - [01/Jan/2024:10:00:00 +0000] "GET /api/error-handler HTTP/1.1" 500 1234 "-" "curl/7.68.0"',
      'unknown',
    ],
    [
      'apache error log',
      '[Mon Jan 01 10:00:00.000000 2024] [error] [pid 1234] File does not exist: /var/www/html/favicon.ico',
      'error',
    ],
    [
      'apache warn log',
      '[Mon Jan 01 10:00:00.000000 2024] [warn] [pid 1234] RSA server certificate CommonName does not match',
      'warn',
    ],
    [
      'spring boot INFO',
      '2024-01-01 10:00:00.000  INFO 1234 --- [main] com.example.App : Starting application on host',
      'info',
    ],
    [
      'spring boot ERROR with error again in the message',
      '2024-01-01 10:00:00.000 ERROR 1234 --- [main] com.example.App : Application startup failed due to connection error',
      'error',
    ],
    [
      'spring boot INFO with Error inside a class name',
      '2024-01-01 10:00:00.000  INFO 1234 --- [main] com.example.ErrorController : Handling request for /api/error-resource',
      'info',
    ],
    [
      'log4j WARN',
      '2024-01-01 10:00:00,000 WARN  com.example.service.UserService - Failed to load user preferences, using defaults',
      'warn',
    ],
    [
      'log4j ERROR',
      '2024-01-01 10:00:00,000 ERROR com.example.service.DatabaseService - Connection failed after error: timeout',
      'error',
    ],
    [
      'istio, tab separated, error_rate later',
      '2024-01-01T10:00:00.000000Z\twarn\tads\tcluster update: warning threshold exceeded, error_rate=0.05',
      'warn',
    ],
    [
      'envoy info with warning and misc:error in its arguments',
      '2024-01-01T10:00:00.000000Z    info    Envoy command: [-c /etc/envoy.json -l warning --component-log-level misc:error --concurrency 2]',
      'info',
    ],
  ];
  for (const [name, line, want] of cases) it(name, () => assert.equal(level(line), want));
});

describe('plain text edge cases', () => {
  it('reads the dotted capital I as Unicode lower-casing does (İNFO is info)', () => {
    assert.equal(level('İNFO started'), 'info');
    assert.equal(level('CRİTİCAL disk'), 'critical');
  });
  it('does not take a multi-byte character as a boundary', () => {
    assert.equal(level('éerror and ñinfo'), 'unknown');
  });
  it('scans only the given range', () => {
    const buf = Buffer.from('xx error yy');
    assert.equal(levelFromText(buf, 0, 4), 'unknown');
    assert.equal(levelFromText(buf, 3, 8), 'error');
  });
  it('needs the whole word before the end of the line', () => {
    assert.equal(level('a warnin'), 'unknown');
    assert.equal(level('a war'), 'unknown');
  });
});
