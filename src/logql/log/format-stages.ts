// The stages that rewrite the line or the labels: line_format, label_format,
// drop, keep and decolorize.
import {
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  PRESERVE_ERROR_LABEL,
  StageCompileError,
  TEMPLATE_FORMAT_ERR,
} from './errors.js';
import { compileValueMatcher, type ValueMatcher } from './label-matcher.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import type { LabelFormatOp, NamedLabelMatcher } from './options.js';
import type { Stage } from './stage.js';
import type { CompileTemplate, LineTemplate, TemplateContext } from './template.js';

/** The context handed to templates: the current line and a lazily combined timestamp. */
class StageTemplateContext implements TemplateContext {
  line = '';
  lb: LabelsBuilder | null = null;
  get timestampNs(): bigint {
    return this.lb!.timestampNs();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// `{{.name}}` alone (any spacing or trim markers) is a plain label lookup, which Loki
// answers without running the template.
const SIMPLE_FIELD = /^\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}$/;

/** `| line_format "{{.a}} {{.b}}"`: the rendered template replaces the line. */
export class LineFormatStage implements Stage {
  private readonly template: LineTemplate | null;
  private readonly simpleSlot: LabelSlot | null;
  private readonly labels = new Map<string, string>();
  private readonly ctx = new StageTemplateContext();
  readonly referencedFields: readonly string[] | null;

  constructor(text: string, compileTemplate: CompileTemplate, lb: LabelsBuilder) {
    let template: LineTemplate;
    try {
      template = compileTemplate(text, 'line');
    } catch (err) {
      throw new StageCompileError(`invalid line template: ${errorMessage(err)}`);
    }
    const simple = SIMPLE_FIELD.exec(text);
    this.simpleSlot = simple ? lb.permanentSlot(simple[1]!) : null;
    this.template = this.simpleSlot === null ? template : null;
    this.referencedFields = simple ? [simple[1]!] : (template.referencedFields ?? null);
  }

  process(line: string, lb: LabelsBuilder): string | null {
    if (this.simpleSlot !== null) return lb.get(this.simpleSlot) ?? '';
    lb.fillMap(this.labels);
    this.ctx.line = line;
    this.ctx.lb = lb;
    try {
      return this.template!.execute(this.labels, this.ctx);
    } catch (err) {
      lb.setError(TEMPLATE_FORMAT_ERR, errorMessage(err));
      return line;
    }
  }
}

/**
 * `| label_format dst=src, dst2="{{...}}"`. A rename moves the value and
 * deletes the source; a template sees the labels as they were when the
 * stage's first template ran (Loki fills its map once per line).
 */
export class LabelFormatStage implements Stage {
  private readonly ops: ReadonlyArray<{ dst: LabelSlot; src: LabelSlot | null; template: LineTemplate | null }>;
  private readonly labels = new Map<string, string>();
  private readonly ctx = new StageTemplateContext();
  readonly referencedFields: readonly string[] | null;

  constructor(ops: readonly LabelFormatOp[], compileTemplate: CompileTemplate | undefined, lb: LabelsBuilder) {
    const seen = new Set<string>();
    for (const op of ops) {
      if (op.dst === ERROR_LABEL) throw new StageCompileError(`${ERROR_LABEL} cannot be formatted`);
      if (seen.has(op.dst)) {
        throw new StageCompileError(`multiple label name '${op.dst}' not allowed in a single format operation`);
      }
      seen.add(op.dst);
    }
    const fields: string[] = [];
    let fieldsKnown = true;
    this.ops = ops.map((op) => {
      if (op.kind === 'rename') {
        fields.push(op.src);
        return { dst: lb.permanentSlot(op.dst), src: lb.permanentSlot(op.src), template: null };
      }
      if (compileTemplate === undefined) throw new StageCompileError('templates are not available');
      let template: LineTemplate;
      try {
        template = compileTemplate(op.template, 'label');
      } catch (err) {
        throw new StageCompileError(`invalid template for label '${op.dst}': ${errorMessage(err)}`);
      }
      if (template.referencedFields === undefined) fieldsKnown = false;
      else fields.push(...template.referencedFields);
      return { dst: lb.permanentSlot(op.dst), src: null, template };
    });
    this.referencedFields = fieldsKnown ? [...new Set(fields)] : null;
  }

  process(line: string, lb: LabelsBuilder): string | null {
    let filled = false;
    for (const op of this.ops) {
      if (op.src !== null) {
        const v = lb.get(op.src);
        if (v !== undefined) {
          lb.setParsed(op.dst, v);
          lb.del(op.src);
        }
        continue;
      }
      if (!filled || this.labels.size === 0) {
        lb.fillMap(this.labels);
        filled = true;
      }
      this.ctx.line = line;
      this.ctx.lb = lb;
      let value: string;
      try {
        value = op.template!.execute(this.labels, this.ctx);
      } catch (err) {
        lb.setError(TEMPLATE_FORMAT_ERR, errorMessage(err));
        continue;
      }
      lb.setParsed(op.dst, value);
    }
    return line;
  }
}

interface CompiledItem {
  readonly slot: LabelSlot;
  readonly name: string;
  readonly matches: ValueMatcher | null;
}

function compileItems(items: readonly NamedLabelMatcher[], lb: LabelsBuilder): CompiledItem[] {
  return items.map((item) => ({
    slot: lb.permanentSlot(item.name),
    name: item.name,
    matches: item.op === undefined ? null : compileValueMatcher(item.op, item.value, 'prometheus'),
  }));
}

/**
 * `| drop a, b="x"`: removes labels by name or when their value matches.
 * `__error__` and `__error_details__` are cleared independently of each other.
 */
export class DropStage implements Stage {
  private readonly items: CompiledItem[];

  constructor(items: readonly NamedLabelMatcher[], lb: LabelsBuilder) {
    this.items = compileItems(items, lb);
  }

  process(line: string, lb: LabelsBuilder): string | null {
    for (const item of this.items) {
      if (item.name === ERROR_LABEL) {
        if (item.matches === null || item.matches(lb.error)) lb.resetError();
      } else if (item.name === ERROR_DETAILS_LABEL) {
        if (item.matches === null || item.matches(lb.errorDetails)) lb.resetErrorDetails();
      } else if (item.matches === null) {
        if (lb.get(item.slot) !== undefined) lb.del(item.slot);
      } else if (item.matches(lb.get(item.slot) ?? '')) {
        lb.del(item.slot);
      }
    }
    return line;
  }
}

/**
 * `| keep a, b="x"`: removes every label not listed (or whose value does not
 * match). The error labels are never removed by keep.
 */
export class KeepStage implements Stage {
  private readonly items: CompiledItem[];
  private lb: LabelsBuilder | null = null;
  private readonly visit = (slot: LabelSlot, value: string): void => {
    const name = slot.name;
    if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL || name === PRESERVE_ERROR_LABEL) return;
    for (const item of this.items) {
      if (item.name === name && (item.matches === null || item.matches(value))) return;
    }
    this.lb!.del(slot);
  };

  constructor(items: readonly NamedLabelMatcher[], lb: LabelsBuilder) {
    this.items = compileItems(items, lb);
  }

  process(line: string, lb: LabelsBuilder): string | null {
    if (this.items.length === 0) return line;
    this.lb = lb;
    lb.forEachLabel(this.visit);
    return line;
  }
}

// ANSI escape sequences as Loki strips them (the expression of acarl005/stripansi).
// The pattern only uses constructs on which JavaScript and Go agree, so the
// built-in engine is used for its fast replace.
const ANSI =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with control characters.
  /[\u001B\u009B][[\]()#;?]*(?:(?:(?:[a-zA-Z\d]*(?:;[a-zA-Z\d]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PRZcf-ntqry=><~]))/g;

/** `| decolorize`. */
export class DecolorizeStage implements Stage {
  process(line: string): string | null {
    if (line.indexOf('\u001b') === -1 && line.indexOf('\u009b') === -1) return line;
    return line.replace(ANSI, '');
  }
}
