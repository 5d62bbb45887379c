/**
 * Model ids that take images, conservatively: a model not listed here gets a
 * note instead of the image, and the `images` setting says otherwise for one
 * that does. Matched against the id's last segment, lower-cased, so
 * "openai/gpt-4o" (OpenRouter) and "llava:13b" (Ollama) count.
 */
const IMAGE_MODELS = [
  /^(chat)?gpt-4o/, // gpt-4o, gpt-4o-mini, chatgpt-4o-latest
  /^gpt-4\.1/,
  /^gpt-4-turbo/,
  /^gpt-4\.5/,
  /^gpt-5/, // every GPT-5, codex included
  /^o1(?!-mini|-preview)/,
  /^o3(?!-mini)/,
  /^o4/,
  /^claude/,
  /^gemini/,
  /^gemma-?3/,
  /^llama-?4/,
  /^(bak)?llava/,
  /^pixtral/,
  /^mistral-(small|medium)-?3/,
  /^minicpm-v/,
  /^moondream/,
  /^internvl/,
  /vision/, // llama3.2-vision, granite3.2-vision, gpt-4-vision-preview
  /vl(?![a-z])/, // qwen2.5-vl, qwen2.5vl:7b, qwen3-vl
];

/** True when the model `modelId` is sent images; `setting` (the `images` setting) decides when set. */
export function takesImages(options: { modelId: string; setting?: boolean }): boolean {
  if (options.setting !== undefined) return options.setting;
  const name = options.modelId.toLowerCase().split('/').at(-1) ?? '';
  return IMAGE_MODELS.some((pattern) => pattern.test(name));
}
