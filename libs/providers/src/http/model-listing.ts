/**
 * The ids in a vendor's model listing: `listField` must be an array (a missing one counts as empty
 * when `missingIsEmpty`, as Google's JSON leaves out empty lists); entries without a string `idField`
 * are skipped. Undefined when the answer is not such an object.
 */
export function listedIds(
  answer: unknown,
  listField: string,
  idField: string,
  options: { readonly missingIsEmpty?: boolean } = {},
): string[] | undefined {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return undefined;
  const list = (answer as Record<string, unknown>)[listField];
  if (list === undefined && options.missingIsEmpty) return [];
  if (!Array.isArray(list)) return undefined;
  const ids: string[] = [];
  for (const entry of list as unknown[]) {
    const id =
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[idField] : undefined;
    if (typeof id === 'string' && id.length > 0) ids.push(id);
  }
  return ids;
}
