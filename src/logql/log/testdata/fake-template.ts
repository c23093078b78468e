// A stand-in for the Go template engine in tests: it only substitutes
// `{{.name}}` (and `{{__line__}}`), and fails on purpose for `{{fail}}` at run
// time and for an unclosed action at parse time.
import type { CompileTemplate, LineTemplate, TemplateContext } from '../template.js';

const ACTION = /\{\{\s*(\.[A-Za-z_][A-Za-z0-9_]*|__line__|__timestamp__|fail)\s*\}\}/g;

export const fakeCompileTemplate: CompileTemplate = (text, name) => {
  const open = text.split('{{').length;
  const close = text.split('}}').length;
  if (open !== close) throw new Error(`template: ${name}:1: unclosed action`);
  const fields = [...text.matchAll(ACTION)].map((m) => m[1]!).filter((a) => a.startsWith('.')).map((a) => a.slice(1));
  const template: LineTemplate = {
    referencedFields: [...new Set(fields)],
    execute(labels: ReadonlyMap<string, string>, ctx: TemplateContext): string {
      return text.replace(ACTION, (_, action: string) => {
        if (action === '__line__') return ctx.line;
        if (action === '__timestamp__') return String(ctx.timestampNs);
        if (action === 'fail') throw new Error(`template: ${name}:1:2: executing "${name}" at <fail>: error calling fail`);
        return labels.get(action.slice(1)) ?? '';
      });
    },
  };
  return template;
};
