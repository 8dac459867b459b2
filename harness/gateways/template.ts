/**
 * Fills a gateway's config template (fixtures/nginx/, fixtures/haproxy/): every `{{name}}` by its
 * value. Pure; a placeholder left without a value is an error, so a template and its filler
 * cannot drift apart unnoticed.
 */

/** `template` with every `{{name}}` replaced by `values[name]`. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  const missing = new Set<string>();
  const filled = template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return String(value);
  });
  if (missing.size > 0) throw new Error(`fillTemplate: no value for ${[...missing].map((name) => `{{${name}}}`).join(', ')}; add it to the values`);
  return filled;
}
