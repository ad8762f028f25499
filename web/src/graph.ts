// The ego graph: the signed-in person in the middle, who they follow and
// who follows them around, and the interests they share with each.
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import type { Me, PersonRef } from './queries';

const STYLE: cytoscape.StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-valign': 'bottom' } },
  { selector: 'node.me', style: { 'background-color': '#d9480f', width: 36, height: 36 } },
  { selector: 'node.person', style: { 'background-color': '#1c7ed6' } },
  { selector: 'node.interest', style: { 'background-color': '#37b24d', shape: 'round-rectangle', width: 14, height: 14 } },
  {
    selector: 'edge.follows',
    style: { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#868e96', 'target-arrow-color': '#868e96' },
  },
  { selector: 'edge.shares', style: { 'line-style': 'dashed', 'line-color': '#8ce99a', width: 1 } },
];

/** elements builds the ego graph; edge ids are stable ("f:A>B", "i:P~name"). */
export function elements(me: Me): ElementDefinition[] {
  const out: ElementDefinition[] = [{ data: { id: me.id, label: me.name }, classes: 'me' }];
  const mine = new Set(me.interests.map((i) => i.name));
  const people = new Map<string, PersonRef>();
  me.following.edges.forEach((e) => people.set(e.node.id, e.node));
  me.followers.edges.forEach((e) => people.set(e.node.id, e.node));
  const shared = new Set<string>();
  for (const p of people.values()) {
    out.push({ data: { id: p.id, label: p.name }, classes: 'person' });
    for (const i of p.interests ?? []) {
      if (!mine.has(i.name)) continue;
      shared.add(i.name);
      out.push({ data: { id: `i:${p.id}~${i.name}`, source: p.id, target: `interest:${i.name}` }, classes: 'shares' });
    }
  }
  for (const name of shared) {
    out.push({ data: { id: `interest:${name}`, label: `#${name}` }, classes: 'interest' });
    out.push({ data: { id: `i:${me.id}~${name}`, source: me.id, target: `interest:${name}` }, classes: 'shares' });
  }
  const follow = (from: string, to: string) =>
    out.push({ data: { id: `f:${from}>${to}`, source: from, target: to }, classes: 'follows' });
  me.following.edges.forEach((e) => follow(me.id, e.node.id));
  me.followers.edges.forEach((e) => follow(e.node.id, me.id));
  return out;
}

export class EgoGraph {
  private readonly cy: Core;

  constructor(private readonly container: HTMLElement) {
    this.cy = cytoscape({ container, style: STYLE, minZoom: 0.3, maxZoom: 3, wheelSensitivity: 0.3 });
  }

  clear(): void {
    this.cy.elements().remove();
    this.container.dataset.follows = '';
  }

  render(me: Me): void {
    this.cy.elements().remove();
    this.cy.add(elements(me));
    // Force-directed: shared interests pull people together, and the
    // follow edges stay apart from the interest nodes.
    this.cy.layout({ name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 8000, idealEdgeLength: () => 80 }).run();
    // The follow edges drawn, for tests and assistive tools (the canvas
    // itself is opaque to both).
    this.container.dataset.follows = this.cy.edges('.follows').map((e) => e.id()).join(' ');
  }
}
