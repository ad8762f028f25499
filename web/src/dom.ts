// Tiny DOM helpers. Text goes in as text (textContent), never as HTML, so
// names and memos other people chose cannot inject markup.

export function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing`);
  return e;
}

export function input(form: HTMLFormElement, name: string): string {
  const e = form.elements.namedItem(name);
  return e instanceof HTMLInputElement ? e.value.trim() : '';
}

type Child = Node | string;

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** onSubmit wires a form; errors are shown in the form's .status element. */
export function onSubmit(form: HTMLFormElement, run: (f: HTMLFormElement) => Promise<string | void>): void {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const status = form.querySelector('.status');
    if (status) status.textContent = '…';
    run(form).then(
      (msg) => status && (status.textContent = msg ?? ''),
      (err: unknown) => status && (status.textContent = err instanceof Error ? err.message : String(err)),
    );
  });
}
