/**
 * Whether the main agent offers `apply_patch`: the `applyPatch` setting when
 * set, else by model id. The families are those Codex teaches its patch format
 * to (its `model_family.rs`): GPT-5 (every version; 5.1 and later, and the
 * codex models, get it as a tool there), any `codex` model, gpt-oss (a function
 * tool there), and o3 and o4-mini (through Codex's patch instructions). GPT-4.x
 * is left out: Codex only explains the format to it, and it edits well with
 * update_file. A provider prefix (`openai/gpt-5`) is ignored.
 */
export function offersApplyPatch(options: { modelId: string; setting?: boolean }): boolean {
  if (options.setting !== undefined) return options.setting;
  const id = options.modelId.toLowerCase().replace(/^.*\//, '');
  return id.startsWith('gpt-5') || id.includes('codex') || id.startsWith('gpt-oss') || /^o(3|4-mini)(\b|-|$)/.test(id);
}
