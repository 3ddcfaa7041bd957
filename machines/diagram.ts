/**
 * Draws a machine as a Mermaid `stateDiagram-v2`, straight from its definition, so the picture in
 * the README cannot drift from the code (a test compares them). Targetless transitions (actions
 * that stay in the same state) are left out to keep the picture readable. Reads the definition
 * only: it never runs the machine, and writes no file (`npm run diagram` does).
 */
import type { AnyStateMachine } from 'xstate';
import { DiscordGatewayError } from '../codec/errors.js';

type Node = AnyStateMachine['root'];

const idOf = (node: Node): string => node.path.join('_') || 'root';
const guardName = (guard: unknown): string => {
  if (!guard) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return ` [${String((guard as { type: unknown }).type)}]`;
  return ' [guarded]';
};

/** Mermaid `stateDiagram-v2` text for `machine`: nested states, initial arrows, guarded transitions. */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const transitions: string[] = [];
  const visit = (node: Node, indent: string) => {
    const children = Object.values(node.states) as Node[];
    const initial = node.initial?.target?.[0];
    if (initial) lines.push(`${indent}[*] --> ${idOf(initial)}`);
    for (const child of children) {
      const label = child.key;
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state "${label}" as ${idOf(child)} {`);
        visit(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${label}" as ${idOf(child)}`);
      }
      if (child.type === 'final') lines.push(`${indent}${idOf(child)} --> [*]`);
    }
  };
  const collect = (node: Node) => {
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) {
        for (const target of definition.target ?? []) transitions.push(`  ${idOf(node)} --> ${idOf(target)} : ${event}${guardName(definition.guard)}`);
      }
    }
    for (const definition of node.always ?? []) {
      for (const target of definition.target ?? []) transitions.push(`  ${idOf(node)} --> ${idOf(target)} : always${guardName(definition.guard)}`);
    }
    for (const child of Object.values(node.states) as Node[]) collect(child);
  };
  visit(machine.root, '  ');
  collect(machine.root);
  return [...lines, ...transitions].join('\n');
}

/** Markers around the generated diagram in README.md. */
export const DIAGRAM_MARKERS = { start: '<!-- state-diagram:start (npm run diagram) -->', end: '<!-- state-diagram:end -->' } as const;

/** {@link withDiagram} found nowhere to put the diagram: the markers are missing or out of order. */
export class DiagramMarkersError extends DiscordGatewayError {
  constructor() {
    super(
      'DIAGRAM_MARKERS_MISSING',
      `The markdown needs the line ${DIAGRAM_MARKERS.start} followed later by ${DIAGRAM_MARKERS.end}; add both where the state diagram belongs.`,
    );
  }
}

/**
 * `markdown` with the text between the diagram markers replaced by `diagram` in a mermaid block;
 * {@link DiagramMarkersError} when the markers are missing.
 */
export function withDiagram(markdown: string, diagram: string): string {
  const start = markdown.indexOf(DIAGRAM_MARKERS.start);
  const end = markdown.indexOf(DIAGRAM_MARKERS.end);
  if (start < 0 || end < start) throw new DiagramMarkersError();
  return `${markdown.slice(0, start + DIAGRAM_MARKERS.start.length)}\n\`\`\`mermaid\n${diagram}\n\`\`\`\n${markdown.slice(end)}`;
}
