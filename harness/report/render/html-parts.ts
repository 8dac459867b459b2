/**
 * The small HTML helpers the report's sections are built from: escaping, a section, a table, a
 * row and report prose. Pure string functions; they write nothing.
 */

/** A `<section>` with an id for links, an escaped `<h2>` title and parts that are already HTML. */
export function section(id: string, title: string, parts: readonly string[]): string {
  return [`<section id="${id}">`, `<h2>${esc(title)}</h2>`, ...parts, '</section>'].join('\n');
}

/** A `<table>` of rows that are already HTML. */
export function table(rows: readonly string[], className: string): string {
  return `<table class="${className}">\n${rows.join('\n')}\n</table>`;
}

/**
 * A table row of cells that are already HTML (escaped by the caller); `text` marks the columns
 * that hold words, which stay left-aligned while numbers align right.
 */
export function row(kind: 'th' | 'td', cells: readonly string[], className = '', text: readonly number[] = [0]): string {
  const open = className === '' ? '<tr>' : `<tr class="${className}">`;
  return `${open}${cells.map((c, i) => `<${kind}${text.includes(i) ? '' : ' class="num"'}>${c}</${kind}>`).join('')}</tr>`;
}

/** Report prose: escaped, with `backticked` spans (nginx's log wording in the explanation) as code. */
export function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** The five characters that matter in HTML text and quoted attributes, and their entities. */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
