/**
 * The statements of a sourced bash file, reduced to what sourcing it leaves
 * behind in variables: top-level assignments in order. Function definitions
 * (netifrc's preup() and friends) are skipped whole. Anything else at the
 * top level (a command, a conditional, a pipeline) is reported as a problem
 * on its line, since nmk will not run it; its effect on variables is
 * unknown. Unbalanced compound commands are syntax errors.
 */
import { BashSyntaxError, type Token, type Word } from './lexer.js';

export interface Assignment {
  name: string;
  line: number;
  append: boolean;
  /** declare -a: the variable is an array even when assigned a scalar. */
  array?: boolean;
  /** NAME[index]=value: the index text. */
  index?: string;
  /** A scalar value (NAME=word). */
  value?: Word;
  /** An array value (NAME=( ... )). */
  elements?: Word[];
}

export interface ScriptProblem {
  line: number;
  key: string;
  reason: string;
}

export interface ParsedScript {
  assignments: Assignment[];
  problems: ScriptProblem[];
}

const OPENERS: Record<string, string> = { '{': '}', if: 'fi', case: 'esac', for: 'done', while: 'done', until: 'done', select: 'done' };
const CLOSERS = new Set(['}', 'fi', 'esac', 'done']);
/** Words after which the next word is in command position. */
const COMMAND_PREFIX_WORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '{', '!', 'time']);
/** Builtins whose arguments are assignments. */
const DECLARATION_BUILTINS = new Set(['export', 'readonly', 'declare', 'typeset']);
const HARMLESS_COMMANDS = new Set([':', 'true']);

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?(\+?)=/s;

/** The word as plain text when it is all unquoted literal text (reserved words, command names). */
export function plainText(w: Word): string | undefined {
  return w.parts.length === 1 && w.parts[0]!.kind === 'lit' && !w.parts[0]!.quoted ? w.parts[0]!.text : undefined;
}

/** NAME=value as an assignment, when the word is one (NAME= must be unquoted text). */
export function asAssignment(w: Word): Assignment | undefined {
  const first = w.parts[0];
  if (first?.kind !== 'lit' || first.quoted) return undefined;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const value: Word = { line: w.line, parts: [...(rest ? [{ kind: 'lit' as const, text: rest, quoted: false }] : []), ...w.parts.slice(1)] };
  return { name: m[1]!, line: w.line, append: m[3] === '+', index: m[2], value };
}

function tokenLine(t: Token): number {
  return t.type === 'word' ? t.word.line : t.line;
}

export function parseScript(tokens: Token[]): ParsedScript {
  const out: ParsedScript = { assignments: [], problems: [] };
  let i = 0;

  /** Skips a compound command opened by tokens[i] (in command position); returns the index after it. */
  const skipCompound = (from: number): number => {
    const stack: string[] = [];
    let j = from;
    let commandPosition = true;
    for (; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.type === 'newline') {
        commandPosition = true;
        continue;
      }
      if (t.type === 'op') {
        const inCase = stack[stack.length - 1] === 'esac';
        if (t.op === '(' && !inCase) stack.push(')');
        else if (t.op === ')' && !inCase) {
          if (stack.pop() !== ')') throw new BashSyntaxError(t.line, "syntax error near unexpected token ')'");
        }
        commandPosition = t.op !== ')' || inCase;
      } else if (t.type === 'word') {
        const text: string | undefined = commandPosition ? plainText(t.word) : undefined;
        if (text !== undefined && OPENERS[text]) stack.push(OPENERS[text]!);
        else if (text !== undefined && CLOSERS.has(text)) {
          const expected = stack.pop();
          if (expected !== text) throw new BashSyntaxError(t.word.line, `syntax error near unexpected '${text}'${expected ? ` (expected '${expected}')` : ''}`);
        }
        commandPosition = text !== undefined && COMMAND_PREFIX_WORDS.has(text);
      } else commandPosition = false;
      if (stack.length === 0) return j + 1;
    }
    throw new BashSyntaxError(tokenLine(tokens[from]!), `unexpected end of file: '${stack[stack.length - 1]}' is missing`);
  };

  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.type === 'newline' || (t.type === 'op' && t.op === ';')) {
      i++;
      continue;
    }
    if (t.type === 'op' && t.op === '(') {
      const end = skipCompound(i);
      out.problems.push({ line: t.line, key: '(', reason: 'subshells are not supported; nmk does not run commands' });
      i = end;
      continue;
    }
    if (t.type === 'op') throw new BashSyntaxError(t.line, `syntax error near unexpected token '${t.op}'`);
    const text = t.type === 'word' ? plainText(t.word) : undefined;
    if (text !== undefined && CLOSERS.has(text)) throw new BashSyntaxError(tokenLine(t), `syntax error near unexpected '${text}'`);
    // name () compound  |  function name [()] compound: a definition, skipped whole.
    const next = tokens[i + 1];
    const isDefinition =
      (text !== undefined && next?.type === 'op' && next.op === '(' && tokens[i + 2]?.type === 'op' && (tokens[i + 2] as { op: string }).op === ')') || text === 'function';
    if (isDefinition) {
      let j = text === 'function' ? i + 2 : i + 3;
      if (text === 'function' && tokens[j]?.type === 'op' && (tokens[j] as { op: string }).op === '(') j += 2;
      while (tokens[j]?.type === 'newline') j++;
      if (j >= tokens.length) throw new BashSyntaxError(tokenLine(t), 'unexpected end of file: function body is missing');
      i = skipCompound(j);
      continue;
    }
    if (text !== undefined && OPENERS[text]) {
      const end = skipCompound(i);
      out.problems.push({ line: tokenLine(t), key: text, reason: `'${text}' is not supported at the top level; nmk does not run commands` });
      i = end;
      continue;
    }
    i = simpleCommand(tokens, i, out);
  }
  return out;
}

/** One simple command starting at `from`; records its assignments or a problem. Returns the index after it. */
function simpleCommand(tokens: Token[], from: number, out: ParsedScript): number {
  const words: Token[] = [];
  let j = from;
  let chained: string | undefined;
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.type === 'newline' || (t.type === 'op' && t.op === ';')) break;
    if (t.type === 'op') {
      chained ??= t.op;
      continue;
    }
    if (!chained) words.push(t);
  }
  const line = tokenLine(tokens[from]!);
  if (chained) {
    out.problems.push({ line, key: chained, reason: `'${chained}' is not supported; nmk reads plain assignments` });
    return j;
  }
  const assignments: Assignment[] = [];
  let k = 0;
  for (; k < words.length; k++) {
    const t = words[k]!;
    if (t.type === 'array') assignments.push({ name: t.name, line: t.line, append: t.append, elements: t.elements });
    else if (t.type === 'word') {
      const a = asAssignment(t.word);
      if (!a) break;
      assignments.push(a);
    }
  }
  if (k === words.length) {
    out.assignments.push(...assignments);
    return j;
  }
  const command = words[k]!.type === 'word' ? plainText((words[k] as { word: Word }).word) : undefined;
  if (command !== undefined && DECLARATION_BUILTINS.has(command)) {
    let array = false;
    for (const t of words.slice(k + 1)) {
      if (t.type === 'array') out.assignments.push({ name: t.name, line: t.line, append: t.append, elements: t.elements });
      else if (t.type === 'word') {
        const flag = plainText(t.word);
        if (flag !== undefined && /^[-+][a-zA-Z]+$/.test(flag)) {
          if (/[AilnuU]/.test(flag)) out.problems.push({ line: t.word.line, key: command, reason: `${command} ${flag} is not supported` });
          if (flag.startsWith('-') && flag.includes('a')) array = true;
          continue;
        }
        const a = asAssignment(t.word);
        if (a) out.assignments.push(array ? { ...a, array } : a);
      }
    }
    return j;
  }
  // Assignments before a command only reach that command's environment.
  if (command === undefined || !HARMLESS_COMMANDS.has(command)) {
    out.problems.push({ line, key: command ?? 'command', reason: `commands are not supported (${command ?? 'a command'}); nmk does not run the file` });
  }
  return j;
}
