// `fmt`: reads a LogQL query on stdin and prints it in Loki's multi-line form.
import { parseExpr, prettifyExpr } from '../../logql/syntax/index.js';
import { FatalError } from '../io.js';

export async function readAll(input: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

export function formatQuery(text: string): string {
  try {
    return `${prettifyExpr(parseExpr(text))}\n`;
  } catch (err) {
    throw new FatalError(`unable to format logql: failed to parse the query: ${(err as Error).message}`);
  }
}
